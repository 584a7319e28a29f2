"""GA4GH Phenopackets v2 as JSON (.json: one object or an array of them; .jsonl: one a line).

A phenopacket is structured data, not narrative: it is imported (ingest.services.phenopacket_import)
rather than run through the extraction pipeline. Its text is kept as received.

Every phenopacket is validated against the GA4GH schema (the protobuf classes of the `phenopackets`
package, parsed strictly: unknown fields and wrong types are errors), so invalid input fails its
job naming the field and what the schema expects there. Top-level keys beginning with "_" are
annotations outside the schema (a source path…): not validated, kept on the case, not exported.
Its canonical form (keys sorted, no whitespace) is what identifies it on receipt, so the same
phenopacket written differently is a duplicate.
"""

from __future__ import annotations

import functools
import json
import re

from .base import Document, Format, Limits, ReaderError
from .phenopacket_shape import shape_errors

NAME = "phenopacket"

_PHENOPACKET_KEYS = {
    "phenotypicFeatures",
    "diseases",
    "subject",
    "interpretations",
    "measurements",
    "medicalActions",
}


def _check_phenopacket(obj: object, where: str) -> dict:
    if not isinstance(obj, dict):
        raise ReaderError(f"{where}: not a phenopacket (a JSON {type(obj).__name__}, expected an object)")
    if not isinstance(obj.get("id"), str) or not (_PHENOPACKET_KEYS & obj.keys()) or "metaData" not in obj:
        raise ReaderError(
            f"{where}: JSON that is not a GA4GH phenopacket (needs id, metaData and subject or "
            "phenotypicFeatures/diseases)"
        )
    # Every declared field of the right JSON type before anything is imported: a wrong type is a
    # failed job naming the field, not an AttributeError inside the importer.
    errors = shape_errors(obj, limit=6)
    if errors:
        more = "; …" if len(errors) > 5 else ""
        raise ReaderError(f"{where}: not a valid phenopacket: {'; '.join(errors[:5])}{more}")
    for i, feature in enumerate(obj.get("phenotypicFeatures") or []):
        term = feature.get("type") if isinstance(feature, dict) else None
        if not isinstance(term, dict) or not isinstance(term.get("id"), str):
            raise ReaderError(f"{where}: phenotypicFeatures[{i}] has no type.id")
    if not isinstance(obj.get("subject", {}), dict):
        raise ReaderError(f"{where}: subject is not an object")
    problem = schema_problem(obj)
    if problem:
        raise ReaderError(f"{where}: not a valid GA4GH Phenopacket v2: {problem}")
    return obj


@functools.cache
def _schema() -> tuple[type, object, type]:
    from google.protobuf import json_format
    from phenopackets.schema.v2 import Phenopacket

    return Phenopacket, json_format.ParseDict, json_format.ParseError


# The parser's ' at "Phenopacket.subject.sex"' (quoted or not), where the field path is.
_AT = re.compile(r' at "?Phenopacket\.?([^\s"]*?)"?\.*(?=\s|$)')


def schema_problem(packet: dict) -> str:
    """ "" when the phenopacket follows the v2 schema, else which field is wrong and what the
    schema expects there (the protobuf parser's message, with the field path first)."""
    phenopacket, parse_dict, parse_error = _schema()
    packet = {k: v for k, v in packet.items() if not k.startswith("_")}
    try:
        parse_dict(packet, phenopacket())
    except (parse_error, TypeError, ValueError, AttributeError) as error:
        # Only on failure (it costs about as much as the parse): a better message for a shape error.
        shape = shape_errors(packet, limit=1)
        if shape:
            return shape[0]
        message = " ".join(str(error).split())
        # "Failed to parse a field: Failed to parse b field: <what>" -> "a.b: <what>"
        path = re.findall(r"Failed to parse (\w+) field: ", message)
        what = re.sub(r"^(?:Failed to parse \w+ field: )+", "", message)
        at = _AT.search(what)
        where = at.group(1) if at and at.group(1) else ".".join(path)
        what = _AT.sub("", what).rstrip(".")
        unknown = re.search(r'has no field named "([^"]+)"', what)
        if unknown and not where:
            where = unknown.group(1)
        return f"{where}: {what}" if where else what
    return ""


def canonical(data: bytes) -> bytes | None:
    """The phenopacket(s) as canonical JSON (keys sorted, no insignificant whitespace), or None
    when the bytes are no JSON (the raw bytes are then hashed and the reader says what is wrong)."""
    try:
        text = data.decode("utf-8-sig")
        if "\n" in text.strip():
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
            value: object = documents if len(documents) > 1 else documents[0]
        else:
            value = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        try:
            value = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def read_phenopackets(data: bytes, filename: str = "") -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReaderError(f"malformed JSON: not UTF-8 ({error})") from None
    packets: list[dict] = []
    if is_json_lines(filename):
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ReaderError(f"malformed JSON on line {number}: {error}") from None
                packets.append(_check_phenopacket(obj, f"line {number}"))
    else:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            raise ReaderError(f"malformed JSON: {error}") from None
        items = obj if isinstance(obj, list) else [obj]
        packets = [_check_phenopacket(item, f"item {i + 1}") for i, item in enumerate(items)]
    if not packets:
        raise ReaderError("no phenopacket in the file")
    return Document(
        format=NAME,
        text=text,
        encoding="utf-8",
        phenopackets=packets,
        citation=phenopacket_citation(packets[0]),
    )


_PMID = re.compile(r"PMID:\s*(\d+)", re.IGNORECASE)
_DOI = re.compile(r"(?:doi:|https?://(?:dx\.)?doi\.org/)(10\.\S+)", re.IGNORECASE)


def phenopacket_citation(packet: dict) -> dict:
    citation: dict = {}
    for ref in (packet.get("metaData") or {}).get("externalReferences") or []:
        ref_id = str(ref.get("id") or "")
        if (match := _PMID.match(ref_id)) and "pmid" not in citation:
            citation["pmid"] = match.group(1)
            if ref.get("description"):
                citation["title"] = str(ref["description"])
        elif (match := _DOI.match(ref_id)) and "doi" not in citation:
            citation["doi"] = match.group(1)
    return citation


def is_json_lines(filename: str) -> bool:
    """A .jsonl file, or one line of it ("packets.jsonl#12", named so by the archive format)."""
    return filename.split("#", 1)[0].lower().endswith(".jsonl")


def _read(data: bytes, filename: str, limits: Limits) -> Document:
    return read_phenopackets(data, filename)


FORMAT = Format(
    name=NAME,
    label="GA4GH Phenopacket",
    suffixes=(".json", ".jsonl"),
    media_types=("application/json", "application/x-ndjson", "application/jsonl"),
    read=_read,
    canonical=canonical,
)
