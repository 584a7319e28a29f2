"""The in-memory index follows committed changes without being told (change stamps + deletion
log), as every web worker must while ingestion and curation write."""

from __future__ import annotations

from cases.models import Case, PhenotypicFeature, Term
from cases.search import CaseSearch
from cases.search.index import SearchIndex, drop_index, get_index
from cases.services import case_refresh_search_columns
from tests.search.builders import make_case, make_crest_zh


def _ids(q: str) -> set[int]:
    from django.contrib.auth.models import AnonymousUser

    return set(CaseSearch({"q": q}).execute(user=AnonymousUser(), facets=False).case_ids)


def test_index_refreshes_incrementally_after_commits(live_db):
    drop_index()
    crest = make_crest_zh()
    first = get_index()
    assert crest.pk in first.all
    assert _ids("calcinosis") == {crest.pk}

    # A new case appears without a rebuild of the index object
    other = make_case(
        text="Calcinosis and fever.", features=[("HP:0003761", "Calcinosis"), ("HP:0001945", "fever")]
    )
    assert _ids("calcinosis") == {crest.pk, other.pk}
    assert get_index() is first

    # A curator codes a new feature: the service rewrites the search columns
    PhenotypicFeature.objects.create(case=other, term=Term.objects.get(hpo_id="HP:0030880"))
    case_refresh_search_columns(case=other)
    assert _ids("raynaud phenomenon") == {crest.pk, other.pk}

    # Status change (visibility) and deletion
    Case.objects.filter(pk=crest.pk).update(status="rejected")
    assert _ids("calcinosis") == {other.pk}
    other_pk = other.pk
    other.delete()
    assert _ids("calcinosis") == set()
    assert other_pk not in get_index().all
    assert get_index() is first


def test_index_is_per_process_state_rebuilt_on_demand(live_db):
    drop_index()
    crest = make_crest_zh()
    index = get_index()
    assert index.seen_seq > 0
    assert crest.pk in index.term[3761]
    assert crest.pk in index.excluded[822]
    drop_index()
    assert get_index() is not index


def test_information_content_sums_agree_between_build_and_patch(registry):
    # The full build sums IC from the bitmaps; an incremental refresh per stored row: same numbers

    built = SearchIndex(database="test")
    built.build()
    patched = SearchIndex(database="test")
    ids = [case.pk for case in registry.values()]
    patched.load_rows("id = ANY(%s)", [ids])
    for case_id in ids:
        assert abs(built.observed_ic[case_id] - patched.observed_ic[case_id]) < 1e-6
        assert abs(built.mentioned_ic[case_id] - patched.mentioned_ic[case_id]) < 1e-6
    raynaud = registry["raynaud"].pk
    assert built.mentioned_ic[raynaud] > built.observed_ic[raynaud] > 0  # it excludes calcinosis, fever


def test_truncate_makes_every_index_rebuild(live_db):
    from django.db import connection

    drop_index()
    crest = make_crest_zh()
    assert crest.pk in get_index().all
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_case CASCADE")  # no row triggers fire
    assert crest.pk not in get_index().all
    assert _ids("calcinosis") == set()


def test_remembered_facets_are_forgotten_when_a_case_changes(live_db):
    from django.contrib.auth.models import AnonymousUser

    drop_index()
    make_case(text="Calcinosis in a woman.", features=[("HP:0003761", "Calcinosis")], sex="female")

    def sexes() -> dict[str, int]:
        result = CaseSearch({"q": "calcinosis"}).execute(user=AnonymousUser())
        return {value.key: value.count for value in result.facets["sex"]}

    assert sexes() == {"female": 1}
    assert sexes() == {"female": 1}  # the second answer comes from the remembered facets
    make_case(text="Calcinosis in a man.", features=[("HP:0003761", "Calcinosis")], sex="male")
    assert sexes() == {"female": 1, "male": 1}
