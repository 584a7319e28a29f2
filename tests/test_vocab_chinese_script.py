"""Traditional → simplified conversion (OpenCC) with offsets back into the original text."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vocab.languages.chinese_script import (
    character_table,
    is_traditional,
    lookup_key,
    script_counts,
    simplify,
    to_simplified,
)

TRADITIONAL_SENTENCE = "患者為男性，56歲，發燒三天"


def test_traditional_sentence_converts_with_offsets_into_the_original():
    converted = to_simplified(TRADITIONAL_SENTENCE)
    assert converted.text == "患者为男性，56岁，发烧三天"
    assert converted.changed and converted.offsets_preserved
    start = converted.text.index("岁")
    original_start, original_end = converted.to_original(start, start + 1)
    assert TRADITIONAL_SENTENCE[original_start:original_end] == "歲"
    fever = converted.text.index("发烧")
    span = converted.to_original(fever, fever + 2)
    assert TRADITIONAL_SENTENCE[slice(*span)] == "發燒"


def test_phrase_that_changes_length_maps_back_to_the_whole_phrase():
    # The Taiwan-idiom configuration rewrites 記憶體 (3 characters) as 内存 (2).
    original = "電腦記憶體不足，患者為男性，56歲"
    converted = to_simplified(original, config="tw2sp")
    assert converted.text == "电脑内存不足，患者为男性，56岁"
    assert not converted.offsets_preserved
    memory = converted.text.index("内存")
    assert original[slice(*converted.to_original(memory, memory + 2))] == "記憶體"
    # Part of a changed phrase widens to all of it rather than pointing at a wrong character.
    assert original[slice(*converted.to_original(memory + 1, memory + 2))] == "記憶體"
    # Everything after the phrase is shifted by the one character it lost.
    age = converted.text.index("岁")
    assert original[slice(*converted.to_original(age, age + 1))] == "歲"
    assert converted.original_index(converted.text.index("电")) == 0
    assert converted.to_original(len(converted.text), len(converted.text)) == (len(original),) * 2


def test_span_outside_the_text_is_refused():
    converted = to_simplified(TRADITIONAL_SENTENCE)
    with pytest.raises(ValueError):
        converted.to_original(0, len(converted.text) + 1)


def test_simplified_text_is_left_as_it_is():
    # tw2s would turn 显著 into 显着 in simplified text; "auto" uses t2s there.
    for text in ("吞咽时疼痛显著，进食困难", "患者为男性，56岁", "No Chinese here."):
        converted = to_simplified(text)
        assert converted.text == text and not converted.changed


def test_taiwan_zhe_is_converted_in_context():
    # t2s alone keeps 著 (钙质沉著 would then miss 钙质沉着); traditional text goes through tw2s.
    assert simplify("鈣質沉著") == "钙质沉着"
    assert simplify("腹痛，接著又有噁心") == "腹痛，接着又有恶心"
    assert simplify("疼痛顯著") == "疼痛显著"


def test_script_detection():
    assert is_traditional(TRADITIONAL_SENTENCE)
    assert not is_traditional("患者为男性，56岁，发烧三天")
    assert not is_traditional("The patient was a 56-year-old man.")
    assert not is_traditional("")
    # One traditional name quoted in a simplified report does not make it traditional.
    assert not is_traditional("患者为男性，诊断为系统性硬化症（見附錄），给予泼尼松治疗后好转")
    traditional, simplified = script_counts(TRADITIONAL_SENTENCE)
    assert traditional == 4 and simplified == 0  # 為 歲 發 燒


def test_character_table_comes_from_opencc():
    table = character_table("t2s")
    assert table[ord("歲")] == "岁" and table[ord("為")] == "为"
    assert ord("岁") not in table and ord("患") not in table
    assert len(table) > 4000


def test_lookup_key_ignores_script_width_case_and_spacing():
    assert lookup_key("鈣質沉著") == lookup_key("钙质沉着") == "钙质沉着"
    assert lookup_key("ＩｇＡ 腎病") == lookup_key("IgA肾病") == "iga肾病"
    assert lookup_key("  Systemic   Sclerosis ") == "systemic sclerosis"


PIECES = ["為", "歲", "發燒", "記憶體", "患者", "，", "56", "a b", "顯著", "頭髮", "乾燥", "。"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20), st.sampled_from(["auto", "t2s", "tw2sp"]))
def test_offset_map_is_monotone_and_inside_the_original(pieces, config):
    original = "".join(pieces)
    converted = to_simplified(original, config=config)
    previous_start = 0
    for index in range(len(converted.text)):
        start, end = converted.to_original(index, index + 1)
        assert 0 <= start < end <= len(original)
        assert start >= previous_start
        previous_start = start
        if converted.text[index] in "，。56ab ":  # untouched characters point at themselves
            assert original[start:end] == converted.text[index]
    if len(converted.text) == len(original):
        assert converted.offsets_preserved


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=20))
def test_lookup_key_of_ascii_text_takes_the_shortcut_to_the_same_key(text):
    # The general path, written out: NFKC, simplified script, case folded, spacing.
    general = unicodedata.normalize("NFKC", text)
    general = re.sub(r"\s+", " ", simplify(general).casefold()).strip()
    assert lookup_key(text) == general
