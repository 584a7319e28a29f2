"""Reading the loosely typed values of an extraction record (the pipeline's output, or an imported
phenopacket turned into one) into model field values. A value that does not fit is dropped or
cut to the column's length here, so a bad item never makes a whole report fail."""

from __future__ import annotations


def text(value: object, length: int) -> str:
    """A string for a CharField of `length`: lists are joined, {"text"|"label"} objects unpacked."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value if item)
    elif isinstance(value, dict):
        value = value.get("text") or value.get("label") or ""
    return str(value)[:length]


def number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def word(value: object) -> str:
    """A vocabulary word as the record may write it ("Likely pathogenic", "likely-pathogenic") in
    the form the choices use ("likely_pathogenic")."""
    if not isinstance(value, str):
        return ""
    return "_".join(value.strip().lower().replace("-", " ").split())
