"""HGNC gene symbols: approved first, ambiguous alias/previous hits flagged, common-word guard."""

from __future__ import annotations

from vocab.genes import load_genes


def test_symbol_and_id_both_ways():
    genes = load_genes()
    assert genes.hgnc_id("FBN1") == "HGNC:3603" and genes.symbol("HGNC:3603") == "FBN1"
    assert genes.hgnc_id("fbn1") is None and genes.symbol("HGNC:0") is None
    androgen_receptor = genes.get("HGNC:644")
    assert androgen_receptor.symbol == "AR" and androgen_receptor.name == "androgen receptor"
    assert "NR3C4" in androgen_receptor.aliases and "SBMA" in androgen_receptor.previous


def test_approved_symbol_wins_over_other_genes_aliases():
    genes = load_genes()
    resolution = genes.resolve("AR")  # also an alias of three other genes
    assert resolution.hgnc_id == "HGNC:644" and resolution.via == "approved"
    assert resolution.ambiguous and set(resolution.candidates) == {
        "HGNC:644",
        "HGNC:381",
        "HGNC:651",
        "HGNC:3642",
    }
    assert resolution.candidates[0] == "HGNC:644"
    albumin = genes.resolve("ALB")  # ALB is an alias of FBF1 (HGNC:24674)
    assert albumin.hgnc_id == "HGNC:399" and albumin.candidates == ("HGNC:399", "HGNC:24674")


def test_previous_and_alias_symbols():
    genes = load_genes()
    estrogen = genes.resolve("ESR")
    assert (estrogen.hgnc_id, estrogen.symbol, estrogen.via) == ("HGNC:3467", "ESR1", "previous")
    assert not estrogen.ambiguous
    # An alias four genes share and none has approved: no guess, every candidate listed.
    shared = genes.resolve("ACT")
    assert shared.hgnc_id is None and shared.via == "alias" and shared.ambiguous
    assert "HGNC:16" in shared.candidates and len(shared.candidates) == 4
    unknown = genes.resolve("NOTAGENE1")
    assert unknown.via == "unknown" and not unknown.known and unknown.query == "NOTAGENE1"


def test_case_insensitive_lookup_only_when_asked():
    genes = load_genes()
    assert genes.resolve("c1orf21").via == "unknown"
    folded = genes.resolve("c1orf21", case_sensitive=False)
    assert folded.symbol == "C1orf21" and folded.via == "approved"


def test_overlap_counts_match_the_published_set():
    summary = load_genes().summary()
    assert summary["genes"] == 43882
    assert summary["aliases_that_are_approved_symbols"] == 460
    assert summary["previous_that_are_approved_symbols"] == 230


def test_common_word_guard():
    genes = load_genes()
    for word in ("CAT", "MET", "SET", "REST", "WAS", "IMPACT"):
        assert genes.common_word_reason(word) == "english word", word
    for lab in ("CRP", "ALB", "CD4", "PTH", "AFP"):
        assert genes.common_word_reason(lab) == "curated lab or clinical abbreviation", lab
    assert genes.common_word_reason("CP") == "clinical abbreviation"  # HPO: cerebral palsy
    assert genes.is_common_word("SHE")
    # Genes that the HPO only names (Cbl, loricrin) and ordinary gene symbols are not words.
    for symbol in ("FBN1", "BRCA1", "CBL", "LORICRIN", "COL1A1", "adiponectin"):
        assert not genes.is_common_word(symbol), symbol
    # Curated words that are no gene symbol at all are not listed.
    assert "LDH" not in genes.common_words and "TSH" not in genes.common_words
