"""Report formats, each declared once: one module per format, one entry in `FORMATS`.

A module declares one `Format` (see base.py): its name (the value stored in Report.format), a
label, the file suffixes and media types that claim it, how to recognise it (an optional content
`signature`; containers say which files they `hold`) and how to read it into a `Document` (or,
for a container, `expand` it into members). Everything else asks this registry:

- receiving (ingest.services.receive) calls `FORMATS.split` once per upload: containers are
  expanded and every document's format is decided and stored on its Report;
- the workers read a report with the stored format (`FORMATS.read(..., format=report.format)`);
- the admin shows `FORMATS.label`, the upload API's help text is `FORMATS.describe()`, and the
  `ingest` and `extract` commands and the pipeline CLI take their suffixes from `FORMATS.suffixes`.

No Django here (the pipeline CLI uses it too): size limits come in as `Limits`, which Django code
builds from the settings (ingest.readers.limits).

Adding a format, e.g. RTF:

1. ingest/formats/rtf.py::

       from .base import Document, Format, Limits

       def _read(data: bytes, filename: str, limits: Limits) -> Document:
           return Document(text=rtf_to_text(data), encoding="cp1252")

       FORMAT = Format(name="rtf", label="Rich Text", suffixes=(".rtf",),
                       media_types=("application/rtf",), read=_read,
                       signature=lambda data: data.startswith(b"{\\\\rtf"), has_report_text=True)

2. here: `from . import rtf` and `rtf.FORMAT` in the list below.

Nothing else changes: no migration (Report.format is a plain column that only the services write,
after `FORMATS.validate`), no admin, API or command edit. tests/ingest/test_formats.py registers a
throwaway format in a test and ingests a file of it end to end.
"""

from __future__ import annotations

from . import archive, jats, pdf, phenopacket, text
from .base import Document, Format, Limits, Member, ReaderError
from .registry import FormatRegistry

FORMATS = FormatRegistry(
    [text.FORMAT, pdf.FORMAT, jats.FORMAT, phenopacket.FORMAT, archive.FORMAT],
    default=text.NAME,
)

__all__ = ["FORMATS", "Document", "Format", "FormatRegistry", "Limits", "Member", "ReaderError"]
