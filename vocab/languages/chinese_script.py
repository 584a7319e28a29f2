"""Traditional and simplified Chinese script: detection, conversion to simplified with a map back
to the original offsets, and the lookup key every Chinese (and English) name index shares.

Conversion is OpenCC's (the `opencc` package: its C++ converter and dictionaries ship in the wheel,
nothing is downloaded). OpenCC converts phrase by phrase, so a phrase may change length (with the
Taiwan-idiom configuration 記憶體 becomes 内存); evidence offsets must still point into the text as
stored, so `to_simplified` returns the converted text together with a map back to the original.

Detection counts characters that only one script uses (為, 歲 against 为, 岁), derived from
OpenCC's own character tables, so the two functions never disagree about what "traditional" is.

No Django imports here.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache

import opencc

from .zh import HAN_CHARS

# OpenCC configurations that end in simplified script. "t2s" is the general one; the regional
# ones also accept Taiwan / Hong Kong variant characters, and "tw2sp" rewrites Taiwan idioms too.
CONFIGS = ("t2s", "tw2s", "hk2s", "tw2sp")
# "auto" (the default) picks per text: "tw2s" for traditional text, because only it turns the
# Taiwan-standard 著 into 着 where it means 着 (接著, 沉著 → 接着, 沉着; plain t2s leaves them,
# and 钙质沉着 would not match), and "t2s" for everything else, because tw2s applied to text that
# is already simplified breaks it (显著 → 显着). t2s leaves simplified text as it is.
AUTO = "auto"
DEFAULT_CONFIG = AUTO
TRADITIONAL_CONFIG = "tw2s"
SIMPLIFIED_CONFIG = "t2s"

# Code points of the Han blocks in `zh.HAN_CHARS`, for building the per-character tables.
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))

_HAN_RE = re.compile(f"[{HAN_CHARS}]")
_WHITESPACE_RE = re.compile(r"\s+")
_SPACE_NEXT_TO_HAN_RE = re.compile(f"(?<=[{HAN_CHARS}]) | (?=[{HAN_CHARS}])")


def choose_config(text: str, config: str = DEFAULT_CONFIG) -> str:
    """The OpenCC configuration `config` stands for on `text` (resolves "auto")."""
    if config != AUTO:
        return config
    return TRADITIONAL_CONFIG if is_traditional(text) else SIMPLIFIED_CONFIG


@cache
def converter(config: str) -> opencc.OpenCC:
    if config not in CONFIGS and config != "s2t":
        raise ValueError(f"unknown conversion {config!r}; use one of {AUTO}, {', '.join(CONFIGS)}")
    return opencc.OpenCC(config)


def _han_characters() -> list[str]:
    return [chr(code) for start, end in _HAN_RANGES for code in range(start, end + 1)]


@cache
def character_table(config: str = SIMPLIFIED_CONFIG) -> dict[int, str]:
    """What OpenCC makes of each Han character on its own (for `str.translate`): the phrase-free
    part of a configuration. Built in one call, the characters separated by newlines, which no
    dictionary phrase crosses."""
    characters = _han_characters()
    converted = converter(config).convert("\n".join(characters)).split("\n")
    if len(converted) != len(characters):  # cannot happen with OpenCC's tables; never guess
        raise RuntimeError(f"OpenCC {config} changed the number of lines of the character table")
    return {ord(old): new for old, new in zip(characters, converted, strict=True) if new != old}


@lru_cache(maxsize=1)
def _script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Characters only traditional script uses, and characters only simplified script uses. A
    character both conversions change (mostly compatibility ideographs) tells nothing."""
    to_simplified = {chr(code) for code in character_table("t2s")}
    to_traditional = {chr(code) for code in character_table("s2t")}
    traditional_only = to_simplified - to_traditional
    simplified_only = to_traditional - to_simplified

    def pattern(characters: set[str]) -> re.Pattern[str]:
        return re.compile("[" + "".join(re.escape(c) for c in sorted(characters)) + "]")

    return pattern(traditional_only), pattern(simplified_only)


def script_counts(text: str) -> tuple[int, int]:
    """(characters only traditional script writes, characters only simplified script writes)."""
    traditional, simplified = _script_patterns()
    return len(traditional.findall(text)), len(simplified.findall(text))


def is_traditional(text: str, *, sample_chars: int = 20_000) -> bool:
    """Whether `text` is written in traditional script: more traditional-only characters than
    simplified-only ones (a simplified report quoting one traditional name stays simplified).
    Reads a sample, like language detection, so the cost is bounded."""
    traditional, simplified = script_counts(text[:sample_chars])
    return traditional > simplified


@dataclass(frozen=True, slots=True)
class SimplifiedText:
    """Text converted to simplified script, and where each converted character came from.

    `_starts[j]`, `_ends[j]` are the original span of converted character j. They are None when
    the conversion kept every length (the usual case), so that position j is position j.
    """

    text: str
    original: str
    _starts: array | None = None
    _ends: array | None = None

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def offsets_preserved(self) -> bool:
        """True when every converted offset is the same offset in the original."""
        return self._starts is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the converted span [start, end). A span that covers part of a
        phrase whose length changed widens to the whole original phrase."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}-{end} is outside the converted text (length {len(self.text)})")
        if self._starts is None or self._ends is None:
            return start, end
        original_start = self._starts[start] if start < len(self.text) else len(self.original)
        if end == start:
            return original_start, original_start
        return original_start, max(self._ends[end - 1], original_start)

    def original_index(self, index: int) -> int:
        """The original offset of converted character `index`."""
        return self.to_original(index, index)[0]


def _align(original: str, reference: str, converted: str) -> SimplifiedText:
    """Offset map for a conversion that changed lengths. `reference` is the per-character
    conversion (position i is original position i); only the stretch between the common prefix and
    suffix of `reference` and `converted` is aligned, so the cost follows the differences."""
    prefix = 0
    limit = min(len(reference), len(converted))
    while prefix < limit and reference[prefix] == converted[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and reference[len(reference) - 1 - suffix] == converted[len(converted) - 1 - suffix]
    ):
        suffix += 1
    starts = array("l", range(len(converted)))
    ends = array("l", range(1, len(converted) + 1))
    shift = len(original) - len(converted)
    for j in range(len(converted) - suffix, len(converted)):
        starts[j] += shift
        ends[j] += shift
    window_ref = reference[prefix : len(reference) - suffix]
    window_conv = converted[prefix : len(converted) - suffix]
    matcher = SequenceMatcher(None, window_ref, window_conv, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "delete":
            continue
        for j in range(j1, j2):
            if tag == "equal" or (i2 - i1) == (j2 - j1):
                starts[prefix + j] = prefix + i1 + (j - j1)
                ends[prefix + j] = starts[prefix + j] + 1
            else:  # a phrase of another length: each of its characters stands for all of it
                starts[prefix + j] = prefix + i1
                ends[prefix + j] = prefix + i2
    return SimplifiedText(converted, original, starts, ends)


def to_simplified(text: str, *, config: str = DEFAULT_CONFIG) -> SimplifiedText:
    """`text` in simplified script (non-Han text untouched), with the map back to `text`.

    患者為男性，56歲 → 患者为男性，56岁, and `to_original(9, 10)` of 岁 is the span of 歲.
    """
    config = choose_config(text, config)
    try:
        converted = converter(config).convert(text)
    except UnicodeEncodeError:  # lone surrogates from a damaged decode: characters only
        converted = text.translate(character_table(config))
    if len(converted) == len(text):
        # Phrases of the same length map position to position. (A text where one phrase grows
        # and another shrinks by as much would also land here; OpenCC's t2s tables have no
        # length-changing phrases at all, and the regional ones very few.)
        return SimplifiedText(converted, text)
    return _align(text, text.translate(character_table(config)), converted)


def simplify(text: str, *, config: str = DEFAULT_CONFIG) -> str:
    """Just the simplified text (query words, dictionary keys), no offset map."""
    if not _HAN_RE.search(text):
        return text
    config = choose_config(text, config)
    try:
        return converter(config).convert(text)
    except UnicodeEncodeError:
        return text.translate(character_table(config))


def lookup_key(text: str) -> str:
    """The key under which names are indexed and looked up, in either language: NFKC (full-width
    letters and digits become ASCII), simplified script, case folded, runs of whitespace made one
    space and spaces beside a Han character dropped ("IgA 肾病" = "IgA肾病" = "ｉｇａ腎病")."""
    if text.isascii():
        # NFKC leaves ASCII as it is and there is no Han character to convert or to space: the
        # shortcut that most names of the MONDO and HPO indexes take (~150,000 per cold build).
        return " ".join(text.casefold().split())  # split() and \s know the same whitespace
    key = unicodedata.normalize("NFKC", text)
    key = simplify(key).casefold()
    key = _WHITESPACE_RE.sub(" ", key).strip()
    return _SPACE_NEXT_TO_HAN_RE.sub("", key)


def lookup_keys(texts: list[str]) -> list[str]:
    """`[lookup_key(text) for text in texts]`, with one OpenCC call for all the texts that need the
    same configuration (joined by newlines, which no dictionary phrase crosses) instead of one call
    a text: a name index keys tens of thousands of labels. A text holding a newline, or a batch
    OpenCC cannot convert, is keyed on its own."""
    keys: list[str | None] = [None] * len(texts)
    groups: dict[str, list[tuple[int, str]]] = {}
    for i, text in enumerate(texts):
        if text.isascii() or "\n" in text:
            keys[i] = lookup_key(text)
            continue
        normalised = unicodedata.normalize("NFKC", text)
        if not _HAN_RE.search(normalised) or "\n" in normalised:
            keys[i] = lookup_key(text)
            continue
        groups.setdefault(choose_config(normalised), []).append((i, normalised))
    for config, members in groups.items():
        try:
            converted = converter(config).convert("\n".join(text for _, text in members)).split("\n")
        except UnicodeEncodeError:
            converted = []
        if len(converted) != len(members):  # not one line a text: convert them one by one
            converted = [simplify(text) for _, text in members]
        for (i, _), simplified in zip(members, converted, strict=True):
            key = _WHITESPACE_RE.sub(" ", simplified.casefold()).strip()
            keys[i] = _SPACE_NEXT_TO_HAN_RE.sub("", key)
    return keys  # type: ignore[return-value] - every position is filled above


__all__ = [
    "AUTO",
    "CONFIGS",
    "DEFAULT_CONFIG",
    "SimplifiedText",
    "character_table",
    "choose_config",
    "converter",
    "is_traditional",
    "lookup_key",
    "lookup_keys",
    "script_counts",
    "simplify",
    "to_simplified",
]
