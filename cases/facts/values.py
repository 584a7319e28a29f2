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


# Keys of a series point or a dose change that say when, and those never shown (offsets).
_WHEN_KEYS = ("when", "date", "time", "at", "day", "follow_up")
_HIDDEN_KEYS = {"evidence", "start", "end", "mentions"}


def _amount(value: object, unit: object) -> str:
    shown = f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    return f"{shown} {unit}".strip() if unit else shown


def readable_point(point: object) -> str:
    """One point of an outcome's measured series or one dose change, as a reader says it:
    "5 cm", "decreased to 15 mg", "2.5 cm (at 3 months)"; never a raw mapping with offsets."""
    if not isinstance(point, dict):
        return "" if point is None else str(point)
    parts = []
    change = point.get("change")
    amount_value = point.get("value", point.get("dose"))
    if amount_value is not None and amount_value != "":
        amount = _amount(amount_value, point.get("unit") or point.get("dose_unit"))
        parts.append(f"{change} to {amount}" if change else amount)
    elif change:
        parts.append(str(change))
    when = next((point[key] for key in _WHEN_KEYS if point.get(key)), None)
    used = {"change", "value", "dose", "unit", "dose_unit", *_WHEN_KEYS}
    extra = [
        f"{key.replace('_', ' ')} {value}"
        for key, value in point.items()
        if key not in used | _HIDDEN_KEYS and isinstance(value, str | int | float) and value != ""
    ]
    text = ", ".join([*parts, *extra]) or (point.get("evidence") or {}).get("text", "")
    return f"{text} ({when})" if when else text


def readable_series(points: object) -> str:
    """A series as "5 cm → 4 cm → 2.5 cm"."""
    if not isinstance(points, list):
        return readable_point(points)
    return " → ".join(filter(None, (readable_point(point) for point in points)))
