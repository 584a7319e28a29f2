"""Text normalisation that remembers where every character came from.

Reports arrive as PDF extractions: full-width digits and letters (`４０ｍｇ`), glyphs split in two
(`地尔硫艹卓` for 地尔硫䓬), Chinese words broken across lines, page numbers, running heads and figure
captions between the sentences. The matchers want clean text; the registry wants evidence offsets
into the text as stored. So every rewrite here keeps two arrays, `starts[i]` and `ends[i]`: the
original span that normalised character *i* came from. A normalised span [a, b) maps back to the
original [starts[a], ends[b-1]), which always lies inside the original text.

What depends on the script comes from the language modules (`vocab/languages/`): their glyph
repairs (applied to every report) and their line handling (`LINE_REPAIRS`, for the report's
language: Chinese joins lines a PDF broke inside a sentence).

Traditional Chinese script is converted to simplified (OpenCC, `vocab.languages.chinese_script`)
right after the character-level repairs, so every later pass, the vocabulary and every cue see one
script (歲 → 岁, 診斷為 → 诊断为). The converter keeps its own map back to the text it was given;
`_convert_script` composes it with ours, so evidence still points into the text as stored even
where a phrase changed length.

Every pass is a regular-expression substitution over the whole text (linear time, C speed for the
untouched stretches), so a 10 MB input costs seconds, not minutes.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from vocab import languages
from vocab.languages import chinese_script

# PDF glyph repairs of every script: a report in one language may quote names in another.
GLYPH_REPAIRS: dict[str, str] = languages.merged("GLYPH_REPAIRS")


@dataclass(slots=True)
class Normalised:
    """Normalised text plus the map back to the original."""

    original: str
    text: str
    starts: array  # array('l'): 8 bytes a character, not a Python int object each
    ends: array

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) for the normalised span [start, end)."""
        if not self.text:
            return 0, 0
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return self.starts[start], self.ends[end - 1]

    def evidence(self, start: int, end: int) -> dict:
        a, b = self.span(start, end)
        return {"start": a, "end": b, "text": self.original[a:b]}


Replacement = Callable[[re.Match[str]], str]


def _rewrite(norm: Normalised, pattern: re.Pattern[str], repl: str | Replacement) -> None:
    """Substitute in place, keeping the offset maps aligned.

    A replacement's characters all inherit the original span of the whole match, except when the
    replacement has the same length as the match, where the character-wise alignment is kept.
    """
    text, starts, ends = norm.text, norm.starts, norm.ends
    pieces: list[str] = []
    new_starts = array("l")
    new_ends = array("l")
    last = 0
    changed = False
    for match in pattern.finditer(text):
        a, b = match.span()
        new = repl if isinstance(repl, str) else repl(match)
        if new == match.group(0):
            continue
        changed = True
        pieces.append(text[last:a])
        new_starts.extend(starts[last:a])
        new_ends.extend(ends[last:a])
        if len(new) == b - a:
            new_starts.extend(starts[a:b])
            new_ends.extend(ends[a:b])
        elif new and b > a:
            new_starts.extend(array("l", [starts[a]]) * len(new))
            new_ends.extend(array("l", [ends[b - 1]]) * len(new))
        elif new:  # insertion at an empty match: borrow the neighbour's span
            anchor = min(a, len(starts) - 1)
            new_starts.extend(array("l", [starts[anchor]]) * len(new))
            new_ends.extend(array("l", [ends[anchor]]) * len(new))
        pieces.append(new)
        last = b
    if not changed:
        return
    pieces.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    norm.text = "".join(pieces)
    norm.starts = new_starts
    norm.ends = new_ends


def _convert_script(norm: Normalised) -> None:
    """Traditional Chinese script to simplified, composing the converter's offset map with ours.

    Text without a Han character (most English reports) is not touched at all; simplified text
    comes back unchanged from OpenCC's t2s configuration (`chinese_script.choose_config`)."""
    if not languages.has_cjk(norm.text):
        return
    converted = chinese_script.to_simplified(norm.text)
    if not converted.changed:
        return
    if not converted.offsets_preserved:
        # A phrase changed length: converted character j stands for the normalised span
        # [a, b) that `to_original` gives, whose original span is [starts[a], ends[b - 1]).
        starts, ends = norm.starts, norm.ends
        new_starts = array("l", bytes(8 * len(converted.text)))
        new_ends = array("l", bytes(8 * len(converted.text)))
        for j in range(len(converted.text)):
            a, b = converted.to_original(j, j + 1)
            b = max(b, a + 1)
            new_starts[j] = starts[a]
            new_ends[j] = ends[b - 1]
        norm.starts, norm.ends = new_starts, new_ends
    norm.text = converted.text


# Beyond NFKC: curly quotes, dashes and no-break spaces as plain ASCII ("70–year–old"), one
# character for one so offsets stay aligned.
_FOLD = {
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "−": "-",
}


@lru_cache(maxsize=1)
def _nfkc_pattern() -> re.Pattern[str]:
    """A character class of every BMP character that NFKC (or our quote folding) changes.

    Built once (~50 ms); then ASCII text and plain Chinese text pass untouched at regex speed and
    only full-width forms, ligatures and the like go through the Python callback.
    """
    changed = [
        chr(cp)
        for cp in range(0x80, 0x10000)
        if not 0xD800 <= cp <= 0xDFFF and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]
    changed += list(_FOLD)
    return re.compile("[" + "".join(re.escape(c) for c in changed) + "]")


def _nfkc(match: re.Match[str]) -> str:
    char = match.group(0)
    out = unicodedata.normalize("NFKC", char)
    return _FOLD.get(out, out)


_GLYPH_RE = re.compile(languages.literal_alternatives(GLYPH_REPAIRS))
# Private-use code points are glyphs a PDF font mapped nowhere (often a hyphen: "Jo\ue0111");
# their meaning is unknown, so they are dropped rather than guessed.
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
# Lines that are only a page number (·2541·, - 12 -, 12) or a figure/table caption.
_PAGE_NUMBER_RE = re.compile(r"(?m)^[ \t]*[·\-–—•]?[ \t]*\d{1,5}[ \t]*[·\-–—•]?[ \t]*$")
_CAPTION_RE = re.compile(
    rf"(?m)^[ \t]*(?:{languages.alternatives('CAPTION_WORDS')})"
    r"[ \t]*\d{1,3}[A-Za-z]?(?:[ \t]|[.:：])[^\n]{0,200}$"
)
# English words hyphenated at a line end: "treat-\nment".
_HYPHEN_BREAK_RE = re.compile(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])")
_SPACES_RE = re.compile(r"[ \t\r\f\v]{2,}")
_BLANK_LINES_RE = re.compile(r"\n(?:[ \t]*\n)+")


def _running_heads(text: str) -> set[str]:
    """Short lines repeated several times (journal name, author, page header) are running heads."""
    counts = Counter(line.strip() for line in text.splitlines() if 3 <= len(line.strip()) <= 80)
    return {line for line, n in counts.items() if n >= 3 and not line.endswith((".", "。"))}


def normalise(original: str, *, language: str | None = None) -> Normalised:
    """Clean `original` for matching; keep the offset map back to it."""
    norm = Normalised(
        original, original, array("l", range(len(original))), array("l", range(1, len(original) + 1))
    )
    if not original:
        return norm
    _rewrite(norm, _nfkc_pattern(), _nfkc)
    _rewrite(norm, _GLYPH_RE, lambda m: GLYPH_REPAIRS[m.group(0)])
    _convert_script(norm)
    _rewrite(norm, _PRIVATE_USE_RE, "")
    _rewrite(norm, _PAGE_NUMBER_RE, "")
    _rewrite(norm, _CAPTION_RE, "")
    heads = _running_heads(norm.text)
    if heads:
        pattern = re.compile(r"(?m)^[ \t]*(?:" + "|".join(re.escape(h) for h in heads) + r")[ \t]*$")
        _rewrite(norm, pattern, "")
    _rewrite(norm, _HYPHEN_BREAK_RE, "")
    # The script's own line handling (Chinese: PDF line breaks inside sentences); when the
    # language is not known, every language's.
    module = languages.LANGUAGES.get(language or "")
    for lang in (module,) if module else languages.LANGUAGES.values():
        for pattern, replacement in (*lang.LINE_REPAIRS, *lang.NUMBER_REWRITES):
            _rewrite(norm, pattern, replacement)
    _rewrite(norm, _BLANK_LINES_RE, "\n")
    _rewrite(norm, _SPACES_RE, " ")
    return norm
