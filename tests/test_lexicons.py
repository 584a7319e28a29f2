"""The curated lexicon files: formats, ontology ids, uniqueness, coverage, and a few known facts."""

from __future__ import annotations

import pytest

from ingest.lexicons import check_lexicons as check
from ingest.pipeline import lexicons
from vocab.hpo import load_hpo


@pytest.mark.parametrize("name", sorted(check.CHECKS))
def test_lexicon_file_is_valid(name):
    assert check.CHECKS[name]() == []


def test_minimum_row_counts():
    assert len(lexicons.drug_entries()) >= 1500
    assert len(lexicons.hpo_chinese_names()) >= 600
    assert len(lexicons.hpo_english_extra_names()) >= 100
    assert len(lexicons.analyte_entries()) >= 150
    assert len(lexicons.disease_entries()) >= 300


def test_every_hpo_id_is_a_current_phenotype_term():
    hpo = load_hpo()
    ids = set(lexicons.hpo_chinese_names()) | set(lexicons.hpo_english_extra_names())
    for entry in lexicons.analyte_entries():
        ids |= {entry.hpo_when_high, entry.hpo_when_low, entry.hpo_when_positive} - {""}
    for term_id in ids:
        term = hpo.terms.get(term_id)
        assert term is not None and not term.obsolete and term.is_phenotype, term_id


def test_disease_codes_resolve_with_their_labels():
    diseases = load_hpo().diseases
    for entry in lexicons.disease_entries():
        if entry.code.startswith("MONDO:"):
            continue
        assert diseases[entry.code].name.casefold() == entry.label.casefold()


def test_canonical_inns_are_lower_case_and_unique():
    inns = [entry.inn for entry in lexicons.drug_entries()]
    assert len(inns) == len(set(inns))
    rows = lexicons._rows("drugs.tsv")
    assert all(row["inn"] == row["inn"].lower() for row in rows)


def _drug_by_name() -> dict[str, str]:
    names = {}
    for entry in lexicons.drug_entries():
        for name in (entry.inn, *entry.english_names, *entry.chinese_names):
            names[name.casefold()] = entry.inn
    return names


@pytest.mark.parametrize(
    "name, inn",
    [
        ("泼尼松", "prednisone"),
        ("甲泼尼龙", "methylprednisolone"),
        ("环磷酰胺", "cyclophosphamide"),
        ("羟氯喹", "hydroxychloroquine"),
        ("吗替麦考酚酯", "mycophenolate mofetil"),
        ("地尔硫䓬", "diltiazem"),
        ("雷公藤", "tripterygium wilfordii"),
        ("丹参多酚酸盐", "salvianolate"),
        ("fosamax", "alendronate"),
        ("humira", "adalimumab"),
        ("keytruda", "pembrolizumab"),
        ("tylenol", "paracetamol"),
        ("acetaminophen", "paracetamol"),
        ("aspirin", "acetylsalicylic acid"),
        ("methimazole", "thiamazole"),
        ("cyclosporine", "ciclosporin"),
        ("antibiotics", "antibiotics"),
        ("steroids", "corticosteroids"),
        ("化疗", "chemotherapy"),
    ],
)
def test_drug_names_resolve_to_the_inn(name, inn):
    assert _drug_by_name()[name.casefold()] == inn


def test_drug_classes_are_agents_of_their_own():
    classes = {e.inn for e in lexicons.drug_entries() if e.drug_class == "class"}
    assert {
        "antibiotics",
        "corticosteroids",
        "chemotherapy",
        "immunosuppressants",
        "antihypertensives",
    } <= classes
    assert all(not e.code for e in lexicons.drug_entries() if e.drug_class == "class")


def test_known_chinese_and_english_phenotype_names():
    zh = lexicons.hpo_chinese_names()
    assert "发热" in zh["HP:0001945"]
    assert "雷诺现象" in zh["HP:0030880"]
    assert "闭经" in zh["HP:0000141"]
    assert "血沉增快" in zh["HP:0003565"]
    en = lexicons.hpo_english_extra_names()
    assert "shortness of breath" in en["HP:0002094"]
    assert "kidney stone" in en["HP:0000787"]


def test_analytes_imply_the_expected_terms():
    by_name = {entry.analyte: entry for entry in lexicons.analyte_entries()}
    assert by_name["ESR"].hpo_when_high == "HP:0003565"
    assert by_name["CRP"].hpo_when_high == "HP:0011227"
    assert by_name["hemoglobin"].hpo_when_low == "HP:0001903"
    assert by_name["platelets"].hpo_when_low == "HP:0001873"
    assert by_name["IgG"].hpo_when_high == "HP:0003237"
    assert by_name["IgA"].hpo_when_high == "HP:0003261"
    assert by_name["ANA"].hpo_when_positive == "HP:0003493"
    assert by_name["anti-Scl-70"].hpo_when_positive == "HP:0030859"
    assert by_name["anti-SSA"].hpo_when_positive == "HP:0033555"
    assert by_name["anti-Jo-1"].hpo_when_positive == "HP:0034152"


def test_common_diagnoses_map_to_their_codes():
    names = {}
    for entry in lexicons.disease_entries():
        for name in (entry.label, *entry.english_names, *entry.chinese_names):
            names[name.casefold()] = entry.code
    assert names["crest syndrome"] == "ORPHA:220402"
    assert names["系统性红斑狼疮"] == "ORPHA:536"
    assert names["类风湿关节炎"] == names["rheumatoid arthritis"]
    assert names["皮肌炎"] == names["dermatomyositis"]


def test_check_format_rejects_bad_rows(tmp_path, monkeypatch):
    (tmp_path / "hpo_zh.tsv").write_text(
        "hpo_id\tchinese_names\n# comment\nHP:0001945\t发热\nHP:0001945\n", encoding="utf-8"
    )
    monkeypatch.setattr(check, "LEXICON_DIR", tmp_path)
    errors = check.check_format("hpo_zh.tsv")
    assert errors and "1 columns" in errors[0]


def test_check_hpo_id_rejects_unknown_and_alternative_ids():
    assert check.check_hpo_id("HP:0001945", "x") == []
    assert check.check_hpo_id("HP:9999999", "x")
    assert check.check_hpo_id("HP:12", "x")
    hpo = load_hpo()
    alt = next(iter(hpo.redirects))
    assert check.check_hpo_id(alt, "x")


def test_build_merges_package_names_into_curated_agents():
    from ingest.lexicons.build_drugs import build

    data = {
        "drug_variant_to_canonical": {
            "acetaminophen": ["acetaminophen"],
            "panadol": ["acetaminophen"],
            "mystery brandname": ["newdrugamab"],
            "newdrugamab": ["newdrugamab"],
            "fever": ["newdrugamab"],  # a symptom word is never a drug name
            "shared": ["acetaminophen", "newdrugamab"],
        },
        "drug_canonical_to_data": {
            "acetaminophen": {"name": "Acetaminophen", "medline_plus_id": "a1"},
            "newdrugamab": {"name": "Newdrugamab", "wikipedia_url": "w"},
            "obscurium": {"name": "Obscurium"},  # not marketed: left out
        },
    }
    curated = [
        {
            "inn": "paracetamol",
            "code": "N02BE01",
            "drug_class": "analgesic",
            "english_names": "acetaminophen|tylenol",
            "chinese_names": "对乙酰氨基酚",
        }
    ]
    rows = {row["inn"]: row for row in build(data, curated)}
    assert set(rows) == {"paracetamol", "newdrugamab"}
    assert rows["paracetamol"]["code"] == "N02BE01"
    assert "panadol" in rows["paracetamol"]["english_names"].split("|")
    assert rows["newdrugamab"]["english_names"] == "mystery brandname"
