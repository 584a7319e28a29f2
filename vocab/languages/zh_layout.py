"""How a Chinese case report is laid out: line breaks a PDF put inside sentences, headings and
the fields of a medical record (the normalise and structure sections of `zh.py`).

Headings in Chinese journals: "1 病例资料", "2 讨论", "参考文献", "【病例摘要】", "个案报告"; record
fields ("现病史：", "主诉：", "入院查体：") that open the case part of a report. The text is in
simplified script by the time these are read. No Django here.
"""

from __future__ import annotations

import re

from ._common import CASE, CASE_FIELD, DISCUSSION, INTRO, REFERENCES
from .zh_demographics import CASE_OPENING_RE

# CJK Unified Ideographs, Extension A and the compatibility ideographs (not the Yijing symbols
# between A and the main block, which are no words); `zh.HAN_CHARS` is this.
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# The fields of a Chinese medical record, as labels ("主诉：", "入院诊断："). A line that starts
# with one (after at most four characters of qualifier: "转入ICU时查体：") or with a bracketed
# heading starts a sentence of its own; a PDF line break inside a word ("实验\n室检查：") does not.
_RECORD_FIELDS = (
    r"病人资料|患者资料|一般资料|一般情况|记录日期|就诊日期|入院日期|出院日期|主诉|现病史|既往史|个人史|"
    r"婚育史|月经史|家族史|体格检查|查体|专科检查|实验室检查|辅助检查|影像学检查|病理检查|化验结果|"
    r"检查结果|诊断|诊断依据|鉴别诊断|治疗|治疗经过|诊疗经过|处理|转归|随访|预后|讨论|求诊原因|就诊原因|"
    # a labelled summary or data block after the title: "病史摘要：", "病例资料：", "病例介绍："
    r"摘要|资料|介绍|简介"
)
_FIELD_START = re.compile(rf"[【〔]|[{HAN_CHARS}A-Za-z]{{0,4}}(?:{_RECORD_FIELDS})\s*[:：]")


def _join_unless_heading(match: re.Match[str]) -> str:
    """A PDF line break inside a Chinese sentence goes; the break after a short heading line
    ("临床资料", "例1") or before a bracketed heading ("【讨论】") stays, so that a heading neither
    runs into the first sentence of its section nor into the line before it (a title), and a line
    that starts with a record field ("病人资料：", "主诉：") starts a sentence of its own."""
    text = match.string
    line_start = text.rfind("\n", 0, match.start()) + 1
    previous = text[line_start : match.start()].strip()
    if _HEADING_LINE.fullmatch(previous):
        return "\n"
    line_end = text.find("\n", match.end())
    if _HEADING_LINE.fullmatch(text[match.end() : line_end if line_end != -1 else len(text)].strip()):
        return "\n"  # the next line is a heading: the line before it (a title) ends here
    if _FIELD_START.match(text, match.end()):
        return "\n"  # the next line opens a bracketed heading or a record field ("主诉：")
    if CASE_OPENING_RE.match(text, match.end(), match.end() + 30):
        return "\n"  # the next line introduces the patient ("患儿，女，6岁"): the line before is a title
    return ""


# A Chinese sentence broken across lines by the PDF: no real break between two CJK characters
# (or a CJK character and a digit/letter), and no space inside a Chinese word either.
_LATIN_BREAK_RE = re.compile(r"(?<=[A-Za-z,;])[ \t]*\n[ \t\n]*(?=[A-Za-z(])")
# In Chinese text a line break that does not follow a sentence end is a PDF artefact.
_CJK_BREAK_RE = re.compile(r"(?<=[^。！？!?:\n])[ \t]*\n[ \t\n]*")
_CJK_SPACE_RE = re.compile(
    rf"(?<=[{HAN_CHARS}])[ \t]+(?=[{HAN_CHARS}])|(?<=[{HAN_CHARS}])[ \t]+(?=[A-Za-z0-9(])|(?<=[A-Za-z0-9)])[ \t]+(?=[{HAN_CHARS}])"  # noqa: E501 - a pattern reads best on one line
)
LINE_REPAIRS = [(_LATIN_BREAK_RE, " "), (_CJK_BREAK_RE, _join_unless_heading), (_CJK_SPACE_RE, "")]

# Headings in Chinese journals: "1 病例资料", "2 讨论", "参考文献", "【病例摘要】"; they may run into
# the first sentence of the section after PDF extraction, so no end-of-line anchor. Record fields
# that only a patient's record has (现病史：, 主诉：, 入院查体：) also open the case part, but only
# written as a field (a colon or a bracket after them): "体格检查可见…" in a discussion is prose.
_CASE_TITLES = (
    r"(?:病例|个案|案例)(?:资料|报告|介绍|摘要|报道|简介|描述)|病历摘要|病史摘要|临床资料|一般资料|"
    r"(?:患者|病人|患儿)(?:一般)?资料"
)
_CASE_FIELDS = (
    r"一般情况|现病史|主诉|既往史|个人史|(?:入院|入科|入院时)?(?:体格检查|查体)|"
    r"求诊原因|就诊原因|发病经过|诊疗经过"
)
_HEADINGS = [
    # "病例：", "【病例】" announce the case as a title does; a record field may follow its opening.
    (CASE, rf"{_CASE_TITLES}|病例(?=\s*[:：】\]])"),
    (CASE_FIELD, rf"(?:{_CASE_FIELDS})(?=\s*[:：】\]])"),
    (DISCUSSION, r"讨论|文献复习|文献回顾|小结|结论|结语"),
    (REFERENCES, r"参考文献"),
    # What a report says about the disease in general, not about its patient: an introduction
    # before the case, a background box after it ("疾病简介"); neither is read as the case.
    (INTRO, r"引言|前言|摘要|背景|(?:疾病|病因)?(?:简介|概述)"),
]
_HEADING_ALTERNATIVES = "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _HEADINGS)
# A numbered heading ("2 讨论") may be glued to whatever the PDF put before it; an unnumbered one
# must start a line or follow a sentence end; a bracketed one ("【讨论】") may stand anywhere.
HEADING_RE = re.compile(
    rf"(?:(?<![\d.])[0-9一二三四]{{1,2}}[.、\s]?\s*|(?:^|(?<=[\n。]))\s*[【\[〔]?\s*|[【〔]\s*)"
    rf"(?:{_HEADING_ALTERNATIVES})(?![\u4e00-\u9fff]{{0,1}}(?:的|了|中|后|时))"
)
# A line that is only a heading or a case-series marker ("临床资料", "【讨论】", "例1："): the line
# break after it is kept by the normalise stage (`_join_unless_heading`).
_HEADING_LINE = re.compile(
    rf"(?:[0-9一二三四]{{1,2}}[.、\s]*)?[【\[〔]?\s*(?:{_HEADING_ALTERNATIVES}|"
    r"(?:例|病例|患者|患儿)\s*[0-9一二三四五六七八九十]{1,2})\s*[】\]〕]?\s*[:：]?"
)


__all__ = ["HEADING_RE", "LINE_REPAIRS"]
