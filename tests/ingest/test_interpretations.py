"""Phenopacket interpretations <-> gene and variant facts: import keeps every genomic
interpretation (HGNC gene, HGVS expressions, GENO zygosity, ACMG class, status, the diagnosis it
supports, and what has no column), an HGNC id the loaded set lacks is kept and flagged, and the
export writes the same interpretations back."""

from __future__ import annotations

import difflib
import json
import random

import pytest
from google.protobuf.json_format import MessageToDict, Parse
from phenopackets.schema.v2 import Phenopacket

from cases.models import Case, IngestJob, Variant
from cases.phenopackets import case_to_phenopacket
from ingest import services
from tests.conftest import CORPUS_DIR, FIXTURES_DIR

pytestmark = pytest.mark.django_db

FIXTURE = FIXTURES_DIR / "phenopacket-genes.json"
CORPUS = CORPUS_DIR / "phenopackets" / "phenopacket-store-dev.jsonl"


def import_packet(data: bytes, filename: str = "packet.json") -> Case:
    job = services.report_receive(data=data, filename=filename, queue=False)
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == IngestJob.Status.DONE, job.error
    return Case.objects.get(report_id=job.report_id)


def normalised(interpretations: list) -> list:
    """Interpretations as the protobuf reads them (int64 as strings, enum defaults dropped)."""
    packet = Parse(json.dumps({"id": "x", "interpretations": interpretations}), Phenopacket())
    return MessageToDict(packet).get("interpretations", [])


def _diff(given: list, back: list) -> str:
    before = json.dumps(normalised(given), indent=1, sort_keys=True).splitlines()
    after = json.dumps(normalised(back), indent=1, sort_keys=True).splitlines()
    return "\n".join(difflib.unified_diff(before, after, lineterm=""))


def test_import_maps_genes_variants_and_links_the_diagnosis():
    case = import_packet(FIXTURE.read_bytes())
    fbn1, tgfbr2 = case.variants.order_by("id")
    assert (fbn1.gene_symbol, fbn1.gene_hgnc_id) == ("FBN1", "HGNC:3603")
    assert (fbn1.hgvs_c, fbn1.hgvs_g, fbn1.hgvs_p) == (
        "NM_000138.5:c.1585C>T",
        "NC_000015.10:g.48518740G>A",
        "NP_000129.3:p.(Arg529Ter)",
    )
    assert (fbn1.zygosity, fbn1.pathogenicity, fbn1.status) == ("heterozygous", "pathogenic", "causative")
    assert fbn1.details["descriptor"]["vcfRecord"]["chrom"] == "chr15"
    assert (tgfbr2.label, tgfbr2.hgvs_c, tgfbr2.zygosity, tgfbr2.pathogenicity) == (
        "deletion of exons 2-5",
        "",
        "homozygous",
        "likely_pathogenic",
    )
    diagnosis = case.diagnoses.get()
    assert fbn1.diagnosis_id == tgfbr2.diagnosis_id == diagnosis.pk
    assert fbn1.provenance == "import"
    # An HGNC id the loaded set lacks: kept as given, flagged, searchable by its number.
    gene = case.genes.get()
    assert (gene.hgnc_id, gene.symbol, gene.in_hgnc, gene.status) == (
        "HGNC:99999999",
        "NOVELG1",
        False,
        "candidate",
    )
    assert gene.diagnosis_id == diagnosis.pk
    assert case.gene_ids == [3603, 11773, 99999999]
    assert "P.ARG529TER" in fbn1.search_keys and "FBN1:C.1585C>T" in fbn1.search_keys


def test_export_writes_the_same_interpretations_back():
    original = json.loads(FIXTURE.read_text())
    case = import_packet(FIXTURE.read_bytes())
    exported = case_to_phenopacket(case)
    Parse(json.dumps(exported), Phenopacket())  # valid against the schema
    assert normalised(exported["interpretations"]) == normalised(original["interpretations"])
    prefixes = {resource["namespacePrefix"] for resource in exported["metaData"]["resources"]}
    assert {"HGNC", "GENO"} <= prefixes


def test_curator_edits_reach_the_export_and_the_search_keys():
    case = import_packet(FIXTURE.read_bytes())
    variant = case.variants.get(gene_symbol="FBN1")
    variant.hgvs_p = "p.R529*"
    variant.zygosity = "homozygous"
    variant.save()
    assert "P.ARG529TER" in Variant.objects.get(pk=variant.pk).search_keys
    exported = case_to_phenopacket(case)
    descriptor = exported["interpretations"][0]["diagnosis"]["genomicInterpretations"][0][
        "variantInterpretation"
    ]["variationDescriptor"]
    assert {"syntax": "hgvs.p", "value": "p.R529*"} in descriptor["expressions"]
    assert descriptor["allelicState"] == {"id": "GENO:0000136", "label": "homozygous"}


def test_extracted_genes_and_variants_export_as_valid_interpretations():
    text = (
        "A 25-year-old woman with Marfan syndrome. A heterozygous pathogenic variant "
        "NM_000138.5:c.1585C>T, p.(Arg529*) in FBN1 was found."
    )
    job = services.report_receive(data=text.encode(), filename="marfan.txt", queue=False)
    services.job_run(job_id=job.pk)
    case = Case.objects.get(report__pk=job.report_id)
    gene = case.genes.get()
    assert (gene.symbol, gene.hgnc_id, gene.provenance) == ("FBN1", "HGNC:3603", "machine")
    assert case.report.text[gene.evidence_start : gene.evidence_end] == "FBN1"
    variant = case.variants.get()
    assert (
        variant.gene_hgnc_id,
        variant.hgvs_c,
        variant.hgvs_p,
        variant.zygosity,
        variant.pathogenicity,
    ) == (
        "HGNC:3603",
        "NM_000138.5:c.1585C>T",
        "p.(Arg529*)",
        "heterozygous",
        "pathogenic",
    )
    assert variant.evidence_text.startswith("NM_000138.5:c.1585C>T")
    assert case.gene_ids == [3603]
    exported = case_to_phenopacket(case)
    packet = Parse(json.dumps(exported), Phenopacket())
    (interpretation,) = packet.interpretations
    kinds = [g.WhichOneof("call") for g in interpretation.diagnosis.genomic_interpretations]
    assert sorted(kinds) == ["gene", "variant_interpretation"]  # in text order: the variant first


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus phenopackets not present")
def test_corpus_sample_keeps_every_genomic_interpretation():
    lines = CORPUS.read_text().splitlines()
    sample = random.Random(12).sample(lines, 25)
    counted_in = counted_out = 0
    for number, line in enumerate(sample):
        original = json.loads(line)
        case = import_packet(line.encode(), f"packet-{number}.json")
        exported = case_to_phenopacket(case)
        Parse(json.dumps(exported), Phenopacket())
        given = original.get("interpretations", [])
        counted_in += sum(len(i["diagnosis"].get("genomicInterpretations", [])) for i in given)
        back = exported.get("interpretations", [])
        counted_out += sum(len(i["diagnosis"].get("genomicInterpretations", [])) for i in back)
        # The disease's label follows the loaded release (the diagnosis's own rule); its id is kept.
        for interpretation in back:
            disease = interpretation["diagnosis"].get("disease")
            if disease:
                given_disease = next(
                    i["diagnosis"].get("disease") for i in given if i["id"] == interpretation["id"]
                )
                assert disease["id"] == given_disease["id"]
                disease["label"] = given_disease.get("label", "")
        assert normalised(back) == normalised(given), (original["id"], _diff(given, back))
    assert counted_in == counted_out > 0
