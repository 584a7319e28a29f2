"""The report text cut into highlightable segments: exact cover, overlaps, carriage returns."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cases.curation.selectors import EvidenceSpan, text_segments


def span(
    start: int, end: int, fact_id: int = 1, kind: str = "feature", rejected: bool = False
) -> EvidenceSpan:
    return EvidenceSpan(
        kind=kind, fact_id=fact_id, start=start, end=end, label="x", rejected=rejected, curator=False
    )


def test_overlapping_spans_split_into_runs():
    text = "fever and calcinosis cutis"
    segments = text_segments(
        text=text, spans=[span(10, 26, 1), span(10, 20, 2, "diagnosis"), span(0, 5, 3, rejected=True)]
    )
    assert [(s.start, s.text, s.fact_refs) for s in segments] == [
        (0, "fever", "feature-3"),
        (5, " and ", ""),
        (10, "calcinosis", "feature-1 diagnosis-2"),
        (20, " cutis", "feature-1"),
    ]
    assert segments[0].rejected and not segments[2].rejected
    assert segments[2].kinds == "ev-diagnosis ev-feature"


def test_spans_outside_the_text_are_ignored():
    segments = text_segments(text="short", spans=[span(2, 50), span(4, 3)])
    assert [(s.start, s.text, s.spans) for s in segments] == [(0, "short", [])]


@given(
    text=st.text(alphabet=st.sampled_from("ab钙😀\r\n "), max_size=40),
    bounds=st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=6),
)
def test_segments_cover_the_text_exactly(text, bounds):
    spans = [span(min(a, b), max(a, b), i) for i, (a, b) in enumerate(bounds)]
    segments = text_segments(text=text, spans=spans)
    # Every segment sits at its offset; carriage returns are empty segments of their own, so the
    # browser's CRLF normalisation cannot shift the offsets of what follows.
    position = 0
    for segment in segments:
        assert segment.start == position
        if segment.text == "":
            assert text[position] == "\r"
            position += 1
        else:
            assert "\r" not in segment.text
            assert text[position : position + len(segment.text)] == segment.text
            position += len(segment.text)
        for covering in segment.spans:
            assert covering.start <= segment.start and position <= covering.end
    assert position == len(text)
