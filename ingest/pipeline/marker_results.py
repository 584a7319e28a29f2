"""Part of the measurement stage: the markers of an immunohistochemistry or immunophenotype.

"免疫组化：CD20（+），CD3（-），Ki-67约40%", "IHC: CK7 (+), TTF-1 (-)": a marker written in Latin
letters with its result right after it, a sign or a result word, in brackets or not, and for a
proliferation index its share. The vocabulary knows no marker (there are thousands), so the marker
is named as written; only in a passage about staining (`MARKER_CUE_WORDS` in the sentence or in the
sentences it continues over semicolons), so that "维生素C（+）" or a ward's name is no marker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from vocab import languages

from .document import Doc, Patient
from .quantities import QUALIFIERS, parse_number
from .structure import Sentence

_CUE = re.compile(languages.alternatives("MARKER_CUE_WORDS"), re.I)
_POSITIVE = next(p.pattern for label, p in QUALIFIERS if label == "positive")
_NEGATIVE = next(p.pattern for label, p in QUALIFIERS if label == "negative")
# CD20, Ki-67, HER-2, TTF-1, PD-L1, S-100, p53, Bcl-2, c-Myc, HMB-45, Melan-A, CK5/6: a letter, then
# letters and digits, with hyphens or a slash between parts.
# A word's one-letter or numbered variant goes with it: Napsin A, Cyclin D1, Melan A.
_MARKER = (
    r"(?<![A-Za-z0-9+/-])(?P<marker>[A-Za-z][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*"
    r"(?:(?<=[a-z]{3})\s[A-Z0-9]{1,2}(?![A-Za-z0-9]))?)"
)
_SIGN = r"(?P<sign>[1-3]?\+{1,3}|[-−]|±)"
_SHARE = r"(?P<share>\d+(?:\.\d+)?)\s*%"
_RESULT = re.compile(
    _MARKER + r"\s*(?:"
    # "CD20（+）", "ER（+，90%）", "Ki-67（+，约40%）", "HER-2（3+）", "CD3（阴性）"
    rf"[(（]\s*(?:(?:弱|部分|局灶|灶性?|散在)?{_SIGN}|(?P<word>{_POSITIVE}|{_NEGATIVE}))"
    rf"(?:\s*[,，、]\s*[^()（）\d]{{0,4}}{_SHARE})?[^()（）]{{0,12}}[)）]"
    # "Ki-67约40%", "Ki-67阳性率40%", "Ki-67 index 40%"
    r"|(?:阳性率|阳性细胞|增殖指数|指数|index|LI|TPS|CPS)?\s*(?:约|为|:|：)?\s*(?:约)?\s*"
    rf"{_SHARE.replace('share', 'bare')}"
    # "CD56+", "CK7阳性", "TTF-1阴性"
    r"|(?P<bare_sign>\+{1,3}|[-−](?=\s*[,，、;；。)）]))(?![\d+])"
    # "EBER原位杂交阳性", "CK7阳性"
    rf"|(?:原位杂交|ISH)?\s*(?P<bare_word>{_POSITIVE}|{_NEGATIVE})"
    r")",
    re.I,
)
_NEGATIVE_RE = re.compile(_NEGATIVE, re.I)
# A marker right before another in a list: "CD20、" before "CD79a阳性".
_LISTED_BEFORE = re.compile(
    rf"{_MARKER}\s*(?:[、/]|和|及|与|,\s*(?:and\s+)?|\s+(?:and|or)\s+)\s*$",
)
_BACK = 8  # sentences a list of markers may continue over (split at semicolons)


def marker_results(
    doc: Doc,
    sentence: Sentence,
    patient: Patient,
    known: list[tuple[int, int]],
    onset_at: Callable[[int], str | None],
) -> list[tuple[int, int]]:
    """Marker results of one sentence in a passage about staining; the spans they occupy."""
    s0, s1 = sentence.start, sentence.end
    cues = doc.memo.get("marker cues")
    if cues is None:
        # Where the text speaks of staining, found once: most reports never do.
        cues = doc.memo["marker cues"] = [m.start() for m in _CUE.finditer(doc.text)]
    if not cues:
        return []
    first = bisect.bisect_left(cues, _passage_start(doc, sentence))
    if first == len(cues) or cues[first] >= s1:
        return []
    found: list[tuple[int, int]] = []
    for rm in _RESULT.finditer(doc.text, s0, s1):
        a, b = rm.span()
        marker = rm.group("marker")
        if any(x < b and a < y for x, y in known + found) or not re.search(r"[A-Z\d]", marker):
            continue  # a test already read, or a lower-case word ("was", "and"): no marker
        if len(marker) < 2:
            continue  # "A（+）" alone is a letter, not a marker
        sign = rm.group("sign") or rm.group("bare_sign")
        word = rm.group("word") or rm.group("bare_word")
        share = rm.group("share") or rm.group("bare")
        if sign:
            interpretation = "negative" if sign in "-−" else "positive"
        elif word:
            interpretation = "negative" if _NEGATIVE_RE.fullmatch(word) else "positive"
        else:
            interpretation = None
        fact = {
            "analyte": marker,
            "value": parse_number(share) if share else None,
            "comparator": None,
            "unit": "%" if share else None,
            "interpretation": interpretation,
            "evidence": doc.ev(rm.end("marker"), b),
            "analyte_evidence": doc.ev(rm.start("marker"), rm.end("marker")),
        }
        when = onset_at(a)
        if when:
            fact["when"] = when
        patient.measurements.append(fact)
        found.append((a, b))
        if interpretation is not None:
            # "CD20、CD79a、PAX5阳性", "CK、EMA（+）": the markers listed before share the result (not
            # the share of cells, which is the last marker's).
            start = a
            while (head := _LISTED_BEFORE.search(doc.text, max(s0, start - 30), start)) is not None:
                if any(x < start and head.start() < y for x, y in known + found):
                    break
                earlier = dict(
                    fact,
                    value=None,
                    unit=None,
                    analyte=head.group("marker"),
                    analyte_evidence=doc.ev(head.start("marker"), head.end("marker")),
                )
                patient.measurements.append(earlier)
                found.append((head.start(), head.end()))
                start = head.start()
    return found


def _passage_start(doc: Doc, sentence: Sentence) -> int:
    """Where the passage holding this sentence starts: a marker list runs over semicolons."""
    i = doc.sentence_of(sentence.start)
    start = sentence.start
    for j in range(i - 1, max(-1, i - _BACK), -1):
        previous = doc.sentences[j]
        if not doc.text[previous.start : previous.end].rstrip().endswith((";", "；")):
            break
        start = previous.start
    return start
