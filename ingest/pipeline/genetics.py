"""Stage: genes and variants named in the report (DESIGN.md, record keys "genes" and "variants").

Variants are HGVS mentions: c. and g. changes, optionally on a reference sequence
("NM_000138.5:c.1585C>T"), and p. changes in three- or one-letter code ("p.(Arg529*)",
"p.R529X"); a p. change written right after a c. change is the same variant. A variant takes the
gene named nearest before it (in its sentence, else the sentence before), its zygosity and its
ACMG class from the words of its sentence (heterozygous / 杂合, likely pathogenic / 可能致病, …).

Gene symbols are resolved against HGNC (`vocab.genes`: approved symbols first, then previous
symbols and aliases; a symbol several genes share is kept with every candidate and flagged
ambiguous, never guessed). A symbol is read as a gene only where the report speaks of genetics:
- a variant or a genetic word (gene, mutation, variant, 基因, 突变, …) in its sentence, and
- for symbols that are also English words or lab tests (CAT, MET, SET, CRP, ALB, AFP), the word
  "gene"/"mutation"/基因/… right after it, or a variant right after it;
a test or drug the vocabulary found at the same place is that test or drug.

One fact per gene per patient, with every mention. The HGNC table is loaded only when a report
has genetic words, so that reports without any cost nothing.
"""

from __future__ import annotations

import re

from vocab import languages

from .document import Doc, Patient
from .structure import Sentence
from .vocabulary import Mention, case_free

ZYGOSITY_ORDER = ("compound heterozygous", "hemizygous", "homozygous", "heterozygous")
ACMG_ORDER = ("likely pathogenic", "pathogenic", "uncertain significance", "likely benign", "benign")

# (read on every case sentence: its case-free twin, on the lower-case view of the text)
_CONTEXT, _CONTEXT_ON_LOWER = case_free(re.compile(languages.alternatives("GENETIC_CONTEXT_WORDS"), re.I))
_ADJACENT = re.compile(languages.alternatives("GENE_ADJACENT_WORDS"), re.I)
_ZYGOSITY = [
    (label, re.compile(languages.alternatives("ZYGOSITY_WORDS", label), re.I)) for label in ZYGOSITY_ORDER
]
_ACMG = [(label, re.compile(languages.alternatives("ACMG_WORDS", label), re.I)) for label in ACMG_ORDER]

_AA3 = r"(?:Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Ter|Sec|Xaa)"
_AA = rf"(?:{_AA3}|[ACDEFGHIKLMNPQRSTVWY])"
_POS = r"[-*]?\d+(?:[+-]\d+)?"
_NUCLEOTIDE_CHANGE = (
    rf"{_POS}(?:_{_POS})?\s?(?:[ACGTacgt]+\s?(?:>|&gt;)\s?[ACGTacgt]+|delins[ACGT]+|del[ACGT]*|dup[ACGT]*|"
    r"ins[ACGT]+|inv)"
)
_CODING = re.compile(
    r"(?<![A-Za-z0-9_.])(?:(?P<ref>N[MRCG]_\d+(?:\.\d+)?)\s*(?:\([A-Za-z0-9-]+\))?\s*:\s*)?"
    rf"(?P<kind>[cgmn])\.\s?(?P<change>{_NUCLEOTIDE_CHANGE})"
)
_PROTEIN = re.compile(
    rf"(?<![A-Za-z0-9_.])(?:(?P<ref>NP_\d+(?:\.\d+)?)\s*:\s*)?p\.\s?\(?(?P<change>{_AA}\d+(?:_{_AA}\d+)?"
    rf"(?:{_AA}|\*|=|fs(?:\*|Ter|X)?\d*|del|dup|ins{_AA}+|delins{_AA}+)?(?:fs(?:\*|Ter|X)\d+)?)\)?"
)
# What may stand between a c. change and its p. change: "c.1585C>T (p.Arg529*)", "c.1585C>T, p.R529X".
_CODING_TO_PROTEIN = re.compile(r"[\s,;:/（(]*(?:and\s+)?$")
# A gene symbol as written: capitals and digits, maybe a hyphen or a lower-case "orf" (C1orf21).
_SYMBOL = re.compile(
    r"(?<![A-Za-z0-9_./-])([A-Z][A-Z0-9]{1,}(?:orf\d+)?(?:-[A-Z0-9]+)?|[A-Z][a-z]{2,4}\d{1,2})(?![A-Za-z0-9_-])"
)
_NEAR = 60  # characters between a genetic word and the symbol it makes a gene
_ROMAN = re.compile(r"[IVX]+")
# A one-letter protein change right after a gene symbol: "JAK2 V617F", "BRAF V600E".
_SHORT_PROTEIN = re.compile(
    r"\s{0,2}(?:p\.)?([ACDEFGHIKLMNPQRSTVWY]\d{1,5}(?:[ACDEFGHIKLMNPQRSTVWY*]|fs))(?![A-Za-z0-9])"
)


def genetics(doc: Doc, sentence: Sentence, mentions: list[Mention], patient: Patient) -> None:
    """Genes and variants of `patient` from one case sentence."""
    s0, s1 = sentence.start, sentence.end
    context = [m.span() for m in _CONTEXT.finditer(doc.view(_CONTEXT_ON_LOWER), s0, s1)]
    variants = _variants(doc, s0, s1)
    # A gene already named for this patient is the gene wherever it recurs ("her FBN1 status").
    known = {g.get("as_written") or g["symbol"] for g in patient.genes}
    if not context and not variants and not known:
        return
    from vocab.genes import load_genes  # the HGNC table only for reports that speak of genetics

    genes = load_genes()
    # A test, drug, finding or disease the vocabulary read at a symbol's place ("CRP", "PAH", "ALS")
    # is that, unless the words right after make it a gene ("PAH gene").
    taken = [(m.start, m.end) for m in mentions]
    found: list[dict] = []
    for sm in _SYMBOL.finditer(doc.text, s0, s1):
        a, b = sm.span(1)
        adjacent = _ADJACENT.match(doc.text, b) is not None
        adjacent = adjacent or any(0 <= v["start"] - b <= 30 for v in variants)
        near = any(x - _NEAR <= b and a <= y + _NEAR for x, y in context) or bool(variants)
        adjacent = adjacent or sm.group(1) in known
        # "BCR-ABL1 fusion": a fusion names two genes; the words after it speak of both.
        parts = [(a, sm.group(1))]
        if "-" in sm.group(1) and genes.resolve(sm.group(1)).via == "unknown":
            first, second = sm.group(1).split("-", 1)
            parts = [(a, first), (a + len(first) + 1, second)]
        for start, token in parts:
            fact = _gene(genes, token, doc, start, (adjacent, near), taken)
            if fact is None:
                continue
            found.append(fact)
            short = _SHORT_PROTEIN.match(doc.text, start + len(token))
            if short:  # "JAK2 V617F", "BRAF V600E"
                protein = f"p.{short.group(1)}"
                variants.append(
                    {"hgvs": None, "protein": protein, "start": short.start(1), "end": short.end(1)}
                )
    _add_genes(patient, found)
    for variant in variants:
        gene = _gene_before(doc, patient, found, variant["start"], s0)
        fact = {
            "gene": gene,
            "hgvs": variant["hgvs"],
            "protein": variant["protein"],
            "zygosity": _first(_ZYGOSITY, doc.text, s0, s1),
            "interpretation": _interpretation(doc.text, variant["start"], variant["end"], s0, s1),
            "evidence": doc.ev(variant["start"], variant["end"]),
        }
        patient.variants.append(fact)


def _gene(
    genes, token: str, doc: Doc, a: int, where: tuple[bool, bool], taken: list[tuple[int, int]]
) -> dict | None:
    """The gene fact of the symbol `token` at `a`, or None when it is no gene here. `where`: whether a
    genetic word stands right after the symbol, and whether one stands near it."""
    adjacent, near = where
    if _ROMAN.fullmatch(token):
        return None  # "type II", "stage IV"
    resolution = genes.resolve(token)
    if resolution.via == "unknown" and not token.isupper():
        resolution = genes.resolve(token, case_sensitive=False)  # "Notch3"
    if resolution.via == "unknown":
        return None
    # Previous symbols and aliases are often other things' abbreviations ("CML", "MDS", "HE"): like
    # English words and lab tests, they are genes only with the genetic word right after them.
    ordinary = (
        genes.is_common_word(token) or resolution.via != "approved" or any(x <= a < y for x, y in taken)
    )
    if not (adjacent or (near and not ordinary)):
        return None  # "CRP 12 mg/L", "a CAT scan", "MET 4": a test or a word, not a gene
    fact = {
        "hgnc_id": resolution.hgnc_id,
        "symbol": resolution.symbol or token,
        "evidence": doc.ev(a, a + len(token)),
    }
    if token != fact["symbol"]:
        fact["as_written"] = token
    if resolution.via != "approved":
        fact["via"] = resolution.via  # a previous symbol or an alias of the gene
    if resolution.ambiguous:
        fact["ambiguous"] = True
        fact["candidates"] = list(resolution.candidates)
    return fact


def _variants(doc: Doc, s0: int, s1: int) -> list[dict]:
    """The HGVS variants of [s0, s1): a c./g. change with the p. change written right after it, or
    a p. change alone."""
    out: list[dict] = []
    proteins = list(_PROTEIN.finditer(doc.text, s0, s1))
    used: set[int] = set()
    for cm in _CODING.finditer(doc.text, s0, s1):
        hgvs = f"{cm.group('kind')}.{cm.group('change').replace(' ', '')}"
        if cm.group("ref"):
            hgvs = f"{cm.group('ref')}:{hgvs}"
        protein = None
        end = cm.end()
        for pm in proteins:
            if (
                pm.start() >= cm.end()
                and _CODING_TO_PROTEIN.match(doc.text[cm.end() : pm.start()])
                and pm.start() - cm.end() <= 4
            ):
                protein = _protein(pm)
                end = pm.end()
                used.add(pm.start())
                break
        out.append({"hgvs": hgvs, "protein": protein, "start": cm.start(), "end": end})
    for pm in proteins:
        if pm.start() not in used:
            out.append({"hgvs": None, "protein": _protein(pm), "start": pm.start(), "end": pm.end()})
    return sorted(out, key=lambda v: v["start"])


def _protein(pm: re.Match[str]) -> str:
    written = pm.group(0)
    change = pm.group("change")
    protein = f"p.({change})" if "(" in written else f"p.{change}"
    return f"{pm.group('ref')}:{protein}" if pm.group("ref") else protein


def _first(patterns: list[tuple[str, re.Pattern[str]]], text: str, start: int, end: int) -> str | None:
    for label, pattern in patterns:
        if pattern.search(text, start, end):
            return label
    return None


def _interpretation(text: str, a: int, b: int, s0: int, s1: int) -> str | None:
    """The ACMG class written within the variant's reach (its sentence, 80 characters either side)."""
    return _first(_ACMG, text, max(s0, a - 80), min(s1, b + 80))


def _gene_before(doc: Doc, patient: Patient, found: list[dict], pos: int, s0: int) -> str | None:
    """The gene named nearest before `pos` in its sentence, else after it in its sentence, else the
    gene named last before the sentence."""
    before = [g for g in found if g["evidence"]["start"] < doc.norm.span(pos, pos + 1)[0]]
    if before:
        return before[-1]["symbol"]
    if found:
        return found[0]["symbol"]
    earlier = [g for g in patient.genes if g["evidence"]["start"] < doc.norm.span(s0, s0 + 1)[0]]
    return earlier[-1]["symbol"] if earlier else None


def _add_genes(patient: Patient, found: list[dict]) -> None:
    """One fact per gene per patient: a gene named again adds a mention."""
    for fact in found:
        key = fact["hgnc_id"] or fact["symbol"]
        kept = next((g for g in patient.genes if (g["hgnc_id"] or g["symbol"]) == key), None)
        if kept is None:
            patient.genes.append(fact)
            continue
        spans = kept.get("mentions") or [_span(kept)]
        spans.append(_span(fact))
        kept["mentions"] = spans


def _span(fact: dict) -> dict:
    ev = fact["evidence"]
    return {"start": ev["start"], "end": ev["end"], "text": ev["text"]}
