"""Command-line extraction shared by `python -m ingest.pipeline` and `manage.py extract`.

Files or directories (recursively: *.txt and anything else that decodes as text), one JSON object
per line per file, "source" being the path as given or found. No database.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ingest.formats import FORMATS, Document

from . import extract, to_phenopacket
from .merging import per_mention

# Output formats: the extraction record (one fact per finding, DESIGN.md), the same record seen one
# fact per mention (for span-level scoring such as brat, where every mention is annotated; the
# record's `mentions` spans become facts of their own, uncoded findings included), or Phenopackets.
FORMATS_OUT = ("jsonl", "mentions", "phenopacket")


# Suffixes come from the report-format registry (ingest/formats/, Django-free), asked at each run:
# a folder is walked for the formats whose reading gives report text, plus files without a suffix
# (read as plain text).
def text_suffixes() -> frozenset[str]:
    return frozenset({*FORMATS.default.suffixes, ""})


def extractable_suffixes() -> frozenset[str]:
    return frozenset({*FORMATS.suffixes(report_text_only=True), ""})


def iter_paths(paths: Iterable[str]) -> Iterator[Path]:
    suffixes = extractable_suffixes()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in suffixes and not child.name.startswith("."):
                    yield child
        else:
            yield path


def read_text(path: Path) -> str:
    """Decoded text of a plain-text report: strict UTF-8, else charset-normalizer's best guess.

    The Django side (`manage.py extract`) passes the project's readers instead (PDF, JATS XML);
    they need settings, so this module does not import them.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ValueError("not decodable as text") from None
        return str(best)


def run(
    paths: Iterable[str],
    *,
    fmt: str = "jsonl",
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    reader: Callable[[Path], str | Document] = read_text,
) -> int:
    """Extract every file under `paths`; 1 when some file could not be read, else 0."""
    failures = 0
    plain_text = text_suffixes()
    for path in iter_paths(paths):
        try:
            document = reader(path)
        except Exception as exc:
            err.write(f"{path}: cannot read: {exc}\n")
            failures += 1
            continue
        # A reader gives the text, or a document (ingest.formats) with the citation it found too.
        text = document if isinstance(document, str) else document.text
        citation = None if isinstance(document, str) else document.citation
        if "\x00" in text[:4096] and path.suffix.lower() not in plain_text:
            continue  # a binary file met while walking a directory
        record = extract(text, source=str(path), citation=citation)
        if fmt == "phenopacket":
            packets = to_phenopacket(record, subject_id=path.stem)
            for packet in packets if isinstance(packets, list) else [packets]:
                out.write(json.dumps(packet, ensure_ascii=False) + "\n")
        else:
            if fmt == "mentions":
                record = per_mention(record)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ingest.pipeline", description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--format", choices=FORMATS_OUT, default="jsonl")
    args = parser.parse_args(argv)
    return run(args.paths, fmt=args.format)
