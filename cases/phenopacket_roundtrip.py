"""Field-by-field comparison of a phenopacket with the registry's export of it after import: what
the round trip lost or changed. Used by the round-trip tests and benchmarks/eval_phenopackets.py.

Every field of the original is compared with the same field of the export (lists by position,
numbers by value). What the registry adds by design is not a difference, and is documented here:

- `label` of an ontology class whose export label is the loaded vocabulary's label for its id
  (ids are the truth; labels follow the loaded release);
- `metaData.updates`: the one entry the export adds to name the registry case
  (cases.phenopackets.REGISTRY_UPDATE);
- `metaData.resources`: entries added for prefixes the original did not declare;
- top-level keys beginning with "_" (annotations outside the Phenopacket schema, kept on the case,
  not exported).

Anything else the export lacks, adds or changes is a `Difference`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# The comment that starts the registry's metaData.updates entry (cases.phenopackets.REGISTRY_UPDATE,
# repeated here so that this module needs no Django).
REGISTRY_UPDATE = "exported by case-registry from case"

_MISSING = object()


@dataclass(frozen=True)
class Difference:
    path: str  # "phenotypicFeatures[3].onset.age.iso8601duration"
    kind: str  # "lost", "added" or "changed"
    original: Any
    exported: Any

    @property
    def field(self) -> str:
        """The path without list positions: what a summary counts by."""
        return re.sub(r"\[\d+\]", "[]", self.path)

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} ({self.original!r} -> {self.exported!r})"


LabelOf = Callable[[str], str | None]


def phenopacket_differences(
    original: dict[str, Any],
    exported: dict[str, Any],
    *,
    label_of: LabelOf = lambda _id: None,
    skip: Iterable[str] = (),
) -> list[Difference]:
    """What differs between a phenopacket and its export, apart from the registry's documented
    additions. `label_of` gives the loaded vocabulary's label of an id (None when it has none);
    `skip` names top-level fields left out of the comparison."""
    skipped = set(skip)
    found: list[Difference] = []
    for key in sorted(set(original) | set(exported)):
        if key in skipped or key.startswith("_"):
            continue
        before, after = original.get(key, _MISSING), exported.get(key, _MISSING)
        if key == "metaData" and isinstance(before, dict) and isinstance(after, dict):
            _meta_data(before, after, found, label_of)
        else:
            _compare(key, before, after, found, label_of)
    return found


def _meta_data(before: dict, after: dict, found: list[Difference], label_of: LabelOf) -> None:
    after = dict(after)
    updates = [
        u
        for u in after.get("updates") or []
        if not (isinstance(u, dict) and str(u.get("comment", "")).startswith(REGISTRY_UPDATE))
    ]
    if updates or "updates" in before:
        after["updates"] = updates
    else:
        after.pop("updates", None)
    declared = {r.get("namespacePrefix") for r in before.get("resources") or [] if isinstance(r, dict)}
    if "resources" in after:
        after["resources"] = [
            r for r in after["resources"] if not isinstance(r, dict) or r.get("namespacePrefix") in declared
        ]
        if not after["resources"] and "resources" not in before:
            after.pop("resources")
    _compare("metaData", before, after, found, label_of)


def _compare(path: str, before: Any, after: Any, found: list[Difference], label_of: LabelOf) -> None:
    if before is _MISSING:
        found.append(Difference(path, "added", None, after))
    elif after is _MISSING:
        found.append(Difference(path, "lost", before, None))
    elif isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            b, a = before.get(key, _MISSING), after.get(key, _MISSING)
            relabelled = key == "label" and "id" in before and b is not _MISSING and a is not _MISSING
            if relabelled and b != a and a == label_of(str(before.get("id"))):
                continue  # the loaded release's label for the same id
            _compare(f"{path}.{key}", b, a, found, label_of)
    elif isinstance(before, list) and isinstance(after, list):
        for index in range(max(len(before), len(after))):
            b = before[index] if index < len(before) else _MISSING
            a = after[index] if index < len(after) else _MISSING
            _compare(f"{path}[{index}]", b, a, found, label_of)
    elif before != after or isinstance(before, bool) != isinstance(after, bool):
        found.append(Difference(path, "changed", before, after))


def summarise(differences: Iterable[Difference]) -> Counter[str]:
    """Differences counted by field and kind ("phenotypicFeatures[].onset lost": 12)."""
    return Counter(f"{d.field} {d.kind}" for d in differences)
