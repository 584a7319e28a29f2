"""Phenopacket `interpretations` <-> gene and variant facts (the kinds in gene.py and variant.py).

Import: every genomicInterpretation becomes one fact, a `gene` descriptor a Gene and a
`variantInterpretation` a Variant, linked to the diagnosis of its interpretation's disease. What
has a column goes to it (HGNC id and symbol, HGVS c./g./p., GENO allelic state as zygosity, ACMG
class, interpretation status); everything else the document carried (interpretation id and
progress status, descriptor id, VCF record, molecule context, structural type, other expressions,
therapeutic actionability, subjectOrBiosampleId, the position in the document) is kept in the
fact's `details`, so the export writes the same interpretations back, in the same order.

Export: the genes and variants of a case, in their original order (extracted facts after, in
text order), each under the Interpretation of its diagnosis (PhenopacketExport).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vocab.codes import ACMG, ACMG_BY_ENUM, ZYGOSITY, ZYGOSITY_BY_GENO

from .phenopacket import PhenopacketExport, local_code, subject_reference

if TYPE_CHECKING:
    from .base import Fact

# Expression syntaxes with a column of their own (Variant.hgvs_c, hgvs_g, hgvs_p).
HGVS_SYNTAXES = {"hgvs.c": "hgvs_c", "hgvs.g": "hgvs_g", "hgvs.p": "hgvs_p"}
# VariationDescriptor fields kept as given (everything but those with columns), in the
# protobuf's order, so the export writes the descriptor's keys in a stable order.
DESCRIPTOR_ORDER = (
    "id",
    "variation",
    "label",
    "description",
    "geneContext",
    "expressions",
    "alternateLabels",
    "extensions",
    "vcfRecord",
    "xrefs",
    "moleculeContext",
    "structuralType",
    "vrsRefAlleleSeq",
    "allelicState",
)
RESOURCES = {
    "HGNC": {
        "id": "hgnc",
        "name": "HUGO Gene Nomenclature Committee",
        "url": "https://www.genenames.org",
        "iriPrefix": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
    },
    "GENO": {
        "id": "geno",
        "name": "Genotype Ontology",
        "url": "http://purl.obolibrary.org/obo/geno.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/GENO_",
    },
}


# --- Import ---------------------------------------------------------------------------------------


def _genomic_interpretations(packet: dict):
    """(position, interpretation, disease, genomic interpretation) of every one in the packet."""
    for i, found in enumerate(packet.get("interpretations") or []):
        if not isinstance(found, dict):
            continue
        diagnosis = found.get("diagnosis") if isinstance(found.get("diagnosis"), dict) else {}
        disease = diagnosis.get("disease") if isinstance(diagnosis.get("disease"), dict) else {}
        for j, genomic in enumerate(diagnosis.get("genomicInterpretations") or []):
            if isinstance(genomic, dict):
                yield [i, j], found, disease, genomic


def _common(position: list[int], found: dict, disease: dict, genomic: dict) -> dict[str, Any]:
    """What a gene and a variant item share: status, diagnosis, and the interpretation's parts."""
    interpretation = {key: value for key, value in found.items() if key != "diagnosis"}
    details: dict[str, Any] = {"position": position, "interpretation": interpretation}
    if disease:
        details["disease"] = disease  # written back as given even when no diagnosis links
    if "subjectOrBiosampleId" in genomic:
        details["subjectOrBiosampleId"] = genomic["subjectOrBiosampleId"]
    others = {
        k: v
        for k, v in genomic.items()
        if k not in ("subjectOrBiosampleId", "interpretationStatus", "gene", "variantInterpretation")
    }
    if others:
        details["genomic"] = others
    item: dict[str, Any] = {"status": genomic.get("interpretationStatus"), "details": details}
    if disease.get("id") or disease.get("label"):
        item["diagnosis"] = {"code": disease.get("id"), "label": disease.get("label", "")}
    return item


def gene_items(packet: dict) -> list[dict[str, Any]]:
    """Record items of the `gene` descriptors of the packet's genomic interpretations."""
    items = []
    for position, found, disease, genomic in _genomic_interpretations(packet):
        descriptor = genomic.get("gene")
        if not isinstance(descriptor, dict):
            continue
        item = _common(position, found, disease, genomic)
        item["hgnc_id"] = descriptor.get("valueId")
        item["symbol"] = descriptor.get("symbol")
        others = {k: v for k, v in descriptor.items() if k not in ("valueId", "symbol")}
        if others:
            item["details"]["descriptor"] = others
        items.append(item)
    return items


def variant_items(packet: dict) -> list[dict[str, Any]]:
    """Record items of the `variantInterpretation`s of the packet's genomic interpretations."""
    items = []
    for position, found, disease, genomic in _genomic_interpretations(packet):
        variant = genomic.get("variantInterpretation")
        if not isinstance(variant, dict):
            continue
        item = _common(position, found, disease, genomic)
        descriptor = variant.get("variationDescriptor") or {}
        kept: dict[str, Any] = {
            k: v for k, v in descriptor.items() if k not in ("geneContext", "expressions")
        }
        gene = descriptor.get("geneContext")
        if isinstance(gene, dict):
            item["gene"] = {"symbol": gene.get("symbol"), "hgnc_id": gene.get("valueId")}
            if set(gene) - {"symbol", "valueId"}:
                kept["geneContext"] = {k: v for k, v in gene.items() if k not in ("symbol", "valueId")}
        other_expressions = []
        for expression in descriptor.get("expressions") or []:
            column = HGVS_SYNTAXES.get(expression.get("syntax")) if isinstance(expression, dict) else None
            if column and column not in item and set(expression) <= {"syntax", "value"}:
                item[column] = expression.get("value")
            else:
                other_expressions.append(expression)
        kept["expressions"] = other_expressions
        kept["expression_order"] = [
            e.get("syntax") for e in descriptor.get("expressions") or [] if isinstance(e, dict)
        ]
        item["label"] = kept.pop("label", "")
        state = descriptor.get("allelicState")
        zygosity = ZYGOSITY_BY_GENO.get((state or {}).get("id")) if isinstance(state, dict) else None
        if zygosity is not None:
            item["zygosity"] = zygosity
            if state == _allelic_state(zygosity):
                kept.pop("allelicState")  # the column says it exactly
        acmg = variant.get("acmgPathogenicityClassification")
        if acmg in ACMG_BY_ENUM:
            item["interpretation"] = ACMG_BY_ENUM[acmg]
        elif acmg is not None:
            item["details"]["acmg"] = acmg  # not a class of the enum: written back as given
        for key, value in variant.items():
            if key not in ("variationDescriptor", "acmgPathogenicityClassification"):
                item["details"].setdefault("variant", {})[key] = value
        item["details"]["descriptor"] = kept
        items.append(item)
    return items


# --- Export ---------------------------------------------------------------------------------------


def _allelic_state(zygosity: str) -> dict[str, str]:
    code, label = ZYGOSITY[zygosity]
    return {"id": code, "label": label}


def _order(fact: Fact) -> tuple:
    position = (fact.details or {}).get("position")
    if isinstance(position, list) and len(position) == 2:
        return (0, *position, 0)
    return (1, fact.evidence_start if fact.evidence_start is not None else 1 << 30, fact.pk or 0, 0)


def _genomic(fact: Fact, export: PhenopacketExport) -> dict[str, Any]:
    details = fact.details or {}
    genomic: dict[str, Any] = {
        "subjectOrBiosampleId": details.get("subjectOrBiosampleId", subject_reference(export)),
        "interpretationStatus": (fact.status or "unknown_status").upper(),
    }
    genomic.update(details.get("genomic") or {})
    return genomic


def _gene(gene: Any) -> dict[str, Any]:
    descriptor = {"valueId": gene.hgnc_id or local_code("gene", gene.symbol), "symbol": gene.symbol}
    descriptor.update((gene.details or {}).get("descriptor") or {})
    return descriptor


def _variant(variant: Any, export: PhenopacketExport) -> dict[str, Any]:
    details = variant.details or {}
    kept = dict(details.get("descriptor") or {})
    descriptor: dict[str, Any] = {}
    if variant.gene_symbol or variant.gene_hgnc_id:
        descriptor["geneContext"] = {
            "valueId": variant.gene_hgnc_id or local_code("gene", variant.gene_symbol),
            "symbol": variant.gene_symbol,
            **(kept.get("geneContext") or {}),
        }
    by_syntax = {
        s: getattr(variant, column) for s, column in HGVS_SYNTAXES.items() if getattr(variant, column)
    }
    order = [s for s in kept.get("expression_order") or [] if s in by_syntax]
    order += [s for s in HGVS_SYNTAXES if s in by_syntax and s not in order]
    expressions = [{"syntax": s, "value": by_syntax[s]} for s in order] + list(kept.get("expressions") or [])
    if expressions:
        descriptor["expressions"] = expressions
    if variant.label:
        descriptor["label"] = variant.label
    if variant.zygosity:
        descriptor["allelicState"] = _allelic_state(variant.zygosity)
    for key, value in kept.items():
        if key not in ("geneContext", "expressions", "expression_order"):
            descriptor.setdefault(key, value)
    descriptor.setdefault("id", f"{subject_reference(export)}-variant-{variant.pk}")
    descriptor.setdefault("moleculeContext", "genomic")
    ordered = {key: descriptor[key] for key in DESCRIPTOR_ORDER if key in descriptor}
    ordered.update({k: v for k, v in descriptor.items() if k not in ordered})
    result: dict[str, Any] = {}
    if variant.pathogenicity:
        result["acmgPathogenicityClassification"] = ACMG[variant.pathogenicity.replace("_", " ")]
    elif details.get("acmg"):
        result["acmgPathogenicityClassification"] = details["acmg"]
    result.update(details.get("variant") or {})
    result["variationDescriptor"] = ordered
    return result


def export_interpretations(variants: list[Any], export: PhenopacketExport) -> None:
    """The case's genes and variants as genomic interpretations, one Interpretation per linked
    diagnosis (the genes are read from the export's facts: both kinds are written here)."""
    facts = [("gene", g) for g in export.facts.get("gene", [])] + [("variant", v) for v in variants]
    if not facts:
        return
    for prefix, resource in RESOURCES.items():
        export.declare(prefix, resource)
    for kind, fact in sorted(facts, key=lambda pair: _order(pair[1])):
        details = fact.details or {}
        interpretation = details.get("interpretation") or {}
        hints = {
            "interpretation_id": interpretation.get("id"),
            "progress_status": interpretation.get("progressStatus"),
        }
        diagnosis = fact.diagnosis if fact.diagnosis_id else None
        genomic = _genomic(fact, export)
        if kind == "gene":
            genomic["gene"] = _gene(fact)
        else:
            genomic["variantInterpretation"] = _variant(fact, export)
        found = export.genomic_interpretations(diagnosis, hints)
        found.append(genomic)
        # A linked diagnosis whose disease the loaded vocabulary lacks has only its label: the
        # interpretation keeps the disease as the source gave it.
        coded = diagnosis is not None and diagnosis.disease_id is not None
        _restore(export, found, interpretation, None if coded else details.get("disease"))


def _restore(export: PhenopacketExport, found: list, interpretation: dict, disease: Any) -> None:
    """Put back what the imported Interpretation had besides its id and progress status, and its
    disease as given when no coded diagnosis of the case links (an id the vocabulary lacks)."""
    for candidate in export.sections.get("interpretations", []):
        if candidate.get("diagnosis", {}).get("genomicInterpretations") is not found:
            continue
        for key, value in interpretation.items():
            candidate.setdefault(key, value)
        if isinstance(disease, dict) and disease:
            rest = {k: v for k, v in candidate["diagnosis"].items() if k != "disease"}
            candidate["diagnosis"] = {"disease": disease, **rest}
        return
