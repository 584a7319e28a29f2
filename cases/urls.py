from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/autocomplete", views.autocomplete_view, name="autocomplete"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/case.csv", views.case_csv, name="case_csv"),
    path("similar/", views.similar_page, name="similar"),
    path("cohort/", views.cohort_page, name="cohort"),
    path("cohort/cases.csv", views.cohort_csv, name="cohort_csv"),
]
