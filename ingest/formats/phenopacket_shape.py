"""The JSON types of a GA4GH Phenopacket v2, checked before anything is imported (issue 14 F7).

A phenopacket whose fields have the wrong JSON type (`"diseases": ["OMIM:1"]`, `"medicalActions":
[1, 2]`, `"externalReferences": "nope"`) used to reach the importer and fail there with an
AttributeError. `shape_errors` walks the packet along the schema of the `phenopackets` package
(its protobuf message descriptors, so the check follows the schema release we install rather than
a copy of it) and names every field whose type is wrong and what was expected, e.g.
`diseases[0]: expected an object (Disease), got a string`.

Only types are checked, and only of the fields the schema declares: a field it does not know is
left to the protobuf parser (ingest/formats/phenopacket.py `schema_problem`), which names it.
Stricter than protobuf's JSON parser in two places, both from the Phenopackets documentation:
enums are written as their names (a number is refused), and an OntologyClass needs its `id` and a
PhenotypicFeature its `type` (proto3 itself has no required fields).
"""

from __future__ import annotations

import functools

from google.protobuf.descriptor import Descriptor, FieldDescriptor

# Fields the Phenopackets documentation requires although proto3 cannot say so.
REQUIRED = {"OntologyClass": ("id",), "PhenotypicFeature": ("type",)}

_WHOLE = {
    FieldDescriptor.TYPE_INT32,
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_UINT32,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_SINT32,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED32,
    FieldDescriptor.TYPE_FIXED64,
    FieldDescriptor.TYPE_SFIXED32,
    FieldDescriptor.TYPE_SFIXED64,
}
_REAL = {FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT}
# Well-known types protobuf JSON writes as scalars or free JSON: what each must be.
_WELL_KNOWN = {
    "google.protobuf.Timestamp": "string",
    "google.protobuf.Duration": "string",
    "google.protobuf.Struct": "object",
    "google.protobuf.ListValue": "array",
    "google.protobuf.Value": "any",
}


@functools.cache
def _phenopacket() -> Descriptor:
    from phenopackets.schema.v2 import Phenopacket

    return Phenopacket.DESCRIPTOR


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


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalar_problem(field: FieldDescriptor, value: object) -> str:
    """What a scalar field needed, or "" when `value` fits (protobuf JSON also writes 64-bit and
    floating numbers as strings, so a string is accepted for those)."""
    kind = field.type
    if kind == FieldDescriptor.TYPE_BOOL:
        return "" if isinstance(value, bool) else "true or false"
    if kind in _WHOLE:
        fits = (_is_number(value) and float(value).is_integer()) or isinstance(value, str)
        return "" if fits else "a whole number"
    if kind in _REAL:
        return "" if _is_number(value) or isinstance(value, str) else "a number"
    # string, bytes (base64) and enum (its name)
    return "" if isinstance(value, str) else "a string"


def _is_repeated(field: FieldDescriptor) -> bool:
    if hasattr(field, "is_repeated"):
        return bool(field.is_repeated)
    return field.label == FieldDescriptor.LABEL_REPEATED


def _check_value(field: FieldDescriptor, value: object, path: str, errors: list[str], limit: int) -> None:
    message = field.message_type
    if message is None:
        needed = _scalar_problem(field, value)
        if needed:
            errors.append(f"{path}: expected {needed}, got {_json_type(value)}")
        return
    well_known = _WELL_KNOWN.get(message.full_name)
    if well_known is not None:
        fits = {
            "string": isinstance(value, str),
            "object": isinstance(value, dict),
            "array": isinstance(value, list),
            "any": True,
        }[well_known]
        if not fits:
            errors.append(f"{path}: expected a {well_known}, got {_json_type(value)}")
        return
    _walk(message, value, path, errors, limit)


def _walk(descriptor: Descriptor, value: object, path: str, errors: list[str], limit: int) -> None:
    if len(errors) >= limit:
        return
    if not isinstance(value, dict):
        errors.append(f"{path}: expected an object ({descriptor.name}), got {_json_type(value)}")
        return
    if descriptor.GetOptions().map_entry:
        return  # a map<…> field: free keys, left to the parser
    for name in REQUIRED.get(descriptor.name, ()):
        if name not in value:
            errors.append(f"{path}: {descriptor.name} needs `{name}`")
    by_name = {f.json_name: f for f in descriptor.fields} | {f.name: f for f in descriptor.fields}
    for key, item in value.items():
        field = by_name.get(key)
        if field is None or item is None or len(errors) >= limit:
            continue  # an unknown field is the parser's to name; null means "not set"
        where = f"{path}.{key}" if path else key
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            if not isinstance(item, dict):
                errors.append(f"{where}: expected an object, got {_json_type(item)}")
        elif _is_repeated(field):
            if not isinstance(item, list):
                what = f"an object ({field.message_type.name})" if field.message_type else "values"
                errors.append(f"{where}: expected an array of {what}, got {_json_type(item)}")
                continue
            for index, element in enumerate(item):
                _check_value(field, element, f"{where}[{index}]", errors, limit)
        else:
            _check_value(field, item, where, errors, limit)


def shape_errors(packet: object, *, limit: int = 20) -> list[str]:
    """Every field (at most `limit`) whose JSON type is not what Phenopackets v2 declares, each as
    `path: expected …, got …`; an empty list when the types are right."""
    errors: list[str] = []
    _walk(_phenopacket(), packet, "", errors, limit)
    return errors[:limit]
