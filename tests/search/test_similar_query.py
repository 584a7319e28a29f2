"""Query ids of similar-case searches: alt ids and obsolete ids mapped, unknown ids left out, each
with a warning; publication ids parsed."""

from __future__ import annotations

import pytest

from cases.search.similar_query import parse_publication, resolve_features
from vocab.hpo import hpo_int, load_hpo


def test_every_id_not_taken_as_given_is_reported():
    known = {hpo_int(term_id) for term_id in load_hpo().terms}
    query, warnings = resolve_features(
        [
            ("HP:0003761", True),  # current
            ("HP:0001275", True),  # alt id of Seizure HP:0001250
            ("HP:0003114", False),  # obsolete, replaced by HP:0001626
            ("HP:9999999", True),  # unknown to the release
            ("HP:9999998", True),  # another unknown: every one is listed, not just the first
            ("not-an-id", True),
        ],
        known,
    )
    assert query.present == {3761, 1250}
    assert query.excluded == {1626}
    by_id = {w.id: w for w in warnings}
    assert by_id["HP:0001275"].status == "alt_id" and by_id["HP:0001275"].current_id == "HP:0001250"
    assert by_id["HP:0003114"].status == "replaced" and by_id["HP:0003114"].current_id == "HP:0001626"
    assert by_id["HP:9999999"].status == "ignored" and by_id["HP:9999998"].status == "ignored"
    assert by_id["not-an-id"].status == "ignored"
    assert "HP:0003761" not in by_id
    assert len(warnings) == 5


def test_a_term_the_registry_lacks_is_ignored_with_a_warning():
    query, warnings = resolve_features([("HP:0003761", True)], known={1250})
    assert not query.present
    assert warnings[0].status == "ignored" and warnings[0].current_id == "HP:0003761"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PMID:24573067", ("pmid", "24573067")),
        ("24573067", ("pmid", "24573067")),
        ("pmid 24573067", ("pmid", "24573067")),
        ("doi:10.1002/AJMG.a.1", ("doi", "10.1002/ajmg.a.1")),
        ("https://doi.org/10.1002/ajmg.a.1", ("doi", "10.1002/ajmg.a.1")),
        ("10.1002/ajmg.a.1", ("doi", "10.1002/ajmg.a.1")),
    ],
)
def test_publication_ids(value, expected):
    assert parse_publication(value) == expected


def test_a_value_that_is_no_publication_id_is_refused():
    with pytest.raises(ValueError, match="not a publication id"):
        parse_publication("Smith 2019")
