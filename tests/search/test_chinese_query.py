"""Query words in both languages resolve to the same concepts: the official Chinese HPO labels
beside the curated lexicon, simplified and traditional script, a Chinese word inside names, and
autocomplete from one Chinese character that puts names (not codes) in the query box."""

from __future__ import annotations

import pytest

from cases.models import Term

# The package's function (importing the module by name would shadow it for other tests)
from cases.search import CaseSearch, autocomplete
from cases.search.vocabulary import get_vocabulary
from vocab.hpo_zh import load_hpo_zh


def run(q: str, user):
    return CaseSearch({"q": q}).execute(user=user, limit=100)


def codes(word: str) -> set[str]:
    return {concept.code for concept in get_vocabulary().lookup(word)}


def test_both_scripts_and_both_languages_reach_the_same_concepts(db):
    epilepsy = codes("epilepsy")
    assert "HP:0001250" in epilepsy  # HPO Seizure (synonym Epilepsy) as well as the disease
    assert codes("癫痫") == epilepsy
    assert codes("癲癇") == epilepsy  # traditional script
    calcinosis = codes("calcinosis")  # the HPO term, and the MONDO disease of that name
    assert "HP:0003761" in calcinosis
    assert codes("鈣質沉著") == codes("钙质沉着") == calcinosis


def test_official_chinese_hpo_labels_are_names_too(db):
    # A term the curated lexicon has no Chinese name for gets the CHPO label.
    official = load_hpo_zh()
    term = Term.objects.get(hpo_id="HP:0001999")  # Abnormal facial shape
    assert official.label("HP:0001999") in term.synonyms_zh
    assert "HP:0001999" in codes(official.label("HP:0001999"))


def test_a_chinese_word_inside_names_stands_for_the_most_general_of_them(registry, anonymous):
    result = run("钙化", anonymous)  # calcification: 钙化灶, 皮肤钙化, 血管钙化…
    ids = {registry[name].pk for name in ("crest", "cutis", "dermato")}
    assert set(result.case_ids) == ids
    understood = {c["code"] for c in result.interpretation[0]["concepts"]}
    # Calcinosis (钙化灶) and ectopic calcification (异位钙化); calcinosis cutis (皮肤钙化) lies below
    # the latter, so it is implied rather than listed
    assert {"HP:0003761", "HP:0010766"} <= understood
    assert "HP:0025520" not in understood
    assert not result.interpretation[0].get("fulltext")
    # A word in no name is still full text
    assert run("入院", anonymous).interpretation[0].get("fulltext") is True


@pytest.mark.parametrize("prefix", ["钙", "鈣", "癫", "雷"])
def test_autocomplete_from_one_chinese_character(db, prefix):
    results = autocomplete(prefix)
    assert results
    assert any(r["matched"].startswith(prefix.replace("鈣", "钙")) for r in results)


def test_a_picked_suggestion_puts_a_name_in_the_box(db):
    raynaud = next(r for r in autocomplete("raynaud") if r["id"] == "HP:0030880")
    assert raynaud["query_name"] == 'hpo:"Raynaud phenomenon"'
    assert raynaud["query"] == "hpo:HP:0030880"  # by code, for API clients
    chinese = next(r for r in autocomplete("雷诺") if r["id"] == "HP:0030880")
    assert chinese["query_name"] == "hpo:雷诺现象"
    items = autocomplete("calc") + autocomplete("钙")
    assert all(item["id"] not in item["query_name"] for item in items), [i["query_name"] for i in items]
