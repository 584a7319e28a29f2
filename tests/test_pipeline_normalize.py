"""Normalisation keeps a map back to the original text; language detection; sections."""

from __future__ import annotations

import pytest

from ingest.pipeline.normalize import normalise
from ingest.pipeline.structure import CASE, DISCUSSION, INTRO, layout, split_sentences
from vocab.languages import detect_language


def _round_trip(original: str, needle: str) -> dict:
    norm = normalise(original, language=detect_language(original))
    i = norm.text.index(needle)
    ev = norm.evidence(i, i + len(needle))
    assert original[ev["start"] : ev["end"]] == ev["text"]
    return ev


def test_full_width_digits_letters_and_units_become_ascii():
    original = "患者男，５２岁，口服甲泼尼龙８ｍｇ／ｄ。"
    norm = normalise(original, language="zh")
    assert "52岁" in norm.text and "8mg/d" in norm.text
    assert _round_trip(original, "52岁")["text"] == "５２岁"


def test_split_glyph_is_repaired_and_maps_to_both_source_characters():
    original = "予地尔硫艹卓３０ｍｇ口服"
    ev = _round_trip(original, "地尔硫䓬")
    assert ev["text"] == "地尔硫艹卓"


def test_chinese_words_broken_across_lines_are_joined():
    original = "红细胞沉降\n\n率５０ｍｍ／１ｈ，\n\n尿蛋白（＋）"
    norm = normalise(original, language="zh")
    assert "红细胞沉降率50mm/1h" in norm.text
    assert _round_trip(original, "沉降率")["text"] == "沉降\n\n率"


def test_page_numbers_and_figure_captions_are_dropped():
    original = "双下肢水肿。\n\n·２５４１·\n 图１　双前臂皮肤钙盐沉积\n\n实验室检查：正常。"
    norm = normalise(original, language="zh")
    assert "2541" not in norm.text
    assert "双前臂" not in norm.text
    assert "实验室检查" in norm.text


def test_english_hyphenation_at_line_end_is_undone():
    original = "The patient received methyl-\nprednisolone."
    norm = normalise(original, language="en")
    assert "methylprednisolone" in norm.text


def test_private_use_glyphs_are_dropped():
    norm = normalise("抗Ｊｏ\ue0111抗体阴性", language="zh")
    assert "抗Jo1抗体阴性" in norm.text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("患者女，40岁，因发热1周入院。", "zh"),
        ("A 40-year-old woman presented with fever.", "en"),
        ("患者（Raynaud phenomenon）双手遇冷发白。", "zh"),
        ("The drug 泼尼松 (prednisone) was given for three weeks to the patient.", "en"),
        ("", "und"),
        ("12345 ... !!!", "und"),
    ],
)
def test_language_detection(text, language):
    assert detect_language(text) == language


def test_sentences_do_not_split_on_abbreviations():
    text = "She was seen by Dr. Smith. Fig. 2 shows the lesion. It resolved."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "She was seen by Dr. Smith.",
        "Fig. 2 shows the lesion.",
        "It resolved.",
    ]


def test_sections_case_then_discussion_in_chinese():
    text = "1病例资料患者女,40岁。2讨论本病多见于女性。"
    sentences, n = layout(text, "zh")
    kinds = [(text[s.start : s.end], s.section) for s in sentences]
    assert n == 1
    assert kinds[0][1] == CASE
    assert kinds[-1][1] == DISCUSSION


def test_sections_in_english_with_introduction():
    text = (
        "Introduction\nLupus is common.\nCase report\nA 30-year-old woman had fever.\n"
        "Discussion\nFever is frequent."
    )
    sentences, _ = layout(text, "en")
    by_text = {text[s.start : s.end]: s.section for s in sentences}
    assert by_text["Lupus is common."] == INTRO
    assert by_text["A 30-year-old woman had fever."] == CASE
    assert by_text["Fever is frequent."] == DISCUSSION


def test_case_series_markers_give_patients():
    text = "Case 1: A 30-year-old man had fever.\nCase 2: A 45-year-old woman had a rash."
    sentences, n = layout(text, "en")
    assert n == 2
    assert [s.patient for s in sentences] == [0, 1]


def test_without_a_case_heading_the_abstract_is_read_as_the_case():
    text = "Abstract\nA 30-year-old woman had fever.\nDiscussion\nFever is frequent."
    sentences, _ = layout(text, "en")
    assert [s.section for s in sentences] == [CASE, CASE, DISCUSSION, DISCUSSION]


def test_a_title_line_stays_apart_from_the_patient_it_introduces():
    # no sentence end after a title: the line break before "患儿，女，6岁" is still the title's end,
    # so the history under it is the case, not the title's introduction
    from ingest.pipeline import extract

    text = (
        "戈谢病1型1例报告并文献复习\n\n"
        "患儿，女，6岁，因腹部膨隆1年就诊。2个月前出现面色苍白、乏力及鼻出血。\n"
        "体格检查：贫血貌，脾肋下8 cm。\n"
    )
    codes = {f["code"] for f in extract(text)["patients"][0]["features"]}
    assert {"HP:0003270", "HP:0000980", "HP:0012378", "HP:0000421", "HP:0001744"} <= codes
