"""Who may do what through the API.

Reads follow `Case.objects.visible_to(user)`: anonymous clients read what the public may see.
Every write needs a token (a browser session is not enough: API writes are for programs) and the
Django model permission for the change, e.g. `cases.add_report` to submit reports.
"""

from __future__ import annotations

from rest_framework import permissions
from rest_framework.authentication import TokenAuthentication


class TokenWriteModelPermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Safe methods: anyone (visibility is applied by the view's queryset). Unsafe methods: a
    token-authenticated user holding the model permission the method implies."""

    message = "Writes need an API token of a user with permission for this change."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not isinstance(getattr(request, "successful_authenticator", None), TokenAuthentication):
            return False
        return super().has_permission(request, view)


class ReadOnlyPost(permissions.BasePermission):
    """For POST endpoints that only query (the similar-case match): open to anonymous clients like
    any read, and throttled like one."""

    def has_permission(self, request, view) -> bool:
        return request.method in (*permissions.SAFE_METHODS, "POST")
