from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults


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

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("api/", include("ingest.api_urls")),
    path("api/", include("cases.api.urls")),
    path("mme/", include("cases.mme.urls")),
    path("", include("cases.urls")),
]
