"""The MONDO disease hierarchy with OMIM/Orphanet cross-references and Chinese names."""

from __future__ import annotations

import random

from vocab.data import dag_closures
from vocab.diseases import (
    ROOT,
    descendant_counts,
    disease_names,
    is_abbreviation,
    load_diseases,
    normalise_code,
)

SSC = "MONDO:0005100"  # systemic sclerosis, ORPHA:90291


def test_codes_resolve_to_the_mondo_concept():
    diseases = load_diseases()
    for code in ("ORPHA:90291", "Orphanet:90291", "orpha_90291", SSC, "mondo:5100"):
        resolution = diseases.resolve(code)
        assert resolution.mondo_id == SSC and resolution.known and not resolution.ambiguous, code
    assert diseases.resolve("ORPHA:90291").via == "xref"
    assert diseases.resolve(SSC).via == "mondo"
    marfan = diseases.resolve("OMIM:154700")
    assert marfan.mondo_id == "MONDO:0007947" and diseases.label(marfan.mondo_id) == "Marfan syndrome"


def test_unknown_codes_are_kept_not_nulled():
    diseases = load_diseases()
    newer = diseases.resolve("OMIM:621566")  # an OMIM entry newer than the shipped release
    assert newer.code == "OMIM:621566" and newer.mondo_id is None and not newer.known
    assert newer.via == "unknown" and newer.candidates == ()
    odd = diseases.resolve("  LOCAL:42 ")
    assert odd.code == "LOCAL:42" and not odd.known
    assert normalise_code("MIM:154700") == "OMIM:154700"


def test_several_codes_of_one_concept():
    diseases = load_diseases()
    # Many to one: three Orphanet entries are exact matches of Fontaine progeroid syndrome.
    fontaine = "MONDO:0012853"
    assert set(diseases.xrefs(fontaine, "ORPHA")) == {"ORPHA:2095", "ORPHA:2963", "ORPHA:697101"}
    for code in diseases.xrefs(fontaine, "ORPHA"):
        assert diseases.resolve(code).mondo_id == fontaine
    # Two OMIM entries to one concept.
    assert set(diseases.xrefs("MONDO:0009288", "OMIM")) == {"OMIM:232220", "OMIM:232240"}
    assert diseases.mondo_ids_for_xref("OMIM:232240") == ("MONDO:0009288",)
    summary = diseases.summary()
    assert summary["concepts_with_several_orpha"] == 42 and summary["concepts_with_several_omim"] == 5
    assert summary["omim_xrefs"] == 9773 and summary["orpha_xrefs"] == 8456


def test_hierarchy_rolls_up_and_down():
    diseases = load_diseases()
    below = diseases.descendants(SSC)
    assert below[0] == SSC
    assert {
        "MONDO:0016356",  # diffuse cutaneous systemic sclerosis
        "MONDO:0016358",  # limited cutaneous systemic sclerosis
        "MONDO:0019563",  # CREST syndrome
    } <= set(below)
    assert SSC not in diseases.descendants(SSC, include_self=False)
    assert set(diseases.parents("MONDO:0019563")) == {"MONDO:0002254", "MONDO:0016358"}
    assert SSC in diseases.ancestors("MONDO:0019563") and ROOT in diseases.ancestors(SSC)
    assert diseases.is_a("MONDO:0019563", SSC) and not diseases.is_a(SSC, "MONDO:0019563")
    assert diseases.descendant_numbers(SSC)[0] == 5100
    assert 19563 in diseases.descendant_numbers(SSC)
    assert diseases.depth_of(ROOT) == 0 and diseases.depth_of(SSC) > diseases.depth_of("MONDO:0005093")


def test_closures_match_a_plain_walk_over_parents():
    diseases = load_diseases()
    ids = [f"MONDO:{number:07d}" for number in diseases.numbers]
    sample = random.Random(7).sample(ids, 300)
    for disease_id in sample:
        seen, queue = set(), list(diseases.parents(disease_id))
        while queue:
            parent = queue.pop()
            if parent not in seen:
                seen.add(parent)
                queue.extend(diseases.parents(parent))
        assert set(diseases.ancestors(disease_id, include_self=False)) == seen
        assert all(diseases.is_a(disease_id, ancestor) for ancestor in seen)
    # Descendants are the inverse of ancestors: check it on concepts with a small subtree.
    for disease_id in sample[:60]:
        for descendant in diseases.descendants(disease_id, include_self=False):
            assert disease_id in diseases.ancestors(descendant)


def test_concepts_without_parent_are_their_own_roots():
    diseases = load_diseases()
    assert diseases.summary()["without_parent"] == 380
    assert diseases.parents(ROOT) == () and diseases.ancestors(ROOT) == (ROOT,)


def test_chinese_names_in_either_script():
    diseases = load_diseases()
    assert diseases.zh_label(SSC) == "系统性硬化症"
    assert [m.mondo_id for m in diseases.name_matches("系統性硬化症")] == [SSC]
    wilson = diseases.get("MONDO:0010200")
    assert wilson.zh_label == "肝豆状核变性" and wilson.zh_synonyms == ("威尔逊氏病",)
    assert diseases.name_matches("威尔逊氏病")[0].kind == "zh_synonym"
    assert diseases.summary()["chinese_names"] == 132


def test_names_and_ambiguous_synonyms():
    diseases = load_diseases()
    assert diseases.ids_for_name("Systemic  Sclerosis") == (SSC,)
    ssc = diseases.get(SSC)
    flags = {synonym.text: synonym.ambiguous for synonym in ssc.synonyms}
    assert flags["SSc"] is True  # an abbreviation
    assert flags["diffuse Scleroderma"] is True  # also the label of MONDO:0005019
    assert flags["progressive systemic sclerosis"] is False
    match = diseases.name_matches("SSc")[0]
    assert match.mondo_id == SSC and match.ambiguous and match.kind == "synonym"
    assert is_abbreviation("PSS") and is_abbreviation("CMS-TA") and is_abbreviation("IgA")
    assert not is_abbreviation("Wilson") and not is_abbreviation("CADASIL")  # a name; 7 letters
    assert ("systemic sclerosis", SSC, "label") in set(diseases.names())


def test_get_returns_the_whole_concept():
    disease = load_diseases().get("mondo:5100")
    assert disease.id == SSC and disease.label == "systemic sclerosis"
    assert "ORPHA:90291" in disease.xrefs and "ICD10CM:M34" in disease.xrefs
    assert load_diseases().get("MONDO:9999999") is None
    assert load_diseases().get("ORPHA:90291") is None  # get() takes MONDO ids; resolve() the rest


def test_the_names_alone_agree_with_the_ontology():
    # What the pipeline's vocabulary reads without building the closures' lists and the cache.
    ontology, names = load_diseases(), disease_names()
    assert names.labels == ontology.labels and names.synonyms == ontology.synonyms
    assert list(names.chinese.items()) == list(ontology.chinese.items())
    assert list(names.name_index.items()) == list(ontology.name_index.items())
    assert names.descendant_counts == [
        ontology.descendant_offsets[p + 1] - ontology.descendant_offsets[p] for p in range(len(ontology))
    ]
    assert names.is_shared_name("SSc") == ontology.is_shared_name("SSc")


def test_descendants_are_counted_once_through_a_diamond_and_a_cycle_falls_back_to_the_closures():
    # 0 is the root; 1 and 2 are below it; 3 below both (counted once); 4 below 3.
    parents = [[], [0], [0], [1, 2], [3]]
    assert descendant_counts(parents) == [len(d) for d in dag_closures(parents)[1]] == [4, 2, 2, 1, 0]
    cyclic = [[2], [0], [1], [0]]
    assert descendant_counts(cyclic) == [len(d) for d in dag_closures(cyclic)[1]]
