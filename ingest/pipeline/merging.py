"""One fact per thing per patient: the mentions of one finding, diagnosis or drug merged into one
fact that keeps every evidence span.

The stages report what each mention says; a reader of the record wants one row per finding ("Skin
ulcer" once, not eight times). `merge_facts` groups a patient's facts by a key (the code of a
finding, the disease of a diagnosis, the agent of a treatment), keeps as the fact the first
mention that makes the group's strongest claim (`rank`: lower is stronger), and lists every
mention's span under "mentions" (DESIGN.md, "Extraction record"). The treatment stage uses it too:

    patient.treatments = merge_facts(patient.treatments, key=lambda t: t["agent"])

Pure functions over the record's dicts; no stage state.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache

from vocab import languages
from vocab.hpo import load_hpo

from .assertions import ASSERTIONS, NEGATED, PRESENT

# Diagnosis statuses from the strongest claim to the weakest: a disease diagnosed once and
# suspected elsewhere is diagnosed; a main diagnosis is never both present and excluded.
DIAGNOSIS_STATUSES = ("final", "history", "differential", "excluded")


def _span(fact: dict) -> dict:
    """A mention of a merged fact: its span, and what that mention asserts when it says."""
    ev = fact["evidence"]
    span = {"start": ev["start"], "end": ev["end"], "text": ev["text"]}
    if "assertion" in fact:
        span["assertion"] = fact["assertion"]
    if fact.get("from_measurement"):
        span["from_measurement"] = fact["from_measurement"]  # a result that implies the finding
    return span


def merge_facts(
    facts: Iterable[dict],
    key: Callable[[dict], Hashable],
    *,
    rank: Callable[[dict], int | tuple[int, ...]] | None = None,
) -> list[dict]:
    """One fact per `key`, in the order of first mention.

    The kept fact is the first (in text order) of those with the best `rank` (all rank alike
    without one); when the group has more than one mention, the fact carries `"mentions"`: every
    span of the group, in text order, each once.
    """
    groups: dict[Hashable, list[dict]] = {}
    for fact in sorted(facts, key=lambda f: f["evidence"]["start"]):
        groups.setdefault(key(fact), []).append(fact)
    merged: list[dict] = []
    for group in groups.values():
        best = min(group, key=rank) if rank else group[0]  # min() keeps the first of equals
        fact = dict(best)
        spans: dict[tuple[int, int], dict] = {}
        for member in group:
            for span in member.get("mentions") or [_span(member)]:
                spans.setdefault((span["start"], span["end"]), span)
        if len(spans) > 1:
            fact["mentions"] = [spans[k] for k in sorted(spans)]
        else:
            fact.pop("mentions", None)
        merged.append(fact)
    return merged


def assertion_rank(fact: dict) -> int:
    """Features: present before resolved, historical, hypothetical, negated (see `ASSERTIONS`)."""
    value = fact.get("assertion") or (NEGATED if fact.get("excluded") else "present")
    return ASSERTIONS.index(value) if value in ASSERTIONS else len(ASSERTIONS)


def status_rank(fact: dict) -> int:
    """Diagnoses: final before history, differential, excluded."""
    status = fact.get("status")
    return DIAGNOSIS_STATUSES.index(status) if status in DIAGNOSIS_STATUSES else len(DIAGNOSIS_STATUSES)


def merge_features(features: Iterable[dict]) -> list[dict]:
    """One feature per finding. Its assertion is the strongest any mention makes (present wins
    over negated: "no fever on admission … fever on day 3" is a fever); it takes the onset of its
    own evidence, or else the first onset any of its mentions states."""
    features = list(features)
    for f in features:
        # Facts from other stages (a result that implies a finding) state only `excluded`.
        f.setdefault("assertion", NEGATED if f.get("excluded") else PRESENT)
    # Of mentions that assert alike, the finding's own words are the clearer evidence than a result
    # that implies it ("weight loss" rather than the "30 kg" written before it).
    merged = merge_facts(
        features,
        key=lambda f: f.get("code") or f["label"].lower(),
        rank=lambda f: (assertion_rank(f), bool(f.get("from_measurement"))),
    )
    by_key: dict[Hashable, list[dict]] = {}
    for f in features:
        by_key.setdefault(f.get("code") or f["label"].lower(), []).append(f)
    for fact in merged:
        fact["excluded"] = fact.get("assertion") == NEGATED
        if fact["excluded"]:
            fact["onset"] = None
        elif not fact.get("onset"):
            onsets = [
                f["onset"]
                for f in sorted(
                    by_key[fact.get("code") or fact["label"].lower()], key=lambda f: f["evidence"]["start"]
                )
                if f.get("onset") and f.get("assertion") != NEGATED
            ]
            fact["onset"] = onsets[0] if onsets else None
    return merged


def _head_of(general: str, specific: str) -> bool:
    """Whether `general` is the head word of `specific`: "pain" of "chest pain", 贫血 of 溶血性贫血."""
    general, specific = general.lower().strip(), specific.lower().strip()
    return bool(general) and general in specific


def _refers_to(spans: list[dict], named: list[dict]) -> bool:
    """Whether every mention in `spans` refers to the finding the words of `named` name: its head
    word ("the pain" after "chest pain"), or a result implying it ("pH 7.31" beside "metabolic
    acidosis"); a result beside a finding only another result implies (a lymphocyte count beside
    a white cell count) refers to nothing named."""
    return bool(named) and all(
        (s.get("from_measurement") and s["from_measurement"] not in _MEASURED_AT_A_SITE)
        or any(_head_of(s["text"], o["text"]) for o in named)
        for s in spans
    )


# Results taken at one part of the body: the weakness "strength 3/5 in the legs" implies is the legs',
# not the same finding as a weakness of the face named beside it (Facial diplegia is a kind of
# Muscle weakness in HPO, and would take it in).
_MEASURED_AT_A_SITE = frozenset({"muscle strength"})


# Languages that put a finding's head word first ("weakness of the lower limbs").
_PHRASE_HEADS = [module.PHRASE_HEAD_RE for module in languages.LANGUAGES.values() if module.PHRASE_HEAD_RE]


@lru_cache(maxsize=8192)  # asked for every pair of a report's features: the same few words again
def head_word(text: str) -> str:
    """The head word of a mention, lower case and singular: its last word ("left-sided weakness" ->
    "weakness", "subcutaneous nodules" -> "nodule"), or the word a language puts first ("weakness
    of the lower limbs" -> "weakness"): how a report names a finding again."""
    text = text.strip().lower()
    first = next((m for pattern in _PHRASE_HEADS if (m := pattern.match(text))), None)
    word = first.group(1) if first else text.rsplit(" ", 1)[-1]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _only_feature_it_heads(
    fact: dict, spans: list[dict], specific: list[tuple[dict, frozenset]]
) -> dict | None:
    """The one other feature whose words end with the one word every mention of `fact` is, named
    first: "his weakness improved" after "left-sided weakness" (Hemiparesis) is that weakness, not
    Asthenia, though HPO does not put one under the other. None when no feature or several do
    ("weakness" after "left-sided weakness" and "proximal muscle weakness")."""
    words = {head_word(s["text"]) for s in spans if not s.get("from_measurement")}
    if len(words) != 1 or any(" " in s["text"].strip() for s in spans):
        return None
    (word,) = words
    first = min(s["start"] for s in spans)
    heads = [
        other
        for other, _ in specific
        if other is not fact
        and other["code"] != fact["code"]
        and not other.get("excluded")
        and assertion_rank(other) <= assertion_rank(fact)
        and any(
            " " in o["text"].strip() and head_word(o["text"]) == word and o["start"] < first
            for o in other.get("mentions") or [_span(other)]
        )
    ]
    return heads[0] if len(heads) == 1 else None


def drop_covered_ancestors(features: list[dict]) -> list[dict]:
    """A general term is dropped when a more specific term of the same patient, asserted at least
    as strongly, covers the same finding: "the pain" after "chest pain" is the chest pain, "the
    acidosis" the metabolic acidosis. A report refers back to a finding by its head word, so the
    general term goes only when every mention of it is the head word of a mention of the specific
    one (or a result that implies it: "pH 7.31" beside "metabolic acidosis"); its mentions join the
    specific term's. "No pain" beside "no chest pain" says more than
    either: both stay."""
    hpo = load_hpo()
    # The coded features that may be the specific term (not a finding kept apart, which has a
    # "reason"), with their ancestors, looked up once.
    specific = [
        (other, term.ancestors)
        for other in features
        if other.get("code") and not other.get("reason") and (term := hpo.get(other["code"])) is not None
    ]
    kept: list[dict] = []
    for fact in features:
        code = fact.get("code")
        spans = fact.get("mentions") or [_span(fact)]
        if not code or fact["excluded"]:
            kept.append(fact)
            continue
        target = next(
            (
                other
                for other, ancestors in specific
                if other is not fact
                and other["code"] != code
                and code in ancestors
                and assertion_rank(other) <= assertion_rank(fact)  # "seizures" is not a suspected kind
                and _refers_to(
                    spans,
                    [o for o in other.get("mentions") or [_span(other)] if not o.get("from_measurement")],
                )
            ),
            None,
        )
        if target is None:
            target = _only_feature_it_heads(fact, spans, specific)
        if target is None:
            kept.append(fact)
            continue
        joined = {(s["start"], s["end"]): s for s in (target.get("mentions") or [_span(target)])}
        for s in spans:
            joined.setdefault((s["start"], s["end"]), s)
        target["mentions"] = [joined[k] for k in sorted(joined)]
    return kept


def per_mention(record: dict, *, uncoded: bool = True) -> dict:
    """The record seen one fact per mention, each with the assertion that mention makes.

    For span-level scoring (a brat annotation marks every mention) and for pages that highlight
    each mention: a merged fact becomes one copy per span of its `mentions`; with `uncoded`, the
    findings kept apart from the coded features (`uncoded_findings`) are read as features too.
    """
    out = dict(record)
    out["patients"] = []
    for patient in record.get("patients") or []:
        view = dict(patient)
        features = list(patient.get("features") or [])
        if uncoded:
            features += patient.get("uncoded_findings") or []
        view["features"] = _expanded(features)
        view["diagnoses"] = _expanded(patient.get("diagnoses") or [])
        view["treatments"] = _expanded(patient.get("treatments") or [])
        out["patients"].append(view)
    return out


def _expanded(facts: list[dict]) -> list[dict]:
    copies = []
    for fact in facts:
        for span in fact.get("mentions") or [_span(fact)]:
            copy = {k: v for k, v in fact.items() if k != "mentions"}
            copy["evidence"] = {"start": span["start"], "end": span["end"], "text": span["text"]}
            if "assertion" in span:
                copy["assertion"] = span["assertion"]
                copy["excluded"] = span["assertion"] == NEGATED
            copies.append(copy)
    return sorted(copies, key=lambda f: f["evidence"]["start"])
