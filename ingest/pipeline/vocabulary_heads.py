"""A disease name whose head is a finding also names that finding (a step of the vocabulary build).

"systolic heart failure" is a MONDO disease and "heart failure" an HPO finding; the matcher keeps
the longest name, so without this a report's "no systolic heart failure" would exclude no finding.
Likewise 高血压病 (built on 高血压) and 急性甲型肝炎 (on 肝炎).
"""

from __future__ import annotations

from collections.abc import Callable

from vocab import languages
from vocab.hpo import Hpo

from .vocabulary import DISEASE, HPO, Concept, is_word_char
from .vocabulary_reference import GROUPING_CLASS_DESCENDANTS, descendant_counts


def attach_head_findings(keys: dict[str, set[int]], concepts: list[Concept], hpo: Hpo) -> None:
    """A disease name whose head is a finding also names that finding.

    "高血压病" / "hypertensive disease" are disease entries built on the finding 高血压; "systolic
    heart failure", "急性A型肝炎" end in the findings "heart failure", "肝炎". The longer disease
    name would hide the finding, so such a key carries the HPO term as well: first the stem the
    languages define (`disease_name_stem`), else the longest name the disease name ends with
    (both languages put the head of a noun phrase last) when that name is a finding's: at a word
    boundary in Latin script, after an attributive modifier in Chinese (急性, 乙型). A grouping
    class ("Pain", "Neoplasm": "breast cancer" ends in "cancer") is no such head.
    """
    below = descendant_counts(hpo)
    # Concept ids by kind as sets: the passes over ~240,000 keys below are then set operations
    # in C rather than a Python test per id.
    diseases = {i for i, c in enumerate(concepts) if c.kind == DISEASE}
    findings = {i for i, c in enumerate(concepts) if c.kind == HPO}
    heads = {
        i for i in findings if not concepts[i].absent and below[concepts[i].code] < GROUPING_CLASS_DESCENDANTS
    }
    hpo_ids_of: dict[str, set[int]] = {
        key: ids & heads for key, ids in keys.items() if not ids.isdisjoint(heads)
    }
    stem_rules = [module.disease_name_stem for module in languages.LANGUAGES.values()]
    for key, ids in keys.items():
        if ids.isdisjoint(diseases) or not ids.isdisjoint(findings):
            continue
        # The longest name the key ends with is its head; only a finding head is attached
        # (急性肠胃炎 ends in the disease 肠胃炎, whose own head is no finding).
        head = _head(key, keys, stem_rules)
        if head is not None and head in hpo_ids_of:
            ids.update(hpo_ids_of[head])


_ATTRIBUTIVE_ENDINGS = frozenset("性型期度")


def _head(key: str, keys: dict[str, set[int]], stem_rules: list[Callable[[str], str | None]]) -> str | None:
    """The longest name `key` may be built on that is itself a key, or None. (A loop over the
    candidates rather than a generator of them: it runs for ~100,000 disease names a build.)"""
    for rule in stem_rules:
        stem = rule(key)
        if stem and stem != key and stem in keys:
            return stem
    if is_word_char(key[-1]):
        space = key.find(" ")
        while space != -1:
            if key[space + 1 :] in keys:
                return key[space + 1 :]
            space = key.find(" ", space + 1)
    else:
        # Chinese has no spaces: the head follows an attributive modifier, which ends in 性, 型, 期
        # or 度 (急性, 乙型, 病毒性). Anything else may be part of a compound (肠胃炎 is
        # gastroenteritis, not a kind of 胃炎; 瓜氨酸血症 is no kind of 酸血症).
        for i in range(2, len(key) - 1):
            if key[i - 1] in _ATTRIBUTIVE_ENDINGS and key[i:] in keys:
                return key[i:]
    return None
