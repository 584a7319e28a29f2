from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.models import Case, Report


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/home.html",
        {"case_count": Case.objects.visible_to(request.user).count(), "report_count": Report.objects.count()},
    )
