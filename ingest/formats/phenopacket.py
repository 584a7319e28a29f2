"""GA4GH Phenopackets v2 as JSON (.json: one object or an array of them; .jsonl: one a line).

A phenopacket is structured data, not narrative: it is imported (ingest.services.phenopacket_import)
rather than run through the extraction pipeline. Its text is kept as received.
"""

from __future__ import annotations

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
    return obj


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
)
