"""Reading the HPO annotations and the information content they give each term."""

from __future__ import annotations

import math
import pickle

from vocab.hpo import AnnotatedDisease, HpoTerm, _assign_information_content, _parse_annotations


def _terms() -> dict[str, HpoTerm]:
    # A small tree: HP:1 above HP:2 and HP:3.
    return {
        "HP:1": HpoTerm("HP:1", "root", ancestors=frozenset({"HP:1"})),
        "HP:2": HpoTerm("HP:2", "left", parents=["HP:1"], ancestors=frozenset({"HP:1", "HP:2"})),
        "HP:3": HpoTerm("HP:3", "right", parents=["HP:1"], ancestors=frozenset({"HP:1", "HP:3"})),
    }


def test_annotations_keep_omim_and_orpha_rows_and_follow_redirects(tmp_path):
    path = tmp_path / "phenotype.hpoa"
    path.write_text(
        "#description: a comment\n"
        "database_id\tdisease_name\tqualifier\thpo_id\treference\n"
        "OMIM:1\tFirst disease\t\tHP:2\tPMID:1\n"
        "OMIM:1\tFirst disease\tNOT\tHP:3\tPMID:1\n"
        "ORPHA:2\tSecond disease\t\tHP:9\n"  # an alt id of HP:3, the line ends after it
        "DECIPHER:3\tThird\t\tHP:2\tPMID:2\n"
        "ORPHA:4\tShort line\t\n",
        encoding="utf-8",
    )
    diseases = _parse_annotations(path, _terms(), {"HP:9": "HP:3"})
    assert set(diseases) == {"OMIM:1", "ORPHA:2"}
    assert diseases["OMIM:1"].name == "First disease"
    assert diseases["OMIM:1"].term_ids == {"HP:2"}  # the NOT row is no annotation
    assert diseases["ORPHA:2"].term_ids == {"HP:3"}


def test_information_content_counts_each_disease_once_per_term(tmp_path):
    terms = _terms()
    path = tmp_path / "phenotype.hpoa"
    path.write_text("OMIM:1\tA\t\tHP:2\nOMIM:1\tA\t\tHP:3\nOMIM:2\tB\t\tHP:2\n", encoding="utf-8")
    diseases = _parse_annotations(path, terms, {})
    _assign_information_content(terms, diseases)
    assert terms["HP:1"].ic == 0.0  # both diseases: -ln(2/2)
    assert math.isclose(terms["HP:2"].ic, 0.0)
    assert math.isclose(terms["HP:3"].ic, -math.log(1 / 2))


def test_a_disease_whose_lines_are_apart_keeps_its_first_name_and_all_its_terms(tmp_path):
    path = tmp_path / "phenotype.hpoa"
    path.write_text(
        "OMIM:1\tFirst name\t\tHP:2\n"
        "OMIM:2\tOther\t\tHP:7\n"  # a term the release lacks: no annotation
        "OMIM:1\tLater name\t\tHP:9\n"  # HP:9 redirects to HP:3
        "OMIM:2\tOther\tNOT\tHP:2\n",
        encoding="utf-8",
    )
    diseases = _parse_annotations(path, _terms(), {"HP:9": "HP:3"})
    assert list(diseases) == ["OMIM:1", "OMIM:2"]
    assert diseases["OMIM:1"].name == "First name" and diseases["OMIM:1"].term_ids == {"HP:2", "HP:3"}
    assert diseases["OMIM:2"].term_ids == frozenset()


def test_information_content_is_shared_through_a_diamond_once(tmp_path):
    # HP:4 lies below both HP:2 and HP:3: a disease annotated with it and HP:2 counts once for HP:1.
    terms = _terms()
    terms["HP:4"] = HpoTerm(
        "HP:4", "both", parents=["HP:2", "HP:3"], ancestors=frozenset({"HP:1", "HP:2", "HP:3", "HP:4"})
    )
    path = tmp_path / "phenotype.hpoa"
    path.write_text(
        "OMIM:1\tA\t\tHP:4\nOMIM:1\tA\t\tHP:2\nOMIM:2\tB\t\tHP:3\nOMIM:3\tC\t\tHP:8\n", encoding="utf-8"
    )
    diseases = _parse_annotations(path, terms, {})
    _assign_information_content(terms, diseases)
    assert math.isclose(terms["HP:1"].ic, -math.log(2 / 3))  # OMIM:1 and OMIM:2, not OMIM:1 twice
    assert math.isclose(terms["HP:3"].ic, -math.log(2 / 3))
    assert math.isclose(terms["HP:4"].ic, -math.log(1 / 3))
    assert math.isclose(terms["HP:2"].ic, -math.log(1 / 3))


def test_terms_and_diseases_pickle_as_their_fields():
    term = HpoTerm(
        "HP:2",
        "left",
        synonyms=["sinister"],
        parents=["HP:1"],
        ancestors=frozenset({"HP:1", "HP:2"}),
        alt_ids=["HP:9"],
        obsolete=False,
        replaced_by=None,
        ic=1.5,
    )
    disease = AnnotatedDisease("OMIM:1", "First disease", frozenset({"HP:2"}))
    again_term, again_disease = pickle.loads(pickle.dumps((term, disease)))  # noqa: S301 - our own
    assert again_term == term and again_disease == disease
