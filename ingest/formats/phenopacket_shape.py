"""The JSON types of a GA4GH Phenopacket v2, checked before anything is imported (issue 14 F7).

A phenopacket whose fields have the wrong JSON type (`"diseases": ["OMIM:1"]`, `"medicalActions":
[1, 2]`, `"externalReferences": "nope"`) used to reach the importer and fail there with an
AttributeError. `shape_errors` walks the packet along the schema below and names every field whose
type is wrong and what was expected, e.g. `diseases[0]: expected an object (Disease), got a string`.

Only types are checked here, and only of the fields the schema declares: a field the schema does
not know is left alone (whether it is allowed, and what a value means, is the importer's and the
`phenopackets` package's business). Django-free and dependency-free, so any reader can call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- A tiny schema language ----------------------------------------------------------------------


@dataclass(frozen=True)
class Obj:
    name: str
    fields: dict[str, object] = field(default_factory=dict)
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Arr:
    item: object


STR, BOOL, NUM, INT = "string", "boolean", "number", "integer"

ONTOLOGY_CLASS = Obj("OntologyClass", {"id": STR, "label": STR}, required=("id",))
AGE = Obj("Age", {"iso8601duration": STR})
TIME_ELEMENT = Obj(
    "TimeElement",
    {
        "age": AGE,
        "ageRange": Obj("AgeRange", {"start": AGE, "end": AGE}),
        "gestationalAge": Obj("GestationalAge", {"weeks": INT, "days": INT}),
        "ontologyClass": ONTOLOGY_CLASS,
        "timestamp": STR,
        "interval": Obj("TimeInterval", {"start": STR, "end": STR}),
    },
)
EXTERNAL_REFERENCE = Obj("ExternalReference", {"id": STR, "reference": STR, "description": STR})
EVIDENCE = Obj("Evidence", {"evidenceCode": ONTOLOGY_CLASS, "reference": EXTERNAL_REFERENCE})
QUANTITY = Obj(
    "Quantity",
    {
        "unit": ONTOLOGY_CLASS,
        "value": NUM,
        "referenceRange": Obj("ReferenceRange", {"unit": ONTOLOGY_CLASS, "low": NUM, "high": NUM}),
    },
)
PROCEDURE = Obj("Procedure", {"code": ONTOLOGY_CLASS, "bodySite": ONTOLOGY_CLASS, "performed": TIME_ELEMENT})
GENE = Obj("GeneDescriptor", {"valueId": STR, "symbol": STR, "description": STR})
VARIATION = Obj(
    "VariationDescriptor",
    {
        "id": STR,
        "label": STR,
        "geneContext": GENE,
        "expressions": Arr(Obj("Expression", {"syntax": STR, "value": STR, "version": STR})),
        "allelicState": ONTOLOGY_CLASS,
        "moleculeContext": STR,
    },
)
GENOMIC_INTERPRETATION = Obj(
    "GenomicInterpretation",
    {
        "subjectOrBiosampleId": STR,
        "interpretationStatus": STR,
        "gene": GENE,
        "variantInterpretation": Obj(
            "VariantInterpretation",
            {
                "acmgPathogenicityClassification": STR,
                "therapeuticActionability": STR,
                "variationDescriptor": VARIATION,
            },
        ),
    },
)
PHENOPACKET = Obj(
    "Phenopacket",
    {
        "id": STR,
        "subject": Obj(
            "Individual",
            {
                "id": STR,
                "alternateIds": Arr(STR),
                "dateOfBirth": STR,
                "timeAtLastEncounter": TIME_ELEMENT,
                "sex": STR,
                "karyotypicSex": STR,
                "taxonomy": ONTOLOGY_CLASS,
                "vitalStatus": Obj(
                    "VitalStatus",
                    {"status": STR, "timeOfDeath": TIME_ELEMENT, "causeOfDeath": ONTOLOGY_CLASS},
                ),
            },
        ),
        "phenotypicFeatures": Arr(
            Obj(
                "PhenotypicFeature",
                {
                    "description": STR,
                    "type": ONTOLOGY_CLASS,
                    "excluded": BOOL,
                    "severity": ONTOLOGY_CLASS,
                    "modifiers": Arr(ONTOLOGY_CLASS),
                    "onset": TIME_ELEMENT,
                    "resolution": TIME_ELEMENT,
                    "evidence": Arr(EVIDENCE),
                },
                required=("type",),
            )
        ),
        "measurements": Arr(
            Obj(
                "Measurement",
                {
                    "description": STR,
                    "assay": ONTOLOGY_CLASS,
                    "value": Obj("Value", {"quantity": QUANTITY, "ontologyClass": ONTOLOGY_CLASS}),
                    "complexValue": Obj("ComplexValue", {"typedQuantities": Arr(Obj("TypedQuantity", {}))}),
                    "timeObserved": TIME_ELEMENT,
                    "procedure": PROCEDURE,
                },
            )
        ),
        "diseases": Arr(
            Obj(
                "Disease",
                {
                    "term": ONTOLOGY_CLASS,
                    "excluded": BOOL,
                    "onset": TIME_ELEMENT,
                    "resolution": TIME_ELEMENT,
                    "diseaseStage": Arr(ONTOLOGY_CLASS),
                    "clinicalTnmFinding": Arr(ONTOLOGY_CLASS),
                    "primarySite": ONTOLOGY_CLASS,
                    "laterality": ONTOLOGY_CLASS,
                },
            )
        ),
        "medicalActions": Arr(
            Obj(
                "MedicalAction",
                {
                    "procedure": PROCEDURE,
                    "treatment": Obj(
                        "Treatment",
                        {
                            "agent": ONTOLOGY_CLASS,
                            "routeOfAdministration": ONTOLOGY_CLASS,
                            "doseIntervals": Arr(
                                Obj(
                                    "DoseInterval",
                                    {
                                        "quantity": QUANTITY,
                                        "scheduleFrequency": ONTOLOGY_CLASS,
                                        "interval": Obj("TimeInterval", {"start": STR, "end": STR}),
                                    },
                                )
                            ),
                            "drugType": STR,
                            "cumulativeDose": QUANTITY,
                        },
                    ),
                    "treatmentTarget": ONTOLOGY_CLASS,
                    "treatmentIntent": ONTOLOGY_CLASS,
                    "responseToTreatment": ONTOLOGY_CLASS,
                    "adverseEvents": Arr(ONTOLOGY_CLASS),
                    "treatmentTerminationReason": ONTOLOGY_CLASS,
                },
            )
        ),
        "interpretations": Arr(
            Obj(
                "Interpretation",
                {
                    "id": STR,
                    "progressStatus": STR,
                    "diagnosis": Obj(
                        "Diagnosis",
                        {"disease": ONTOLOGY_CLASS, "genomicInterpretations": Arr(GENOMIC_INTERPRETATION)},
                    ),
                    "summary": STR,
                },
            )
        ),
        "biosamples": Arr(Obj("Biosample", {"id": STR})),
        "files": Arr(Obj("File", {"uri": STR, "individualToFileIdentifiers": Obj("Map", {})})),
        "metaData": Obj(
            "MetaData",
            {
                "created": STR,
                "createdBy": STR,
                "submittedBy": STR,
                "resources": Arr(
                    Obj(
                        "Resource",
                        {
                            "id": STR,
                            "name": STR,
                            "url": STR,
                            "version": STR,
                            "namespacePrefix": STR,
                            "iriPrefix": STR,
                        },
                    )
                ),
                "phenopacketSchemaVersion": STR,
                "externalReferences": Arr(EXTERNAL_REFERENCE),
                "updates": Arr(Obj("Update", {"timestamp": STR, "updatedBy": STR, "comment": STR})),
            },
        ),
    },
)


# --- Checking ------------------------------------------------------------------------------------


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _expected(spec: object) -> str:
    if isinstance(spec, Obj):
        return f"an object ({spec.name})"
    if isinstance(spec, Arr):
        return "an array"
    return {STR: "a string", BOOL: "true or false", NUM: "a number", INT: "a whole number"}[spec]


def _matches(spec: str, value: object) -> bool:
    if spec == STR:
        return isinstance(value, str)
    if spec == BOOL:
        return isinstance(value, bool)
    if spec == NUM:
        # protobuf JSON also writes 64-bit numbers as strings
        return (isinstance(value, int | float) and not isinstance(value, bool)) or isinstance(value, str)
    if spec == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    raise ValueError(spec)


def _walk(spec: object, value: object, path: str, errors: list[str], limit: int) -> None:
    if len(errors) >= limit:
        return
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            errors.append(f"{path}: expected {_expected(spec)}, got {_json_type(value)}")
            return
        for name in spec.required:
            if name not in value:
                errors.append(f"{path}: {spec.name} needs `{name}`")
        for name, child in spec.fields.items():
            if name in value and value[name] is not None:
                _walk(child, value[name], f"{path}.{name}" if path else name, errors, limit)
    elif isinstance(spec, Arr):
        if not isinstance(value, list):
            errors.append(
                f"{path}: expected {_expected(spec)} of {_expected(spec.item)}, got {_json_type(value)}"
            )
            return
        for index, item in enumerate(value):
            _walk(spec.item, item, f"{path}[{index}]", errors, limit)
    elif not _matches(spec, value):
        errors.append(f"{path}: expected {_expected(spec)}, got {_json_type(value)}")


def shape_errors(packet: object, *, limit: int = 20) -> list[str]:
    """Every field (at most `limit`) whose JSON type is not what Phenopackets v2 declares, each as
    `path: expected …, got …`; an empty list when the types are right."""
    errors: list[str] = []
    _walk(PHENOPACKET, packet, "", errors, limit)
    return errors
