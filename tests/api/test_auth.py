"""Tokens, write permissions and throttling."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.api.conftest import token_client
from tests.conftest import REPO_DIR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_api_token_command(django_user_model):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token",
        "robot",
        "--create-user",
        "--permission",
        "cases.add_report",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    user = django_user_model.objects.get(username="robot")
    assert Token.objects.get(user=user).key == key
    assert not user.has_usable_password()
    assert user.has_perm("cases.add_report")
    # Run again: the same token, unless reset.
    again = StringIO()
    call_command("create_api_token", "robot", stdout=again, stderr=StringIO())
    assert again.getvalue().strip() == key
    reset = StringIO()
    call_command("create_api_token", "robot", "--reset", stdout=reset, stderr=StringIO())
    assert reset.getvalue().strip() not in ("", key)
    # The token authenticates API requests.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {reset.getvalue().strip()}")
    assert client.get("/api/stats/").status_code == 200


def test_create_api_token_errors():
    with pytest.raises(CommandError, match="--create-user"):
        call_command("create_api_token", "nobody", stdout=StringIO(), stderr=StringIO())
    UserFactory(username="someone")
    with pytest.raises(CommandError, match="no permission"):
        call_command(
            "create_api_token", "someone", "--permission", "cases.fly", stdout=StringIO(), stderr=StringIO()
        )


def test_token_is_created_in_the_admin(db):
    admin_user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = APIClient()
    client.force_login(admin_user)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 200


def reports_url() -> str:
    try:
        return reverse("ingest_api:report-create")
    except NoReverseMatch:
        pytest.skip("the ingestion API (/api/reports/) is not routed")


def test_writes_need_a_token(client):
    url = reports_url()
    response = client.post(url, {"text": "A 30-year-old man with fever.", "filename": "a.txt"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_session_without_csrf_cannot_write(client):
    url = reports_url()
    user = UserFactory(username="webuser", is_superuser=True, is_staff=True)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(
        url, {"text": "A 30-year-old man with fever.", "filename": "a.txt"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_token_with_permission_can_write():
    url = reports_url()
    writer = token_client(username="ingester", permissions=("cases.add_report",))
    response = writer.post(url, {"text": "A 30-year-old man with fever.", "filename": "a.txt"}, format="json")
    assert response.status_code in (201, 202), response.content


@pytest.fixture
def low_rates(monkeypatch):
    # The throttle classes read their rates at import; override them for this test only.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"})


def test_anonymous_clients_are_throttled(client, low_rates):
    statuses = [client.get("/api/stats/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/stats/")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert 0 < error["retry_after"] <= 60
    assert int(response["Retry-After"]) == error["retry_after"]


def test_authenticated_clients_have_their_own_higher_rate(client, low_rates):
    for _ in range(3):
        client.get("/api/stats/")
    assert client.get("/api/stats/").status_code == 429
    user = token_client(username="reader")
    statuses = [user.get("/api/stats/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_throttle_rates_come_from_the_environment():
    # A fresh interpreter reads the settings as a deployment would; the database URL is only
    # parsed, never connected to.
    env = {
        **os.environ,
        "API_THROTTLE_ANON": "7/second",
        "API_THROTTLE_USER": "70/second",
        "API_THROTTLE_MME": "5/minute",
        "PAGE_THROTTLE_ANON": "2/second",
        "PAGE_THROTTLE_USER": "20/second",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DEBUG": "1",
    }
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import registry.settings as s; print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])",
        ],
        env=env,
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert output.strip() == (
        "{'anon': '7/second', 'user': '70/second', 'mme': '5/minute', "
        "'page_anon': '2/second', 'page_user': '20/second'}"
    )


def test_token_write_permission_class():
    """The write rule offered to every API write: a token (not a session) and the model permission."""
    from django.contrib.auth.models import Permission
    from rest_framework.generics import ListCreateAPIView
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory, force_authenticate

    from cases.api.permissions import TokenWriteModelPermissions
    from cases.models import Report

    class Reports(ListCreateAPIView):
        permission_classes = [TokenWriteModelPermissions]
        queryset = Report.objects.none()

        def list(self, request):
            return Response([])

        def create(self, request):
            return Response({"created": True}, status=201)

    view = Reports.as_view()
    factory = APIRequestFactory()
    allowed = UserFactory(username="allowed")
    allowed.user_permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename="add_report")
    )
    allowed_token = Token.objects.create(user=allowed)
    denied_token = Token.objects.create(user=UserFactory(username="denied"))

    assert view(factory.get("/")).status_code == 200  # reads are open
    assert view(factory.post("/", {})).status_code == 401  # anonymous write
    no_permission = factory.post("/", {}, HTTP_AUTHORIZATION=f"Token {denied_token.key}")
    assert view(no_permission).status_code == 403
    # Authenticated some other way than a token (as a browser session would be): refused.
    not_by_token = factory.post("/", {})
    force_authenticate(not_by_token, user=allowed)
    assert view(not_by_token).status_code == 403
    permitted = factory.post("/", {}, HTTP_AUTHORIZATION=f"Token {allowed_token.key}")
    assert view(permitted).status_code == 201
