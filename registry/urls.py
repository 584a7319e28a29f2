from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path


def health(request):
    """Liveness for load balancers and `make run`: answers without touching the database."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("api/", include("ingest.api_urls")),
    path("api/", include("cases.api.urls")),
    path("mme/", include("cases.mme.urls")),
    path("", include("cases.urls")),
]
