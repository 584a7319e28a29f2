"""One vocabulary service, one freshness rule: any write to the vocabulary tables moves one version
stamp, and both the search vocabulary and ingestion's vocabulary ids rebuild when it moved; a
parse's preparation writes no vocabulary row."""

from __future__ import annotations

import pytest
from django.db import transaction

from cases import vocabulary_version as version_module
from cases.models import Agent, Case, Report, Term
from cases.search import CaseSearch
from cases.search.vocabulary import get_vocabulary
from cases.vocabulary_version import vocabulary_version
from ingest import services
from ingest.services.vocabulary import vocabulary_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def always_check(monkeypatch):
    # Read the stamp on every use instead of every few seconds: the rule itself, without waiting.
    monkeypatch.setattr(version_module, "CHECK_INTERVAL", 0.0)


def test_any_write_to_a_vocabulary_table_moves_the_stamp(always_check):
    before = vocabulary_version()
    term = Term.objects.get(hpo_id="HP:0003761")
    term.synonyms_en = [*term.synonyms_en, "stone skin test synonym"]
    term.save()
    after_term = vocabulary_version()
    assert after_term > before
    Agent.objects.filter(name="diltiazem").update(drug_class="calcium channel blocker test")
    assert vocabulary_version() > after_term


def test_a_synonym_added_like_the_admin_does_reaches_search_and_ingestion(always_check, anonymous):
    assert not get_vocabulary().lookup("petrified patch")
    term = Term.objects.get(hpo_id="HP:0003761")
    term.synonyms_en = [*term.synonyms_en, "petrified patch"]
    term.synonyms_zh = [*term.synonyms_zh, "石化斑"]
    term.save()
    vocabulary = get_vocabulary()
    assert [c.code for c in vocabulary.lookup("petrified patch")] == ["HP:0003761"]
    # The Chinese name reaches what the concept's English label reaches
    assert {c.code for c in vocabulary.lookup("石化斑")} == {c.code for c in vocabulary.lookup("calcinosis")}
    for word in ("petrified patch", "石化斑"):
        assert not CaseSearch({"q": word}).execute(user=anonymous).interpretation[0].get("fulltext")
    vocabulary_ids.ensure()
    agent = Agent.objects.get(name="diltiazem")
    agent.synonyms_en = [*agent.synonyms_en, "heart-slow test brand"]
    agent.save()
    vocabulary_ids.ensure()
    assert vocabulary_ids.agent("heart-slow test brand") == agent.pk


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_preparing_a_parse_writes_no_agent_the_write_step_does(always_check):
    from ingest.services.parse import prepare, write_prepared

    Agent.objects.filter(name="ivabradine").delete()
    services.vocabulary_cache_clear()
    text = "A 58-year-old man with heart failure was started on ivabradine 5 mg twice daily."
    report = Report.objects.create(raw=text.encode(), content_hash="e" * 64, format="text")
    prepared = prepare(report)
    assert not Agent.objects.filter(name="ivabradine").exists()
    assert prepared.cases and prepared.cases[0].agent_ids == []  # not searchable before it exists
    with transaction.atomic():
        write_prepared([prepared])
    agent = Agent.objects.get(name="ivabradine")
    case = Case.objects.get(report=report)
    assert case.agent_ids == [agent.pk]
    assert case.treatments.get().agent_id == agent.pk
    # The stamp moved with the new agent: the next parse reads it from the table, not as new.
    vocabulary_ids.ensure()
    assert vocabulary_ids.agent("ivabradine") == agent.pk
    services.vocabulary_cache_clear()


def test_kept_codes_are_written_with_the_facts_and_survive_a_rolled_back_write(always_check):
    """An imported HPO id and disease code the loaded release lacks: preparing writes no row, a
    write that is rolled back leaves no id behind in the process cache, and the retried write
    saves both rows, flagged, with the facts pointing at them."""
    import json

    from cases.models import Disease
    from ingest.services.parse import prepare, write_prepared

    packet = {
        "id": "kept-codes-test",
        "subject": {"id": "p1", "sex": "FEMALE"},
        "phenotypicFeatures": [{"type": {"id": "HP:9990042", "label": "A term newer than the release"}}],
        "diseases": [{"term": {"id": "OMIM:999942", "label": "A disease no release knows"}}],
        "metaData": {"created": "2024-01-01T00:00:00Z", "phenopacketSchemaVersion": "2.0"},
    }
    services.vocabulary_cache_clear()
    report = Report.objects.create(
        raw=json.dumps(packet).encode(), content_hash="k" * 64, format="phenopacket", filename="kept.json"
    )
    prepared = prepare(report)
    assert not Term.objects.filter(pk=9990042).exists()
    assert not Disease.objects.filter(code="OMIM:999942").exists()

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        write_prepared([prepared])
        assert Disease.objects.filter(code="OMIM:999942").exists()
        raise RolledBack
    assert not Disease.objects.filter(code="OMIM:999942").exists()
    with transaction.atomic():
        write_prepared([prepared])  # the same objects again, as the retry path does
    case = Case.objects.get(report=report)
    feature = case.phenotypicfeatures.select_related("term").get()
    diagnosis = case.diagnoses.select_related("disease").get()
    assert (feature.term.hpo_id, feature.term.in_release) == ("HP:9990042", False)
    assert (diagnosis.disease.code, diagnosis.disease.in_release) == ("OMIM:999942", False)
    assert diagnosis.disease_id in case.disease_ids and 9990042 in case.term_ids
    services.vocabulary_cache_clear()
