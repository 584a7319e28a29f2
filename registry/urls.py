from pathlib import Path

from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

_FAVICON = Path(__file__).resolve().parent.parent / "cases" / "static" / "cases" / "favicon.ico"


def health(request):
    """Liveness for load balancers and `make run`: answers without touching the database."""
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    """A URL that names nothing: under /api/ in the API's one error shape (its schema documents a
    JSON 404 for every operation, also when a path parameter is malformed), else the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found."}}, status=404)
    return defaults.page_not_found(request, exception)


handler404 = not_found


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page links: served here so that it
    answers without collected static files too."""
    return HttpResponse(_FAVICON.read_bytes(), content_type="image/x-icon")


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    # The API's front door is its documentation (every route is listed there).
    path("api/", RedirectView.as_view(pattern_name="api:docs", permanent=False), name="api-root"),
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("api/", include("ingest.api_urls")),
    path("api/", include("cases.api.urls")),
    path("mme/", include("cases.mme.urls")),
    path("", include("cases.urls")),
]
