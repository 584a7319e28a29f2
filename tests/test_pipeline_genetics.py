"""Genes and variants on short reports of our own, in both languages: HGVS mentions with their
gene, zygosity and ACMG class; symbols resolved against HGNC; and no genes from English words,
lab tests or other abbreviations."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract


def _genetics(text: str) -> tuple[list[dict], list[dict]]:
    record = extract(text)
    assert record["patients"], record
    patient = record["patients"][0]
    for fact in patient["genes"] + patient["variants"]:
        ev = fact["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["text"]
    return patient["genes"], patient["variants"]


def test_english_variant_with_reference_sequence_zygosity_and_class():
    genes, variants = _genetics(
        "A 25-year-old woman with Marfan syndrome. A heterozygous pathogenic variant "
        "NM_000138.5:c.1585C>T, p.(Arg529*) in FBN1 was found; her FBN1 status was confirmed."
    )
    assert [(g["symbol"], g["hgnc_id"]) for g in genes] == [("FBN1", "HGNC:3603")]
    assert len(genes[0]["mentions"]) == 2  # one fact per gene, every mention kept
    assert [{k: v for k, v in x.items() if k != "evidence"} for x in variants] == [
        {
            "gene": "FBN1",
            "hgvs": "NM_000138.5:c.1585C>T",
            "protein": "p.(Arg529*)",
            "zygosity": "heterozygous",
            "interpretation": "pathogenic",
        }
    ]


def test_chinese_compound_heterozygous_variants_of_uncertain_significance():
    genes, variants = _genetics(
        "患儿男，3岁。基因检测：MMUT基因复合杂合变异c.1106G>A（p.R369H）和c.1280C>T（p.T427I），均为意义未明变异。"
    )
    assert [g["symbol"] for g in genes] == ["MMUT"]
    assert [(v["gene"], v["hgvs"], v["protein"], v["zygosity"], v["interpretation"]) for v in variants] == [
        ("MMUT", "c.1106G>A", "p.R369H", "compound heterozygous", "uncertain significance"),
        ("MMUT", "c.1280C>T", "p.T427I", "compound heterozygous", "uncertain significance"),
    ]


def test_likely_pathogenic_chinese_and_one_letter_protein_changes():
    genes, variants = _genetics("患者女，30岁。检出TP53基因c.743G>A（p.R248Q）纯合突变，为可能致病变异。")
    assert [g["symbol"] for g in genes] == ["TP53"]
    assert (variants[0]["zygosity"], variants[0]["interpretation"]) == ("homozygous", "likely pathogenic")
    _, variants = _genetics("A 58-year-old man with polycythaemia. He carried a JAK2 V617F mutation.")
    assert [(v["gene"], v["protein"]) for v in variants] == [("JAK2", "p.V617F")]


def test_previous_symbols_and_fusions_are_resolved_and_flagged():
    genes, _ = _genetics(
        "A 14-month-old boy. His TAZ gene harbored a hemizygous mutation, c.227delC. A BCR-ABL1 fusion was "
        "not found."
    )
    taz = next(g for g in genes if g.get("as_written") == "TAZ")
    assert (taz["symbol"], taz["hgnc_id"], taz["via"]) == ("TAFAZZIN", "HGNC:11577", "previous")
    assert taz["ambiguous"] and "HGNC:11577" in taz["candidates"]
    assert {"BCR", "ABL1"} <= {g["symbol"] for g in genes}


@pytest.mark.parametrize(
    "text",
    [
        "A 60-year-old man. CRP 12 mg/L, ALB 35 g/L and AFP 120 ng/mL. A CAT scan was normal; MET 4.",
        "A 60-year-old man with CML and MDS. Next-generation sequencing found no mutation. SET up the pump.",
        "A 50-year-old woman. The tumour was positive for S-100, HMB45 and SMA; HER2-positive; anti-AQP4 +.",
        "患者男，60岁。CRP 12 mg/L，ALB 35 g/L，AFP 20 ng/mL。流式细胞术示CD55/CD59缺失的红细胞占17%。"
        "基因检测未见异常。",
    ],
)
def test_words_lab_tests_and_abbreviations_are_no_genes(text):
    genes, variants = _genetics(text)
    assert genes == [] and variants == []


def test_words_that_are_symbols_are_genes_with_the_genetic_word_after_them():
    genes, _ = _genetics(
        "A 45-year-old man with lung cancer. MET amplification and a CAT gene variant were found."
    )
    assert {g["symbol"] for g in genes} == {"MET", "CAT"}


@pytest.mark.parametrize(
    "text",
    [
        "患者女，50岁。胸部CT示肺部结节，CRP 12 mg/L，ALT 45 U/L，HR 88次/分。行基因检测，未见致病突变。",
        "A 30-year-old man. His ALT was 80 U/L and GGT 120 U/L; genetic testing found no mutation; HR 90.",
    ],
)
def test_lab_abbreviations_near_genetic_words_are_no_genes(text):
    # A genetic word in the sentence is not enough for a symbol that is also a lab test or word.
    genes, variants = _genetics(text)
    assert genes == [] and variants == []


def test_chinese_genetic_words_right_after_a_word_symbol_make_it_a_gene():
    genes, _ = _genetics("患者男，20岁。检出SET基因纯合变异。另查REST、ALB均正常。")
    assert [g["symbol"] for g in genes] == ["SET"]  # REST and ALB without 基因/突变 after them are not
    genes, variants = _genetics("患儿女，8岁，身材瘦高。全外显子测序检出FBN1基因杂合突变c.1585C>T。")
    assert [g["hgnc_id"] for g in genes] == ["HGNC:3603"]
    assert [(v["gene"], v["hgvs"], v["zygosity"]) for v in variants] == [
        ("FBN1", "c.1585C>T", "heterozygous")
    ]
