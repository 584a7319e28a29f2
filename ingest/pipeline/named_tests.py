"""Part of the measurement stage: results of tests the vocabulary does not know, named by their
own words up to a head word the report language gives (`NAMED_TEST_RESULT_RE`): "新斯的明试验阳性"
(the neostigmine test, positive), "冰敷试验（+）", "外斐反应阴性". `measurements.py` calls it last,
with the spans it has already read."""

from __future__ import annotations

import re
from collections.abc import Callable

from vocab import languages

from .document import Doc, Patient
from .structure import Sentence
from .unnamed_results import record_result
from .vocabulary import ANALYTE

# The words of a test's name before its head word: letters, digits, hyphens.
_NAME_BEFORE = re.compile(r"[^\W_][\w-]{0,9}$")


def named_test_results(
    doc: Doc,
    sentence: Sentence,
    patient: Patient,
    known: list[tuple[int, int]],
    onset_at: Callable[[int], str | None],
) -> list[tuple[int, int]]:
    """Results of tests the vocabulary does not know, named by their own words up to a head word
    (`NAMED_TEST_RESULT_RE`: 新斯的明试验阳性, 冰敷试验（+）): the analyte is those words as
    written, the evidence the result. Results another reading took are left alone."""
    lang = languages.get(doc.language)
    pattern = lang.NAMED_TEST_RESULT_RE
    if pattern is None:
        return []
    s0, s1 = sentence.start, sentence.end
    found: list[tuple[int, int]] = []
    for rm in pattern.finditer(doc.text, s0, s1):
        kind = rm.lastgroup
        a, b = rm.span(kind)
        if any(x < b and a < y for x, y in known):
            continue
        words = _NAME_BEFORE.search(doc.text, max(s0, rm.start() - 10), rm.start())
        if words is None:
            continue
        lead = lang.NAMED_TEST_LEAD_RE.match(words.group(0)) if lang.NAMED_TEST_LEAD_RE else None
        n0 = words.start() + (lead.end() if lead else 0)
        head_end = rm.end("head")  # the head word is part of the name: 试验, 反应
        if rm.start() <= n0 or any(
            m.kind == ANALYTE and m.start < head_end and n0 < m.end for m in doc.mentions
        ):
            continue  # no words of its own, or a test the vocabulary knows (read by the stage before)
        record_result(
            doc,
            patient,
            found,
            onset_at,
            (a, b),
            doc.text[n0:head_end],
            None,
            None,
            None,
            kind,
            analyte_span=(n0, head_end),
        )
    return found
