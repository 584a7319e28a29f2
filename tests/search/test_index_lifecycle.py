"""Where a process's search index comes from (issue 15): never built in a web request above the
inline limit; the snapshot published in PostgreSQL is loaded and patched; without one, answers
come from PostgreSQL's GIN columns, the same as the index's, marked as such, with one build asked."""

from __future__ import annotations

import contextlib

import pytest
from pyroaring import BitMap

from cases.search import CaseSearch
from cases.search.index import STATS, drop_index, get_index
from cases.search.publish import build_and_publish, forget_requests
from tests.search.builders import make_case
from tests.search.conftest import build_registry

QUERIES = [
    {},
    {"q": "calcinosis"},
    {"q": "calcinosis + -fever"},
    {"q": "NOT calcinosis"},
    {"q": "raynaud | fever"},
    {"q": "excluded:fever"},
    {"q": "hpo:HP:0003761 year:2010-2020"},
    {"q": "age:30-60", "sort": "-year"},
    {"sex": "female", "sort": "year"},
    {"drug": "prednisone"},
    {"outcome": "improved"},
    {"q": "钙质沉着"},
]


@pytest.fixture
def no_inline_builds(settings):
    """As at scale: no process may build its own index (the build task and command still do)."""
    settings.SEARCH_INLINE_BUILD_MAX = 0
    _forget_everything()
    yield
    _forget_everything()
    _purge_build_requests()


def _forget_everything() -> None:
    from django.db import connection

    drop_index()
    forget_requests()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_search_snapshot")


def _purge_build_requests() -> None:
    # The fallback really asks the broker for a build; no worker of this test consumes it.
    from registry.celery import app

    with contextlib.suppress(Exception):  # a broker that is gone holds nothing to purge
        app.control.purge()


def _answers(user) -> list[tuple]:
    answers = []
    for params in QUERIES:
        result = CaseSearch(params).execute(user=user, limit=50)
        facets = {name: [(v.key, v.count) for v in values] for name, values in result.facets.items()}
        answers.append((result.source, result.total, result.case_ids, facets))
    return answers


def test_fallback_answers_like_the_index(live_db, no_inline_builds, anonymous):
    from tests.factories import UserFactory

    build_registry()
    staff = UserFactory(username="fallback-staff", is_staff=True)
    builds = STATS["builds"]
    from_database = {"anonymous": _answers(anonymous), "staff": _answers(staff)}
    assert STATS["builds"] == builds  # the fallback reads, never builds
    assert {answer[0] for answers in from_database.values() for answer in answers} == {"database"}

    get_index(build=True)  # what the build task does, here in-process
    from_index = {"anonymous": _answers(anonymous), "staff": _answers(staff)}
    assert {answer[0] for answers in from_index.values() for answer in answers} == {"index"}
    for who in from_database:
        for params, database, index in zip(QUERIES, from_database[who], from_index[who], strict=True):
            assert database[1:3] == index[1:3], (who, params)
            for name in index[3]:
                assert database[3][name] == index[3][name], (who, params, name)
    # The comparison is not vacuous: the queries select different, non-empty sets
    totals = [answer[1] for answer in from_index["staff"]]
    assert len(set(totals)) > 3 and min(totals[1:]) >= 1


def test_snapshot_round_trip_through_postgresql(live_db, no_inline_builds):
    registry = build_registry()
    published = build_and_publish()
    assert published.snapshot is not None and published.snapshot.size_bytes > 0
    built = get_index(build=True)  # an in-process build of the same state, for comparison
    drop_index()  # a fresh process

    builds, loads = STATS["builds"], STATS["snapshot_loads"]
    loaded = get_index()
    assert STATS["builds"] == builds and STATS["snapshot_loads"] == loads + 1
    assert loaded.snapshot_id == published.snapshot.id
    assert loaded.all == built.all and loaded.seen_seq == built.seen_seq
    for name, family in built.families.items():
        assert {k: v for k, v in family.items() if v} == {k: v for k, v in loaded.families[name].items() if v}
    assert (loaded.year_of[: len(built.year_of)] == built.year_of).all()
    # What similar cases need travels with it: no recomputation on the first similar query
    assert "similar_view" in loaded.derived_state
    key, (_ontology, view) = loaded.derived_state["similar_view"]
    assert key == (loaded.seen_seq, len(loaded.all))
    assert view.excluded_closure and all(isinstance(b, BitMap) for b in view.excluded_closure.values())
    from cases.search import similar_to_case

    assert similar_to_case(case_id=registry["crest"].pk, limit=5)
    assert loaded.derived_state["similar_view"][0] == key

    # Patched from the change stamps, not rebuilt
    added = make_case(text="Calcinosis.", features=[("HP:0003761", "Calcinosis")])
    assert get_index() is loaded and added.pk in loaded.term[3761]
    assert STATS["builds"] == builds

    # A build requested at a stamp the newest snapshot covers is skipped, a later one is not
    assert build_and_publish(requested_seq=published.snapshot.seen_seq).snapshot is None
    assert build_and_publish(requested_seq=published.snapshot.seen_seq + 1).snapshot is not None


def test_a_web_request_never_builds(live_db, no_inline_builds, client):
    registry = build_registry()
    builds, requests = STATS["builds"], STATS["build_requests"]

    body = client.get("/api/cases/", {"q": "calcinosis"}).json()
    assert body["source"] == "database" and "being built" in body["notice"]
    from_database = [case["id"] for case in body["results"]]
    assert from_database and body["count"] == len(from_database)
    page = client.get("/", {"q": "calcinosis"}).content.decode()
    assert 'id="search-source"' in page and 'data-source="database"' in page

    similar = client.get(f"/api/cases/{registry['crest'].pk}/similar/")
    assert similar.status_code == 503 and similar["Retry-After"] == "60"
    assert similar.json()["error"]["code"] == "index_building"
    case_page = client.get(f"/cases/{registry['crest'].pk}/")
    assert case_page.status_code == 200 and b'id="index-building"' in case_page.content

    assert STATS["builds"] == builds  # no request built anything
    assert STATS["build_requests"] == requests + 1  # and the build was asked for once

    build_and_publish()  # the worker's task
    builds = STATS["builds"]
    body = client.get("/api/cases/", {"q": "calcinosis"}).json()
    assert body["source"] == "index" and body["notice"] == ""
    assert [case["id"] for case in body["results"]] == from_database
    assert client.get(f"/api/cases/{registry['crest'].pk}/similar/").status_code == 200
    assert STATS["builds"] == builds


def test_an_unpatchable_snapshot_falls_back_until_a_new_one(live_db, no_inline_builds):
    from django.db import connection

    build_registry()
    build_and_publish()
    drop_index()
    assert get_index().source == "index"
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_case CASCADE")  # no row triggers: the index cannot follow
    drop_index()
    builds = STATS["builds"]
    index = get_index()
    assert index.source == "database" and len(index.all) == 0
    assert STATS["builds"] == builds
    make_case(text="Calcinosis.", features=[("HP:0003761", "Calcinosis")])
    build_and_publish()
    index = get_index()
    assert index.source == "index" and len(index.all) == 1


def test_snapshot_chunks_stream_large_buffers(live_db, no_inline_builds):
    # Numpy arrays reach the writer as protocol-5 buffers; several chunks, read back whole
    import numpy as np

    from cases.search import snapshot

    state = {"ids": np.arange(5_000_000, dtype=np.int64), "bitmap": BitMap(range(0, 10**7, 3))}
    info = snapshot.save_snapshot(state, seen_seq=1, layout="test", cases=0, build_seconds=0.0)
    assert info.size_bytes > 4 * snapshot.CHUNK_BYTES
    back = snapshot.read_snapshot(snapshot.latest_snapshot())
    assert (back["ids"] == state["ids"]).all() and back["bitmap"] == state["bitmap"]


def test_snapshot_stream_rebuilds_nested_maps_in_many_small_pickles(live_db, no_inline_builds, monkeypatch):
    # The dicts of bitmaps go out as batches of a few members each (so no pickle holds them all),
    # and come back as the same structure: defaultdicts keep their factory.
    import pickle
    from collections import defaultdict
    from types import SimpleNamespace

    import numpy as np
    from django.db import connection

    from cases.search import snapshot

    monkeypatch.setattr(snapshot, "BATCH_VALUES", 10)
    families = {"term": defaultdict(BitMap, {n: BitMap(range(n, n + 7)) for n in range(50)}), "sex": {}}
    state = {
        "all": BitMap(range(100)),
        "families": families,
        "excluded_closure": {n: BitMap([n]) for n in range(30)},
        "year_of": np.arange(100, dtype=np.int16),
        "seen_seq": 7,
    }
    # What the state shares stays shared (the similar-case view holds the index's own family)
    state["derived_state"] = {"view": (1, SimpleNamespace(term=families["term"], three=families["term"][3]))}
    records = list(snapshot._records((), state))
    assert sum(1 for record in records if record[0] == "items") > 10
    info = snapshot.save_snapshot(state, seen_seq=7, layout="test", cases=100, build_seconds=0.0)
    back = snapshot.read_snapshot(snapshot.latest_snapshot())
    assert back["all"] == state["all"] and back["seen_seq"] == 7
    assert (back["year_of"] == state["year_of"]).all()
    assert isinstance(back["families"]["term"], defaultdict) and back["families"]["term"][999] == BitMap()
    assert dict(back["families"]["term"]) | {999: BitMap()} == dict(families["term"]) | {999: BitMap()}
    assert back["families"]["sex"] == {} and back["excluded_closure"] == state["excluded_closure"]
    view = back["derived_state"]["view"][1]
    assert view.term is back["families"]["term"] and view.three is back["families"]["term"][3]
    # A snapshot written as one pickle (before the stream) still reads
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_search_snapshot_chunk WHERE snapshot_id = %s", [info.id])
        cursor.execute(
            "INSERT INTO cases_search_snapshot_chunk (snapshot_id, number, data) VALUES (%s, 0, %s)",
            [info.id, pickle.dumps({"all": BitMap([1, 2])})],
        )
    assert snapshot.read_snapshot(snapshot.latest_snapshot()) == {"all": BitMap([1, 2])}
