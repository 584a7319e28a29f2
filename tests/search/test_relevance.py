"""Relevance: a case coded with the query's term itself before one coded only with a more specific
term, a finding stated more often or checked by a curator before one stated once by the parser;
cards say which facts matched ("via" the query's term when a more specific one did); the
features facet is ordered by count × information content, not by generality."""

from __future__ import annotations

import re

from cases.models import PhenotypicFeature
from cases.search import CaseSearch
from cases.search.vocabulary import get_vocabulary
from tests.search.builders import make_case


def _ids(params, user) -> list[int]:
    return CaseSearch(params).execute(user=user, limit=50).case_ids


def test_exact_term_before_descendant_even_against_review_and_year(registry, anonymous):
    # crest: Fever itself (machine-extracted, 2016); cutis: low-grade fever only (curated, 2018).
    # Before, the tie went to the reviewed, newer case.
    assert _ids({"q": "fever"}, anonymous) == [registry["crest"].pk, registry["cutis"].pk]
    # Sorting by year still sorts by year
    assert _ids({"q": "fever", "sort": "-year"}, anonymous) == [registry["cutis"].pk, registry["crest"].pk]


def test_more_mentions_then_curated_rank_higher(db, anonymous):
    text = "Fever. Fever again. Fever once more."
    once = make_case(text=text, features=[("HP:0001945", "Fever")], year=2020)
    thrice = make_case(text=text + " ", features=[("HP:0001945", "Fever")], year=2010)
    thrice.phenotypicfeatures.update(mentions=[[0, 5], [7, 12], [20, 25]])
    checked = make_case(text=text + "  ", features=[("HP:0001945", "Fever")], year=2000)
    checked.phenotypicfeatures.update(locked=True)
    ids = _ids({"q": "fever"}, anonymous)
    # Each signal lifts its case over the one stated once by the parser (the newest of the three)
    assert ids.index(thrice.pk) < ids.index(once.pk) and ids.index(checked.pk) < ids.index(once.pk)
    assert ids[-1] == once.pk


def test_cards_show_matched_facts_with_via(client, registry):
    html = client.get("/", {"q": "fever"}).content.decode()
    cards = dict(re.findall(r'<article class="case-row" data-case-id="(\d+)">(.*?)</article>', html, re.S))
    crest = re.sub(
        r"\s+",
        " ",
        re.sub(
            r"<[^>]+>",
            "",
            re.search(r'<p class="matched".*?</p>', cards[str(registry["crest"].pk)], re.S).group(0),
        ),
    )
    cutis = re.sub(
        r"\s+",
        " ",
        re.sub(
            r"<[^>]+>",
            "",
            re.search(r'<p class="matched".*?</p>', cards[str(registry["cutis"].pk)], re.S).group(0),
        ),
    )
    assert crest.strip() == "Matched: Fever"
    assert cutis.strip() == "Matched: Low-grade fever via Fever"


def test_features_facet_ordered_by_information_not_generality(registry, anonymous):
    vocabulary = get_vocabulary()
    values = CaseSearch({}).execute(user=anonymous).facets["features"]
    assert values
    ic = {v.key: vocabulary.term_ic[vocabulary.term_by_code[v.key]] for v in values}
    scores = [v.count * ic[v.key] for v in values]
    assert scores == sorted(scores, reverse=True)
    # No general term listed that counts (almost) only the cases of a more specific one listed
    for general in values:
        general_id = vocabulary.term_by_code[general.key]
        for specific in values:
            specific_id = vocabulary.term_by_code[specific.key]
            if general_id in vocabulary.term_ancestors.get(specific_id, ()) and general_id != specific_id:
                assert general.count > specific.count * 1.1


def test_rejected_or_excluded_facts_are_not_exact_matches(db, anonymous):
    text = "No fever. Fever."
    excluded = make_case(text=text, features=[("HP:0011134", "Fever")], excluded=[("HP:0001945", "No fever")])
    rejected = make_case(text=text + " ", features=[("HP:0011134", "Fever"), ("HP:0001945", "Fever")])
    rejected.phenotypicfeatures.filter(term__hpo_id="HP:0001945").update(rejected=True)
    exact = make_case(text=text + "  ", features=[("HP:0001945", "Fever")], year=1990)
    assert _ids({"q": "fever"}, anonymous)[0] == exact.pk
    assert PhenotypicFeature.objects.filter(case=excluded, excluded=True).exists()
