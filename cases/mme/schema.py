"""OpenAPI description of the MME token (drf-spectacular finds extensions once imported)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class MmeTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cases.mme.views.MmeTokenAuthentication"
    name = "mmeToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Auth-Token",
            "description": "The DRF token of a user with cases.match_mme (or `Authorization: Token KEY`)",
        }
