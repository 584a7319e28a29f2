"""Stage: assertions. Whether a mention is negated, about a relative, uncertain or historical.

ConText-style, in every language the registry reads.

A cue governs the mentions after it (or, for post-cues such as "was negative" / 阴性, the mention
just before it) up to a scope boundary: the sentence end, a clause break in Chinese (，；), or a
terminating word ("but", "however", 但). The cue lists are generic clinical phrasing, not copied from
any one report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ----------------------------------------------------------------- English
_EN_PSEUDO = r"no (?:change|further|longer|significant change|increase|decrease)|not only|without (?:difficulty|delay|complications? (?:during|after))|no doubt|not necessarily|gram[- ]negative|gram[- ]positive"  # noqa: E501 - a pattern reads best on one line
_EN_NEG_PRE = (
    r"no|not|without|denie[sd]|denying|negative for|absence of|absent|free of|ruled out|rule out|"
    r"no evidence of|no signs? of|no history of|never|neither|nor|none|non|lack of|lacked|lacking|"
    r"exclusion of|excluded|exclude|unremarkable for|no complaints? of|did not|does not|was not|were not|"
    r"cannot be seen|failed to (?:show|reveal|demonstrate)"
)
_EN_NEG_POST = (
    r"(?:was|were|is|are|being|been|came back|tested|proved|remained)?\s*(?:all\s+|also\s+|both\s+)?"
    r"(?:negative|absent|ruled out|excluded|not (?:seen|found|detected|observed|present|identified|noted)|"
    r"unremarkable|within normal limits|normal)"
)
# A causal link ends the scope: "was not tolerated secondary to hypotension" does not negate hypotension.
_EN_TERMINATORS = (
    r"but|however|although|though|except|apart from|aside from|which|whereas|while|yet|who|presented|developed|"  # noqa: E501 - a pattern reads best on one line
    r"showed|revealed|demonstrated|complained|secondary to|due to|because of|caused by|owing to|resulting in|led to"  # noqa: E501 - a pattern reads best on one line
)
_EN_FAMILY = r"family history|mother|father|sister|brother|sibling|siblings|son|daughter|aunt|uncle|grandmother|grandfather|cousin|parents|relatives?|maternal|paternal"  # noqa: E501 - a pattern reads best on one line
_EN_UNCERTAIN = r"possible|possibly|probable|probably|suspected|suspicion of|suspicious (?:for|of)|likely|may|might|could|questionable|query|cannot be excluded|differential diagnos[ie]s|to rule out|consider(?:ed)?|concern for|versus|vs"  # noqa: E501 - a pattern reads best on one line
_EN_HISTORY = r"history of|previous|previously|prior|past|former|years? ago|months? ago|had been diagnosed"

# ----------------------------------------------------------------- Chinese
# Words that contain a negation character without negating anything ("肌无力" is weakness).
_ZH_PSEUDO = (
    r"无明显诱因|无诱因|无明显原因|无明显变化|未再|无新增|不详|无特殊|无力|不适|不全|不良|不齐|不规则|"
    r"不能|不典型|不明|不清|未分化|无菌|无痛性|不对称|不稳定|不佳"
)
_ZH_NEG_PRE = r"无|未见|未闻及|未触及|未发现|未出现|未|否认|不伴|未予|没有|排除|非|不"
_ZH_NEG_POST = r"阴性|\(-\)|（-）|未见异常|未见明显异常|不明显|正常"
_ZH_TERMINATORS = r"但|而|然而|后|出现|伴有"
_ZH_FAMILY = r"家族史|家族中|其母|其父|母亲|父亲|姐姐|哥哥|弟弟|妹妹|兄弟|姐妹|子女|儿子|女儿|祖父|祖母|外祖"
_ZH_UNCERTAIN = r"疑似|可疑|可能|待排|不除外|不能排除|鉴别|考虑为|倾向"
_ZH_HISTORY = r"既往|曾|病史|年前|个月前|多年"


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w])", re.I)


EN = {
    "pseudo": _words(_EN_PSEUDO),
    "neg": _words(_EN_NEG_PRE),
    "post": re.compile(rf"^[\s,]*(?:\([^)]{{0,30}}\)\s*)?{_EN_NEG_POST}\b", re.I),
    "term": _words(_EN_TERMINATORS),
    "family": _words(_EN_FAMILY),
    "uncertain": _words(_EN_UNCERTAIN),
    "history": _words(_EN_HISTORY),
}
ZH = {
    "pseudo": re.compile(_ZH_PSEUDO),
    "neg": re.compile(_ZH_NEG_PRE),
    "post": re.compile(rf"^\s*(?:[(（][^)）]{{0,20}}[)）])?\s*(?:均|为|呈|亦|也)?(?:{_ZH_NEG_POST})"),
    "term": re.compile(_ZH_TERMINATORS),
    "family": re.compile(_ZH_FAMILY),
    "uncertain": re.compile(_ZH_UNCERTAIN),
    "history": re.compile(_ZH_HISTORY),
}

_EN_LIST_POST = re.compile(
    r"^(?P<items>(?:(?:\s*(?:,|\band\b|\bor\b|\bnor\b|\([^)]{0,20}\)))+\s*[\w'/-]+(?:\s+[\w'/-]+){0,5})+?)"
    r"\s*,?\s*(?:were|was|are|is|have been|had been)\s+(?:all\s+|also\s+|both\s+)?"
    r"(?:ruled out|excluded|not (?:observed|seen|found|detected|present|noted|identified|evident)|absent|negative)\b",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
# A verb, or "and the …", starts a new clause: "He had fever, and the cultures were negative."
_LIST_BREAKERS = re.compile(
    r"\b(?:was|were|is|are|had|has|have|which|that|but|who|showed|revealed)\b"
    r"|(?:,|\band|\bor)\s+(?:the|a|an|his|her|their|its|this|these|all|he|she|they)\b",
    re.I,
)

# How far a pre-negation reaches: English words, Chinese characters.
EN_NEG_WORDS = 8
ZH_NEG_CHARS = 14
_CLAUSE_BREAK_ZH = re.compile(r"[,，;；:：。]")
_CLAUSE_BREAK_EN = re.compile(r"[;:]|\.\s")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(slots=True)
class Assertion:
    negated: bool = False
    family: bool = False
    uncertain: bool = False
    historical: bool = False


def _masked(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def assertion_of(sentence: str, start: int, end: int, language: str, *, post: bool = True) -> Assertion:
    """The assertion of the mention at [start, end) of `sentence` (offsets relative to the sentence)."""
    cues = ZH if language == "zh" else EN
    # Cues act within a clause: a bounded window keeps the cost per mention constant.
    before = sentence[max(0, start - 160) : start]
    after = sentence[end : end + 200]
    ctx = Assertion()
    # The pre-cue scope: back to the last clause break (Chinese) or terminator (both).
    if language == "zh":
        breaks = [m.end() for m in _CLAUSE_BREAK_ZH.finditer(before)]
        scope_start = breaks[-1] if breaks else 0
    else:
        breaks = [m.end() for m in _CLAUSE_BREAK_EN.finditer(before)]
        scope_start = breaks[-1] if breaks else 0
    for m in cues["term"].finditer(before, scope_start):
        scope_start = max(scope_start, m.end())
    scope = before[scope_start:]
    pseudo = _masked(cues["pseudo"], scope)
    # Only the nearest real cue matters: a farther one has a longer gap to the mention.
    nearest = None
    for m in cues["neg"].finditer(scope):
        if not any(a <= m.start() < b for a, b in pseudo):
            nearest = m
    if nearest is not None:
        gap = scope[nearest.end() :]
        if language == "zh":
            ctx.negated = len(gap) <= ZH_NEG_CHARS
        else:
            ctx.negated = len(_WORD.findall(gap)) <= EN_NEG_WORDS
    if not ctx.negated and post:
        tail = after[:40]
        if language != "zh":
            tail = re.split(r"[;:]|\bbut\b|\band\b(?= (?:a|an|the|he|she|his|her) )", tail)[0]
        if cues["post"].search(tail):
            ctx.negated = True
    if not ctx.negated and post and language != "zh":
        # "Patent foramen ovale (PFO), atrial septal defect and anomalous veins were ruled out":
        # a post-cue after a list reaches back over every item of it.
        lm = _EN_LIST_POST.match(after[:160])
        if lm and not _LIST_BREAKERS.search(lm.group("items")):
            ctx.negated = True
    family = [m for m in cues["family"].finditer(before[-60:])]
    # "his 8-year-old sister had fever" in a case series: the relative is a patient of the report.
    ctx.family = any(
        not re.search(r"(?:year|month|week)s?[- ]old\s+$|岁的?$", before[-60:][: m.start()][-20:])
        for m in family
    )
    ctx.uncertain = bool(cues["uncertain"].search(scope[-50:]))
    ctx.historical = bool(cues["history"].search(before[-40:]))
    return ctx
