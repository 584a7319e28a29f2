from django.urls import path

from cases.mme.views import MmeMatchView

app_name = "mme"

urlpatterns = [
    path("match", MmeMatchView.as_view(), name="match"),
]
