"""The foundation: database constraints, settings validation, vocabularies, the served site."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest
from django.db import IntegrityError, transaction

from cases.models import Case, Disease, PhenotypicFeature, Report, Term
from tests.conftest import REPO_DIR


def make_report(**overrides) -> Report:
    values = {"raw": b"text", "content_hash": "a" * 64, "format": "text", "text": "text"}
    values.update(overrides)
    return Report.objects.create(**values)


@pytest.mark.django_db
class TestConstraints:
    def test_duplicate_content_hash_is_rejected(self):
        make_report()
        with pytest.raises(IntegrityError), transaction.atomic():
            make_report()

    def test_unknown_sex_and_status_are_rejected(self):
        report = make_report()
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(report=report, sex="f")
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(report=report, status="approved")

    def test_evidence_end_before_start_is_rejected(self):
        case = Case.objects.create(report=make_report())
        term = Term.objects.get(hpo_id="HP:0003761")
        with pytest.raises(IntegrityError), transaction.atomic():
            PhenotypicFeature.objects.create(case=case, term=term, evidence_start=10, evidence_end=5)
        feature = PhenotypicFeature.objects.create(case=case, term=term, evidence_start=5, evidence_end=10)
        assert feature.pk is not None

    def test_half_given_evidence_is_rejected(self):
        case = Case.objects.create(report=make_report())
        with pytest.raises(IntegrityError), transaction.atomic():
            PhenotypicFeature.objects.create(case=case, label="x", evidence_start=3)

    def test_two_cases_with_the_same_ordinal_in_one_report_are_rejected(self):
        report = make_report()
        Case.objects.create(report=report, ordinal=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(report=report, ordinal=1)


def _start_settings(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "ture"),
        ("DATABASE_URL", "mysql://root@localhost/registry"),
        ("CELERY_BROKER_URL", "kafka://localhost"),
        ("INGEST_MAX_BYTES", "lots"),
        ("SECRET_KEY", "short"),
    ],
)
def test_malformed_setting_stops_startup_naming_the_variable(variable, value):
    env = {"DEBUG": "1", variable: value}
    result = _start_settings(env)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_missing_secret_key_without_debug_stops_startup():
    result = _start_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is unset" in result.stderr


def test_deploy_check_is_clean_with_real_secret_and_hosts():
    import os

    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        SECRET_KEY="k" * 20 + "-deploy-check-secret-value-0123456789",
        ALLOWED_HOSTS="registry.example.org",
        DEBUG="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
class TestVocabularies:
    def test_calcinosis_has_its_ancestors_and_a_chinese_name(self):
        term = Term.objects.get(hpo_id="HP:0003761")
        assert term.label == "Calcinosis"
        assert {3761, 118, 1}.issubset(term.ancestor_ids)  # itself, Phenotypic abnormality, All
        assert "钙质沉着" in term.synonyms_zh
        assert term.information_content > 0

    def test_anti_scl70_is_findable_by_its_synonym(self):
        matches = Term.objects.filter(synonyms_en__icontains="anti-Scl-70")
        found = Term.objects.filter(synonyms_en__contains=["Anti-Scl-70 antibody positivity"])
        assert found.get().hpo_id == "HP:0030859"
        assert matches.model is Term

    def test_orphanet_and_omim_diseases_are_loaded_with_curated_names(self):
        crest = Disease.objects.get(code="ORPHA:220402")
        assert "CREST syndrome" in crest.synonyms_en
        assert Disease.objects.filter(code__startswith="OMIM:").count() > 5000
        assert Disease.objects.filter(code__startswith="ORPHA:").count() > 2000

    def test_a_second_load_puts_back_a_changed_row_and_changes_nothing_else(self):
        # One load does for both checks (each load reads every vocabulary file: the slow part).
        from ingest.vocabularies import vocabularies_load

        before = Term.objects.get(hpo_id="HP:0003761")
        Term.objects.filter(hpo_id="HP:0003761").update(label="Tampered")
        result = vocabularies_load()
        assert (result.counts["terms"].updated, result.counts["terms"].created) == (1, 0)
        assert result.counts["terms"].unchanged == Term.objects.count() - 1
        others = {name: (c.created, c.updated) for name, c in result.counts.items() if name != "terms"}
        assert all(change == (0, 0) for change in others.values()), others
        after = Term.objects.get(hpo_id="HP:0003761")
        assert (before.label, before.synonyms_zh, before.ancestor_ids) == (
            after.label,
            after.synonyms_zh,
            after.ancestor_ids,
        )


def test_served_site_answers(live_site):
    # The timeouts guard against a hang, not speed: the first page warms the server's caches, which
    # on a loaded two-core machine took over 10 s.
    with urllib.request.urlopen(f"{live_site}/healthz", timeout=60) as response:  # noqa: S310
        assert response.status == 200
    with urllib.request.urlopen(f"{live_site}/", timeout=60) as response:  # noqa: S310
        body = response.read().decode()
        assert response.status == 200
        assert "registry" in body.lower()


@pytest.mark.django_db
def test_search_columns_hold_ancestors_of_present_and_only_excluded_terms():
    from cases.services import case_refresh_search_columns
    from tests.factories import CaseFactory, OutcomeFactory, PhenotypicFeatureFactory, TreatmentFactory, term

    case = CaseFactory()
    PhenotypicFeatureFactory(case=case, term=term("HP:0003761"))
    PhenotypicFeatureFactory(case=case, term=term("HP:0003493"), excluded=True)
    PhenotypicFeatureFactory(case=case, term=term("HP:0030880"), rejected=True)
    TreatmentFactory(case=case)
    OutcomeFactory(case=case)
    case_refresh_search_columns(case=case)
    case.refresh_from_db()
    assert {3761, 118, 1}.issubset(case.term_ids)
    assert 30880 not in case.term_ids  # rejected facts do not count
    assert case.excluded_term_ids == [3493]
    assert len(case.agent_ids) == 1
    assert case.outcome_codes == [1]
    assert Case.objects.filter(term_ids__contains=[3011]).filter(pk=case.pk).exists()


def test_extract_needs_no_database_server_or_secret(tmp_path):
    import json
    import os

    report = tmp_path / "report.txt"
    report.write_text("A 40-year-old woman presented with fever. She was given prednisone 60 mg daily.")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/unreachable"  # would fail if touched
    result = subprocess.run(
        [sys.executable, "manage.py", "extract", str(report)],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.splitlines()[0])
    assert record["source"] == str(report)
    assert record["patients"][0]["sex"] == "female"
