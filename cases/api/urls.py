"""API routes, included under `api/` by registry/urls.py (the ingestion endpoints have their own
include). The OpenAPI schema and its interactive docs cover every route under `api/`."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from cases.api import similar, stats, terms, views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("cases", views.CaseViewSet, basename="case")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("similar/", similar.SimilarView.as_view(), name="similar"),
    path("terms/", terms.TermsView.as_view(), name="terms"),
    path("stats/", stats.StatsView.as_view(), name="stats"),
    path("cases/", views.CaseViewSet.as_view({"get": "search"}), name="case-list"),
    *router.urls,
]
