"""How Chinese case reports state a patient's age and sex (the demographics section of `zh.py`).

Ages: "52岁", "1岁9个月", "6个月大", "3月龄", "20天龄", "生后20天", "三十五岁"; not an age at some
past event ("45岁时发现", "自45岁起"). Sexes: "男，52岁", "患者男", "男性患者", "患者为女性",
"性别：女", "陈先生", "周女士", "男婴", "女童", "孕妇", in mainland and Taiwan/Hong Kong usage (the
text is in simplified script by the time it is read). No Django here.
"""

from __future__ import annotations

import re

# Words for the patient, in mainland and Taiwan/Hong Kong usage (the text is simplified by now).
_PATIENT_WORDS = r"患者|患儿|病人|病患|病者|病童|患童|个案"
# An age: "52岁", "1岁9个月", "6个月大", "3月龄", "20天龄", "生后20天". Not an age at some past event
# ("45岁时发现", "自45岁起", "5岁以前"): the patient's age is the age the report is written at.
_AGE_EVENT = r"(?!\s*(?:\d{1,2}\s*个?月)?\s*大?\s*(?:时|那年|起|以前|以后|之前|之后|开始|前|后))"
AGE_RE = re.compile(
    rf"(\d{{1,3}})\s*(?:周岁|岁)(?:\s*(\d{{1,2}})\s*个?月(?:大)?|(半))?{_AGE_EVENT}"
    rf"|(\d{{1,2}})\s*个?月(?:龄|大|婴儿|患儿|(?=[,，])){_AGE_EVENT}"
    rf"|(\d{{1,3}})\s*(?:天|日)龄|(?:出?生后)\s*(\d{{1,3}})\s*(?:天|日)"
)
# A sex: "男，52岁", "患者男", "男性患者", "患者为女性", "性别：女", "陈先生", "周女士", "男婴", "女童".
SEX_RE = re.compile(
    r"(男|女)(?=[,，、\s]*\d{1,3}\s*(?:周岁|岁))"
    rf"|(?:{_PATIENT_WORDS})[,，\s]*(?:为|是)?\s*(男|女)"
    rf"|(男|女)(?:性)?(?:{_PATIENT_WORDS})"
    r"|性别\s*[:：]?\s*(男|女)"
    r"|(男|女)(?:性|婴|孩|童|宝)"
    r"|[\u4e00-\u9fff](先生|女士|小姐|太太)"
    r"|(妇人|妇女|孕妇|产妇|老妇|老翁|老汉|女子|男子|少女|少妇|男士)"
)
# A sentence that introduces the patient, near its start: "患者，男，58岁，因…", "患儿为一名3岁男孩",
# "女，32岁，…", "58岁男性，…". Where a report marks its case only by record fields ("查体："), the
# case begins here, not at the first field. "多见于40岁以上男性" (a statement about a disease) is none.
_AGE_WORD = r"\d{1,3}\s*(?:周岁|岁|个?月)"
CASE_OPENING_RE = re.compile(
    rf"[^。]{{0,12}}?(?:(?:{_PATIENT_WORDS})[,，\s]*(?:为|是)?\s*(?:一[名位个例])?\s*(?:{_AGE_WORD}|男|女)"
    rf"|(?:男|女)性?[,，、\s]*{_AGE_WORD}"
    rf"|{_AGE_WORD}的?(?:男|女))"
)
# "其母亲李女士", "家属王先生": a title after a relative is the relative's.
_RELATIVE_BEFORE_RE = re.compile(r"(?:母|父|亲|妻|夫|姐|妹|兄|弟|儿|女|家属|陪同|医生|医师)[\u4e00-\u9fff]?$")
_SEX_WORDS = {
    "男": "male",
    "女": "female",
    "先生": "male",
    "女士": "female",
    "小姐": "female",
    "太太": "female",
    "妇人": "female",
    "妇女": "female",
    "孕妇": "female",
    "产妇": "female",
    "老妇": "female",
    "老翁": "male",
    "老汉": "male",
    "女子": "female",
    "男子": "male",
    "少女": "female",
    "少妇": "female",
    "男士": "male",
}
# An age in Chinese numerals ("三十五岁", "六十岁"), as some narratives write it.
_CHINESE_AGE_RE = re.compile(rf"([一二两三四五六七八九十百零]{{1,6}})\s*(?:周岁|岁){_AGE_EVENT}")
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(numeral: str) -> int | None:
    """一百零二 -> 102, 三十五 -> 35, 十二 -> 12; None for what is no number below 1000."""
    total, digit = 0, None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in ("十", "百"):
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
        else:
            return None
    total += digit or 0
    return total or None


def find_age(chunk: str) -> tuple[float, int, int] | None:
    """(age in years, start, end) of the first age `chunk` states, or None."""
    m = AGE_RE.search(chunk)
    numeral = _CHINESE_AGE_RE.search(chunk)
    if numeral and (not m or numeral.start() < m.start()):
        years = chinese_number(numeral.group(1))
        if years is not None and years < 130:
            return float(years), numeral.start(), numeral.end()
    if not m:
        return None
    if m.group(1):
        # "1岁9个月", "1岁半" (a year and a half)
        years = float(m.group(1)) + (float(m.group(2)) / 12 if m.group(2) else 0.5 if m.group(3) else 0)
    elif m.group(4):
        years = round(float(m.group(4)) / 12, 2)
    else:
        years = round(float(m.group(5) or m.group(6)) / 365, 3)
    return round(years, 2), m.start(), m.end()


def find_sex(chunk: str) -> tuple[str, int, int] | None:
    """("female" | "male", start, end) of the first sex `chunk` states, or None."""
    for m in SEX_RE.finditer(chunk):
        group = next(i for i, g in enumerate(m.groups(), 1) if g)
        word = m.group(group)
        if len(word) == 2 and _RELATIVE_BEFORE_RE.search(chunk, max(0, m.start() - 4), m.start()):
            continue
        return _SEX_WORDS[word], m.start(group), m.end(group)
    return None


__all__ = ["AGE_RE", "CASE_OPENING_RE", "SEX_RE", "chinese_number", "find_age", "find_sex"]
