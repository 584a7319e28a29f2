"""Code tables that the pipeline's export, the database export and the phenopacket import share.

Django-free, so the extraction pipeline (no Django) and the `cases` app read the same codes: an
exported route, sex or interpretation comes back as the same value on import.
"""

from __future__ import annotations

SEX = {"female": "FEMALE", "male": "MALE", "other": "OTHER_SEX", "unknown": "UNKNOWN_SEX"}
ROUTES = {
    "oral": ("NCIT:C38288", "Oral Route of Administration"),
    "intravenous": ("NCIT:C38276", "Intravenous Route of Administration"),
    "intramuscular": ("NCIT:C28161", "Intramuscular Route of Administration"),
    "subcutaneous": ("NCIT:C38299", "Subcutaneous Route of Administration"),
    "topical": ("NCIT:C38304", "Topical Route of Administration"),
    "inhaled": ("NCIT:C38216", "Inhalation Route of Administration"),
    "intralesional": ("NCIT:C38250", "Intralesional Route of Administration"),
    "intrathecal": ("NCIT:C38277", "Intrathecal Route of Administration"),
    "intra-articular": ("NCIT:C38223", "Intraarticular Route of Administration"),
    "rectal": ("NCIT:C38295", "Rectal Route of Administration"),
    "sublingual": ("NCIT:C38300", "Sublingual Route of Administration"),
    "transdermal": ("NCIT:C38305", "Transdermal Route of Administration"),
    "ophthalmic": ("NCIT:C38287", "Ophthalmic Route of Administration"),
    "nasal": ("NCIT:C38284", "Nasal Route of Administration"),
}
INTERPRETATIONS = {
    "high": ("NCIT:C25223", "High"),
    "low": ("NCIT:C25220", "Low"),
    "normal": ("NCIT:C14165", "Normal"),
    "positive": ("NCIT:C38758", "Positive"),
    "negative": ("NCIT:C38757", "Negative"),
    "abnormal": ("NCIT:C25401", "Abnormal"),
}
EVIDENCE_CODE = {
    "id": "ECO:0006017",
    "label": "author statement from published clinical study used in manual assertion",
}

# Zygosity (the record's words) <-> GENO allelic states of a phenopacket variationDescriptor.
ZYGOSITY = {
    "heterozygous": ("GENO:0000135", "heterozygous"),
    "homozygous": ("GENO:0000136", "homozygous"),
    "hemizygous": ("GENO:0000134", "hemizygous"),
    "compound heterozygous": ("GENO:0000402", "compound heterozygous"),
}
ZYGOSITY_BY_GENO = {code: word for word, (code, _label) in ZYGOSITY.items()}

# ACMG classes (the record's words) <-> the phenopacket enum AcmgPathogenicityClassification.
ACMG = {
    "pathogenic": "PATHOGENIC",
    "likely pathogenic": "LIKELY_PATHOGENIC",
    "uncertain significance": "UNCERTAIN_SIGNIFICANCE",
    "likely benign": "LIKELY_BENIGN",
    "benign": "BENIGN",
    "not provided": "NOT_PROVIDED",
}
ACMG_BY_ENUM = {enum: word for word, enum in ACMG.items()}

# GenomicInterpretation.interpretationStatus (the phenopacket enum, in lower case as stored).
INTERPRETATION_STATUSES = ("unknown_status", "rejected", "candidate", "contributory", "causative")
