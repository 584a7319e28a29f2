"""Property: any Unicode text gives a valid record whose evidence indexes the text exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.pipeline import PARSER_VERSION, extract

# Text that looks a little like a report, so that the property also reaches the fact extractors,
# mixed with arbitrary code points (surrogates excluded: a Python str from a decoder has none).
_WORDS = st.sampled_from(
    [
        "患者",
        "女",
        "男",
        "40岁",
        "４０岁",
        "发热",
        "无",
        "未见",
        "阴性",
        "阳性",
        "泼尼松",
        "60mg",
        "６０ｍｇ",
        "口服",
        "1次/d",
        "１次／ｄ",
        "地尔硫艹卓",
        "讨论",
        "\n",
        "\n\n",
        "·2541·",
        "图1",
        "，",
        "。",
        "、",
        "A",
        "45-year-old",
        "woman",
        "man",
        "no",
        "fever",
        "denied",
        "ANA",
        "was",
        "negative",
        "prednisone",
        "20 mg",
        "daily",
        "(",
        ")",
        "CRP",
        "12 mg/L",
        "↑",
        "Case 2:",
        "Discussion",
        ".",
        " ",
        "-",
        "\ue011",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_WORDS, st.text(max_size=5)), max_size=80).map("".join),
)


def _facts(record: dict):
    for patient in record["patients"]:
        if patient.get("age"):
            yield patient["age"]
        for kind in ("features", "diagnoses", "measurements", "treatments", "outcomes"):
            yield from patient[kind]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_never_raises_and_evidence_indexes_the_text(text):
    record = extract(text)
    assert "error" not in record, record.get("error")
    assert record["parser_version"] == PARSER_VERSION
    assert record["language"] in ("zh", "en", "und")
    for fact in _facts(record):
        ev = fact["evidence"]
        assert 0 <= ev["start"] < ev["end"] <= len(text)
        assert text[ev["start"] : ev["end"]] == ev["text"]
