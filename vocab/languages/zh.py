"""Chinese (simplified and traditional script): detection, script handling, and the cues and
patterns the extraction pipeline reads for it.

Sections follow the pipeline's stages; `__init__.py` lists what each name must be. Names ending in
`_WORDS` are regular-expression alternatives (or dicts of them) that the stages join across all
languages and try on every report; the others are used for Chinese reports only. `None` means
the stage has nothing of the kind to do for Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import en, zh_demographics, zh_layout, zh_wording
from ._common import times_per

CODE = "zh"
NAME = "Chinese"

# ----------------------------------------------------------------- detection and script
# CJK Unified Ideographs, Extension A and the compatibility ideographs (zh_layout.py, which needs
# them first).
HAN_CHARS = zh_layout.HAN_CHARS
HAN_RE = re.compile(f"[{HAN_CHARS}]")


def share(sample: str) -> float:
    """Evidence that `sample` is Chinese: its Han characters (about one English word each)."""
    return float(len(HAN_RE.findall(sample)))


# ----------------------------------------------------------------- normalise
# PDF extractions of Chinese fonts split some rare characters into their components.
GLYPH_REPAIRS: dict[str, str] = {
    "艹卓": "䓬",  # 地尔硫䓬 (diltiazem), 苯二氮䓬 (benzodiazepine)
    "艹频": "蘋",
    "石页": "硕",
}

CAPTION_WORDS = r"图|表"  # a line "图2 …" is a caption, not report text

# A Chinese sentence broken across lines by a PDF is joined, except before a heading or a record
# field (zh_layout.py).
LINE_REPAIRS = zh_layout.LINE_REPAIRS


# A count written with 万 (ten thousand), as Taiwan reports give blood counts: 白血球1.2萬/μL is
# 12000/μL, 血小板15万/μl 150000/μl. Only before a per-volume unit, so 3万元 or 1万例 stay words.
_TEN_THOUSANDS_RE = re.compile(r"(\d+(?:\.\d+)?)\s*万(?=\s*(?:个|cells?)?\s*/\s*(?:μ|µ|u|m|mm|l))", re.I)


def _ten_thousands(match: re.Match[str]) -> str:
    return f"{round(float(match.group(1)) * 10000):d}"


# A rate written before its number, as Taiwan reports give vital signs: 心跳每分钟128下, 呼吸速率每分钟
# 24次 are 128次/分 and 24次/分.
_PER_MINUTE_BEFORE_RE = re.compile(r"每分钟\s*(\d{1,3})\s*(?:下|次)")
# A body temperature in 度 (degrees Celsius, as Taiwan reports write it): 体温38.9度. Only a number
# of a body temperature (34-42) after a temperature word, so 3度房室传导阻滞 stays a grade.
_DEGREES_RE = re.compile(
    r"((?:体温|发烧|发热|高烧|高热|烧到|烧至)[^\d,，。；;]{0,6}(?:3[4-9]|4[0-2])(?:\.\d+)?)\s*度"
)

# (pattern, function of the match): the normaliser substitutes the function's text.
NUMBER_REWRITES = [
    (_TEN_THOUSANDS_RE, _ten_thousands),
    (_PER_MINUTE_BEFORE_RE, lambda m: m.group(1) + "次/分"),
    (_DEGREES_RE, lambda m: m.group(1) + "℃"),
]

# ----------------------------------------------------------------- structure
# Chinese headings are found inline (zh_layout.py); Chinese reports often carry English headings
# as well.
HEADING_RE = zh_layout.HEADING_RE
HEADING_PATTERNS = (HEADING_RE, en.HEADING_RE)
ABBREVIATION_WORDS = ""  # a Chinese full stop (。) always ends the sentence
# Case-series markers at the start of a sentence: "患者2", "例2", "病例2", "(1)患儿1", "个案一".
CASE_SERIES_RE = re.compile(
    r"^(?:[(（]?\d[)）]\s*)?(?:患者|病例|例|患儿|个案|案例)\s*(\d{1,2}|[一二三四五六七八九十])(?![\d岁年月天日个周])"
)
CASE_OPENING_RE = zh_demographics.CASE_OPENING_RE  # "患者，男，58岁，因…入院" (zh_demographics.py)

# ----------------------------------------------------------------- vocabulary
# 眼突 (proptosis, colloquial) is matched inside "左眼突然视力下降" (突然, suddenly) far more often than
# it is written for the finding, which reports call 眼球突出 or 突眼.
AMBIGUOUS_NAMES: frozenset[str] = frozenset({"眼突"})


# Other ways reports write a term: Taiwan/Hong Kong words, 疼痛/痛, 水肿/浮肿, 第一型 (zh_wording.py).
name_variants = zh_wording.name_variants


def analyte_name_variants(key: str) -> set[str]:
    """A Chinese test name takes its regional forms through `name_variants`; nothing more."""
    return {key}


# A lesion's name + 病 names a disease of its own, not the lesion: 结节病 is sarcoidosis, which
# no skin nodule need accompany.
_LESION_NOUNS = frozenset({"结节", "肿块", "包块", "斑块", "囊肿"})


def disease_name_stem(key: str) -> str | None:
    """The finding a disease name is built on: "高血压病" -> "高血压"."""
    if key[-1:] not in ("病", "症") or key[:-1] in _LESION_NOUNS:
        return None
    return key[:-1]


# ----------------------------------------------------------------- assertions
# Words that contain a negation character without negating anything ("肌无力" is weakness).
PSEUDO_NEGATION_RE = re.compile(
    r"不能排除|不能除外|不除外|不排除|未能排除|无法排除|难以排除|无明显诱因|无诱因|无明显原因|无明显变化|未再|无再|没有再|无复发|未复发|无新增|不详|无特殊|无力|不适|不全|不良|不齐|不规则|"
    r"不能|不典型|不明|不清|未分化|无菌|无痛性|不对称|不稳定|不佳|无法|无效|不足|不均|不畅|不利|不振|"
    r"不完全|非常|并非|无论|不论|未经|未予|不久|无需"
)
# 无/没有/否认 ("no", "denies") reach over a list; 未/不/非 negate the word right after them.
NEGATION_RE = re.compile(
    r"未见|未闻及|未触及|未扪及|未引出|未发现|未出现|未诉|未有|未找到|未检出|未及|不伴有|不伴|不考虑|否认|没有|无|排除|除外|未|不|非"
)
_LIST_CUES = frozenset(
    {
        "不考虑",
        "除外",
        "无",
        "没有",
        "否认",
        "未见",
        "未闻及",
        "未触及",
        "未扪及",
        "未引出",  # 未引出病理反射及脑膜刺激征
        "未发现",
        "未出现",
        "未诉",
        "未有",
        "未找到",
        "未检出",
        "未及",
        "不伴",
        "不伴有",
        "排除",
    }
)
# After 未/不 the verb that states a finding keeps the negation going ("未再出现", "不伴发热" are cues
# of their own); any other word takes it ("未能纠正酸中毒", "不完全川崎病").
_STATING_VERBS = re.compile(r"^(?:曾|再|明显|见|出现|发现|诉|伴|有|闻及|触及|感|觉|发生|合并|发作|伴随)")
# "发热未见好转", "皮疹未见明显消退": 未见 before a course word says the finding did not change, not
# that it was not seen.
_NOT_A_COURSE = r"(?!\s*(?:明显)?(?:好转|改善|缓解|减轻|减少|消退|消失|吸收|变化|缩小|增大|加重))"
POST_NEGATION_RE = re.compile(
    r"^\s*(?:[(（][^)）]{0,20}[)）])?\s*(?:平扫|增强扫描|增强|检查|检测|筛查|培养|抗体|抗原|DNA|RNA)?"
    r"\s*(?:均|为|呈|亦|也|都|已|结果)?"
    rf"(?:阴性|\(-\)|（-）|未见异常|未见明显异常|未见明显{_NOT_A_COURSE}|不明显|正常|未触及|未扪及|未闻及|未见{_NOT_A_COURSE}|未发现|"
    r"未引出|得以排除|已排除|被排除|可排除|除外(?!\S{0,2}(?:可能|诊断)))"
)
_POST_UNCERTAIN_WORDS = r"(?:待排|待查|不除外|不能除外|不能排除|可能|可疑|\?|？|(?:等)?(?:相)?鉴别)"
# "淋巴瘤待排", "需与成人Still病相鉴别" (to be told apart from: a differential, not the diagnosis)
POST_UNCERTAIN_RE = re.compile(rf"^\s*(?:[(（][^)）]{{0,20}}[)）])?\s*{_POST_UNCERTAIN_WORDS}")
# A new predicate ends a cue's scope: 但/而 and a verb of onset ("出现", unless part of a cue:
# "未出现").
SCOPE_END_RE = re.compile(r"但|而|然而|后|出现|伴有|继而|随后|并且")
# A numbered list (①急性… ②重症…, "4低蛋白血症" once normalised) breaks clauses as punctuation does.
CLAUSE_BREAK_RE = re.compile(
    r"[,，;；:：。\u2460-\u2473]|(?<=\s)\d{1,2}(?![\d.])\s*(?=[\u4e00-\u9fff])(?![年月日天周次岁个型级度分例倍期])"
)
FAMILY_RE = re.compile(
    r"家族史|家族中|其母|其父|母亲|父亲|姐姐|哥哥|弟弟|妹妹|兄弟|姐妹|子女|儿子|女儿|祖父|祖母|外祖"
    # 其兄 (her elder brother), 胞姐, 同胞 and the wider family; not 父母 (父母近亲结婚 is the patient's)
    r"|其兄|其姐|其弟|其妹|胞兄|胞姐|胞弟|胞妹|其子|其女|同胞|舅舅|姨妈|姑姑|叔叔|伯父|堂[兄姐弟妹]"
    r"|表[兄姐弟妹]|外甥|侄[子女]"
)
# Where a relative's scope ends: the relative only tells ("其母发现患儿发热"), or the patient is
# the subject again.
FAMILY_SCOPE_END_RE = re.compile(
    r"诉|述|发现|带(?:其|患儿|患者|来|至|到)|送|陪同|抱|称|注意到|患者|患儿|本人|但|而"
)
UNCERTAIN_RE = re.compile(
    r"疑似|疑诊|可疑|怀疑|臆断|可能|待排|不除外|不排除|不能排除|不能除外|未能排除|无法排除|难以排除|鉴别|考虑|倾向|拟诊|如果|如出现|若|一旦|预防|以防|防止|警惕|筛查|风险"
)
# "鉴别诊断：结核、淋巴瘤及结节病", "鉴别诊断包括…": every item of the list after the head is a
# differential, up to where the list ends (a new sentence or a conclusion).
DIFFERENTIAL_HEAD_RE = re.compile(
    r"鉴别诊断\s*(?:包括|主要有|有|为|(?:需|需要|应)?考虑)?\s*[:：]?|需(?:要)?鉴别的疾病(?:包括|有)?[:：]?"
)
DIFFERENTIAL_LIST_END_RE = re.compile(r"[。；;]|但|而|最终|最后|确诊|诊断为|排除|除外")
HISTORY_RE = re.compile(r"既往|曾|病史|年前|个月前|多年|早年|素有")
# "此后未再出现发热": the fever did not come back.
# "随访1年无再发血栓", "未复发肺栓塞": the finding was there and has not come back.
RESOLVED_RE = re.compile(r"(?:(?:未|无|没有)再次?|(?:无|未|没有)(?:复发|再发))(?:出现|发作|发生|发|有|见)?$")
POST_RESOLVED_RE = re.compile(
    r"^\s*(?:已|均|亦|完全|基本|逐渐|明显|迅速|随之|很快|渐|先后)*"
    r"(?:消失|消退|痊愈|治愈|愈合|恢复正常|降至正常|转阴|吸收|缓解消失|退)"
)


def starts_own_clause(cue: str, gap: str, after: str) -> bool:
    """A Chinese clause ends at its comma (CLAUSE_BREAK_RE): nothing more to tell."""
    return False


POST_SCOPE_END_RE = re.compile(r"[,，;；:：。]")
# "肝、脾均未触及", "恶心、呕吐消失": a post-cue after a list reaches back over every item of it.
_LIST_ITEMS = r"(?P<items>(?:[、和及与或]\s*[^,，;；:：。、和及与或]{1,10}?)+?)"
LIST_NEGATION_RE = re.compile(
    rf"^{_LIST_ITEMS}(?:均|亦|也|都)?(?:阴性|未见异常|未见明显异常|正常|未触及|未扪及|未闻及)"
)
LIST_RESOLVED_RE = re.compile(
    rf"^{_LIST_ITEMS}(?:均|亦|也|都|已|完全|基本|逐渐|明显)*(?:消失|消退|痊愈|愈合|恢复正常|吸收)"
)
# "需与成人Still病、病毒感染及淋巴瘤相鉴别": every item of the list is a differential.
LIST_UNCERTAIN_RE = re.compile(rf"^{_LIST_ITEMS}(?:等)?{_POST_UNCERTAIN_WORDS}")
# … unless the items hold a verb of their own ("恶心加重、呕吐消失").
# "高血压病史", and each item of a list the word ends: "高血压及2型糖尿病病史10年".
POST_HISTORY_RE = re.compile(rf"^{_LIST_ITEMS}?(?:等)?(?:病史|史)")
LIST_BREAK_RE = re.compile(r"加重|出现|伴|有|为|呈|见")
AGED_RELATIVE_WORDS = r"岁的?$"
PARENTAGE_WORDS = ""  # 父母 is no relative of FAMILY_RE; 其母 names a relative as the subject
# A negation inside a finding's own words: "双下肢无水肿" (legs without oedema) is 双下肢水肿
# negated, "肝脾未触及肿大" is 肝脾肿大 negated.
INFIX_NEGATION_RE = re.compile(r"未见|未触及|未扪及|未闻及|没有|无|未|不")
# Degree, course and examination words written inside a finding's words: "结膜明显充血" is 结膜充血,
# "食欲也明显变差" and "食欲一天比一天差" are 食欲变差/食欲差, "心率较快" is 心率快, "右侧腹股沟区可触及
# 疝" is 腹股沟疝. A run of them is read away (never after a negation: 未触及 is the negation's).
INFIX_MODIFIER_RE = re.compile(
    r"(?<![未无不没])(?:也|亦|均|都|仍|又|更|较|稍|略|明显|显著|轻度|中度|重度|轻微|细微|严重|极度|逐渐|日渐|"
    r"日益|越来越|一天比一天|一日比一日|持续性?|进行性|反复|间断性?|可触及|可扪及|可闻及|可见|可及|见|有|局部|"
    # extent and kind written between the part and the finding: 甲状腺弥漫性肿大 (goitre),
    # 双下肢凹陷性水肿 (oedema of the legs), 双侧对称性肿大
    r"弥漫性|弥散性|凹陷性|对称性|"
    # a grade written inside: 甲状腺Ⅱ度肿大 (Ⅱ is II once normalised), 扁桃体3度肿大
    r"(?:[iI]{1,3}|[iI][vV]|[1-4一二三四])\s*度|"
    # how many and how spread, written between the part and the finding: 口腔黏膜可见多处溃疡 (oral
    # ulcers), 双侧颈部多发淋巴结肿大, 腋窝可扪及数枚肿大淋巴结, 双下肢散在出血点
    r"多处|多个|多枚|多发|数枚|数个|数处|散在|散发|少许|少量|大量|多量|大片|斑片状|片状|点状|"
    # the lobe and segment of a lung: 右肺上叶空洞 (a pulmonary cavity), 右肺中叶不张
    r"(?<=肺)[上中下]叶(?:尖后段|尖段|后段|前段|背段|舌段|内侧段|外侧段|[内外前后]?基底段)?|"
    # how a pain comes and feels, between its site and 痛: 左下腹阵发性绞痛, 上腹部隐痛, 头部胀痛
    # (not 酸: 下肢酸痛 is as often the muscles' ache as the limb's pain)
    r"阵发性|间歇性|针刺样|刀割样|烧灼样|压榨样|撕裂样|电击样|部(?=[胀绞隐刺钝灼剧]?痛)|"
    # how irregular a rhythm is: 心律绝对不齐 (atrial fibrillation's) is an arrhythmia
    r"绝对(?=不齐|不规则)|"
    r"[胀绞隐刺钝灼剧](?=痛)|"
    # the direction of an enlargement or a slant: 心界向左下扩大 (cardiomegaly), 眼裂外侧往下斜
    r"(?:外侧|内侧)?向(?:左下|右下|左上|右上|左|右|两侧|双侧|下|上|外|内)|"
    r"(?:外侧|内侧)?往(?=[上下])|"
    # what the sputum looked like, between 咳 and 痰: 咳白色泡沫痰, 咳出白色稀薄泡沫样痰 (a productive
    # cough); the look-ahead keeps each word to a sputum written after it in the same clause
    r"出(?=[^,，。;；、]{0,12}痰)|(?:少量|较多)(?=[^,，。;；、]{0,10}痰)|"
    r"(?:白色|黄色|黄绿色|绿色|铁锈色|粉红色|砖红色|灰色|白|黄)(?=[^,，。;；、]{0,8}痰)|"
    r"(?:稀薄|黏稠|粘稠)(?=[^,，。;；、]{0,4}痰)|(?:泡沫样?|黏液样?|粘液样?|黏|粘)\s*(?=痰)|"
    # the region of a part: 黄斑区水肿 (macular oedema), 腹股沟区疝
    r"区(?=[\u4e00-\u9fff])|"
    # inside the part, before what was seen there: 纵隔内见1枚肿大淋巴结
    r"内(?=可?见|可触及|可扪及|有)|"
    r"(?:[1-9]\d?|[一二两三四五六七八九十])\s*(?:个|枚|处|颗))+"
)
# A finding or disease before a clinic's or department's word names the place: 发热门诊 (the fever
# clinic), 感染科, 肿瘤医院, 糖尿病专科门诊 are where the patient went, not what was found. Not 中心 (肿块中心
# is the centre of a mass).
PLACE_AFTER_FINDING_RE = re.compile(r"(?:专科)?(?:门诊|科(?!学)|医院|病房|病区)")
# "非化脓性结膜炎", "非血性腹泻": 非 negates the quality written first, not the finding after it.
MODIFIER_NEGATION_RE = re.compile(r"非$")
# "下肢麻木和无力", "双腿麻木、无力", "皮肤瘙痒、脱屑": the body part written once before the first of
# two findings is the second's too (下肢无力, not weakness in general).
SHARED_PART_JOIN_RE = re.compile(r"\s*(?:、|和|及|与|或|伴)\s*")
# "肝、脾肋下未触及", "甲状腺不大": an organ stated not palpable or not enlarged is an organ without
# its enlargement (肝肿大, 甲状腺肿大 absent).
_PLACE = r"(?:于|肋下|肋缘下|剑突下|双侧|均|亦|也|都)"
_NOT_ENLARGED_RE = re.compile(
    rf"(?P<organs>[\u4e00-\u9fff]{{1,6}}?(?:{_PLACE}*[、和及与][\u4e00-\u9fff]{{1,6}}?){{0,3}})"
    rf"{_PLACE}*(?:未触及|未扪及|未及|不大|无肿大|无增大|无扩大|未见肿大)"
)
_ORGAN_SPLIT_RE = re.compile(rf"{_PLACE}*[、和及与]")
_ENLARGED_SUFFIXES = ("肿大", "增大", "扩大", "大")


def not_enlarged(text: str) -> Iterable[tuple[int, int, list[str]]]:
    """(start, end, names of its enlargement) for each organ `text` states not palpable or not
    enlarged: "肝、脾肋下未触及" gives 肝 with 肝肿大, 肝增大 … and 脾 with 脾肿大 …; "浅表淋巴结未触及"
    gives 淋巴结肿大 among the names (the organ's words are tried shorter from the left)."""
    for m in _NOT_ENLARGED_RE.finditer(text):
        organs, base, start = m.group("organs"), m.start("organs"), 0
        for sep in [*_ORGAN_SPLIT_RE.finditer(organs), None]:
            organ = organs[start : sep.start() if sep else len(organs)]
            names = [organ[i:] + suffix for i in range(len(organ)) for suffix in _ENLARGED_SUFFIXES]
            yield base + start, m.end(), names
            if sep:
                start = sep.end()


# An examination found normal is its abnormality stated absent: "头颅CT和MRI亦未发现病变" (no
# abnormal brain imaging), "心电图未见明显异常", "冠脉造影未见狭窄". Each examination (lower case, as
# in the key text) with the vocabulary's name of what it would have found; "CT和MRI" after a
# body part is one examination written with two methods.
_EXAMINATIONS = (
    (
        r"(?:头颅|颅脑|头部|脑部|头)(?:ct|mri|磁共振|核磁共振|影像学?)(?:(?:和|及|与|、|/)(?:ct|mri|磁共振))?",
        "头颅影像异常",
    ),
    (r"(?:常规)?心电图", "心电图异常"),
    (r"超声心动图|心脏彩超|心脏超声|心脏彩色多普勒超声|心超", "超声心动图异常"),
    (r"(?:胸部|肺部|胸)(?:ct|x线|x光|影像学?)|胸片|胸部平片", "胸部影像异常"),
    (r"冠状动脉造影|冠脉造影|冠状动脉ct血管成像|冠脉cta", "冠状动脉造影异常"),
    (r"脑电图", "脑电图异常"),
    (r"肌电图", "肌电图异常"),
)
_EXAMINATION_RE = "|".join(f"(?P<e{i}>{pattern})" for i, (pattern, _) in enumerate(_EXAMINATIONS))
_NORMAL_EXAMINATION_RE = re.compile(
    rf"(?:{_EXAMINATION_RE})(?:平扫|增强)?(?:检查)?(?:[,，]?\s*结果)?[:：]?(?:示|提示|显示)?(?:均|亦|也|都)?"
    r"(?:(?:未见|未发现|未提示|未显示|无|没有)(?:明显|任何|明确)?(?:异常|病变|器质性病变|异常信号|异常改变|阳性发现|狭窄)"
    r"|(?:大致)?正常(?!高值|低值|范围[^内])|无异常)"
)


def site_findings(text: str) -> Iterable[tuple[int, int, list[str]]]:
    """Chinese writes the part first (视神经萎缩): no "<finding> of <part>" to turn round."""
    return ()


def predicate_findings(text: str) -> Iterable[tuple[int, list[tuple[int, int, list[str]]]]]:
    """Chinese writes the finding after its part as one name already (肝脏肿大): none to turn."""
    return ()


def normal_examinations(text: str) -> Iterable[tuple[int, int, list[str]]]:
    """(start, end, [the name of its abnormality]) for each examination `text` states normal."""
    for m in _NORMAL_EXAMINATION_RE.finditer(text):
        index = next(i for i in range(len(_EXAMINATIONS)) if m.group(f"e{i}") is not None)
        yield m.start(), m.end(), [_EXAMINATIONS[index][1]]


NEGATION_REACH_CHARS = 14  # how far a list negation cue reaches, in characters


def negation_reaches(cue: str, gap: str) -> bool:
    """Whether the negation cue `cue` still governs a mention `gap` after it.

    无, 没有, 否认, 未见 … reach over a list ("无发热、咳嗽及头痛"); 未, 不, 非 negate the word right
    after them, so they reach a finding only directly ("不肿", "未发热") or through a verb that
    states one ("未再出现", "不伴发热"): "未能纠正酸中毒", "不完全川崎病" negate no finding.
    """
    if len(gap) > NEGATION_REACH_CHARS:
        return False
    if cue in _LIST_CUES:
        return True
    return not gap or bool(_STATING_VERBS.match(gap))


# ----------------------------------------------------------------- demographics
# Ages and sexes as Chinese reports write them: zh_demographics.py.
AGE_RE = zh_demographics.AGE_RE
SEX_RE = zh_demographics.SEX_RE
find_age = zh_demographics.find_age
find_sex = zh_demographics.find_sex


def sex_from_pronouns(text: str, spans: Iterable[tuple[int, int]]) -> str | None:
    """Chinese pronouns (他/她) are too often about others to decide the patient's sex."""
    return None


# ----------------------------------------------------------------- dates
YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")

# ----------------------------------------------------------------- findings and diagnoses
SUMMARY_CUE_RE = re.compile(r"报道|报告|病例|1例|一例|\d例|例患者")
# "诊断为不完全川崎病", "当时诊断“急性脊髓炎”", "合并急性肾损伤": the cue may stand before the
# disease's modifiers ("不完全", "急性"), not before other words ("确诊后出现发热" names no diagnosis).
_DISEASE_MODIFIERS = (
    r"急性|慢性|亚急性|重症|重型|轻型|危重|暴发性|不完全性?|完全性?|典型|非典型|不典型|原发性|继发性|"
    r"难治性|复发性|特发性|早期|晚期|双侧|左侧|右侧|全身性|系统性|局限性|弥漫性"
)
DIAGNOSIS_CUE_RE = re.compile(
    # 疑似/怀疑/臆断 (a presumptive diagnosis, Taiwan usage) give it as uncertain (UNCERTAIN_RE).
    # 明确为 (made clear to be: "入院后明确为主动脉夹层"), only with 为: 明确 alone qualifies anything
    # 不除外/不能排除 (cannot be ruled out): a differential (UNCERTAIN_RE gives it as uncertain)
    r"(?:诊断出?|确诊|诊为|拟诊|考虑|符合|证实|更正诊断|修正诊断|合并|并发|继发|疑似|疑诊|怀疑|臆断|判断|明确(?=为)"
    r"|不除外|不能除外|不排除|不能排除|未能排除|无法排除|难以排除)"
    r"(?:为|是|:|：)?\s*[\"“「]?\s*"
    rf"(?:{_DISEASE_MODIFIERS})*$"
)
# "重症急性胰腺炎诊断成立", "…可能性大": the status after the disease (group 1 when uncertain).
# "需与淋巴瘤相鉴别": to be told apart from, a differential.
DIAGNOSIS_POST_RE = re.compile(
    r"\s*(?:(可能性大|可能|待排|待查|(?:等)?(?:疾病)?相鉴别)|(?:的)?诊断(?:明确|成立|确立|基本明确))"
)
# "排除白血病", "除外淋巴瘤、结核": a disease ruled out as the diagnosis (the mention is negated), also
# each item of a list after the cue.
DIAGNOSIS_EXCLUDED_RE = re.compile(
    r"(?:排除|除外)了?(?:诊断)?\s*[\"“「]?(?:[^，,。；;：:]{1,15}?[、和及与或])*\s*"
    rf"(?:{_DISEASE_MODIFIERS})*$"
)
DIAGNOSIS_LIST_RE = re.compile(r"(?:入院|出院|临床|最终|术后|初步)?诊断[:：]")  # "诊断：A，B，C"
# "诊断为肺炎、脓毒症、急性肾损伤", "并发急性呼吸窘迫综合征及感染性休克", "…伴低钠血症": a finding
# named right after a diagnosis, joined by an enumeration word (not a comma: "诊断为肺炎，咳嗽好转"),
# is a diagnosis of the same status.
DIAGNOSIS_JOIN_RE = re.compile(r"\s*(?:、|及|和|与|以及|伴有?|并发|合并|继发)\s*")
# 过去有/过去病史 (Taiwan usage for 既往); not 过去3天 (the last three days, the illness of now).
HISTORY_CUE_RE = re.compile(
    r"(?:既往|曾经?|素有|原有|早年|当时|此前|以往|先前|过去(?:病史)?(?:有|曾|患|[:：]))[^,，。]{0,12}$"
)
DURATION_HISTORY_WORDS = ""
# Words that name a finding too loosely to code it with the generic term they match (肿胀 may be
# oedema, a mass or inflammation; 疼痛 says nothing of where): a feature only with a more specific
# phrase (胸痛, 双下肢水肿), or when stated absent.
LOOSE_FINDING_NAMES = frozenset(
    {"疼痛", "痛", "压痛", "触痛", "肿胀", "肿", "肿物", "肿块", "包块", "占位", "肿瘤", "出血", "过敏"}
)
# Words that name a finding only beside the words of its kind earlier in the sentence: 晨轻暮重 (worse
# as the day goes on) is fatigable weakness after 无力 or 眼睑下垂, but says only when leg oedema or
# a headache is worst after 水肿 or 头痛.
CONTEXT_BOUND_NAMES = {"晨轻暮重": r"无力|乏力|下垂|复视|吞咽困难|构音|咀嚼|疲劳"}
# An endoscopy or a mucosa named earlier in the sentence: a bare 溃疡, 糜烂 or 水肿 after it is the
# mucosa's ("结肠镜示直肠黏膜充血、水肿，可见多发浅溃疡"), not a skin ulcer or the patient's oedema.
MUCOSAL_CONTEXT_RE = re.compile(r"[胃肠内腹喉支]镜|(?<!皮肤)(?:黏膜|粘膜)")  # not 皮肤黏膜 (skin and mucosae)
PHRASE_HEAD_RE = None  # a Chinese finding's head comes last (双下肢无力: 无力)

# ----------------------------------------------------------------- measurements
# "体温最高升至38.2 ℃", "血糖波动于15 mmol/L": words between a test and its value.
VALUE_FILLER_WORDS = (
    r"由|从|比值|比例|百分比|计数|绝对值|最高|最低|波动于|波动在|升高至|升高到|增高至|下降至|下降到|减低至|"
    r"升至|降至|高达|约为|约|为|是|达|"
    # "肌酐较前下降至112 μmol/L", "ALT较前明显下降为56 U/L": the change that led to the value.
    r"较(?:前|之前|上次|入院时|治疗前)|明显|显著|逐渐|进一步|进行性|迅速|"
    r"(?:升高|增高|上升|回升|增加|增多|下降|降低|减低|减少|回落|恢复)(?:至|到|为)|增至|减至|低至|(?:最高|最低)(?:至|到)|"
    # What was measured of the test, between its name and value: 24小时尿蛋白定量3.5 g, 血清铁蛋白
    # 水平1200 ng/mL, 血药浓度, 含量.
    r"定量|水平|浓度|含量|测定|检测|数值|数目|数量|评分|得分|间期|结果|值|"
    # when it was drawn: "血糖：空腹6.8 mmol/L", "随机血糖" written the other way, "血糖（随机）15 mmol/L"
    r"空腹|随机|餐前|"
    # A cell type's share of a smear, marrow or flow count: 原始细胞占32%, 浆细胞约占35%, 以成熟淋巴细胞
    # 为主，占94.5%, 异常B细胞占有核细胞的28.5%, 中性粒细胞仅3%.
    r"(?:为主[，,]?\s*)?(?:约|仅)?占(?:[^\d，,；;。]{1,12}的)?|仅|"
    # a share of the predicted value: "FEV1占预计值45%", "DLCO占预计值的40%"
    r"占预计值?的?|预计值的?"
)
UNIT_WORDS = {
    "次/分": "/min",
    "次/min": "/min",
    "次/分钟": "/min",
    "分": "score",
    "级": "grade",
    "秒": "s",
    "拷贝/ml": "copies/mL",
    # Urine sediment: "红细胞 10~15个/HP", "管型 2个/LP" (per high- / low-power field).
    "个/μl": "/uL",
    "个/ul": "/uL",
    "个/hp": "/HPF",
    "个/hpf": "/HPF",
    "个/lp": "/LPF",
    "个/lpf": "/LPF",
    "拷贝/毫升": "copies/mL",
    # Taiwan usage: 身高165公分, 体重80公斤
    "公分": "cm",
    "公斤": "kg",
}
COMPARATOR_WORDS = {"高于": ">", "大于": ">", "超过": ">", "低于": "<", "小于": "<"}
REFERENCE_WORDS = r"参考值|参考范围|参考区间|正常值|正常范围|参考|正常"
RANGE_WORDS = ""
UPPER_LIMIT_WORDS = ""
RESULT_WORDS = {
    # A culture or smear names what it found: "痰培养检出白色假丝酵母菌" is a positive culture,
    # "未检出", "未找到抗酸杆菌" a negative one (negative is tried after positive: the look-behind
    # keeps "未检出" from reading as "检出").
    # (长出: "血液培养长出金黄色葡萄球菌", Taiwan's wording of a culture that grew)
    "positive": r"弱阳性|阳性|(?<![未无没])(?:检出|查见|查到|找到|培养出|分离出|长出)"
    # or names the organism it grew: "血培养示金黄色葡萄球菌", "痰培养：肺炎克雷伯菌生长", "有白色念珠菌生长"
    # (no 未/无/阴 before it: "示无细菌生长" is negative).
    r"|(?<=[示为:：有])\s*[^\s\d，,；;。:：未无阴]{1,16}?(?:菌|支原体|衣原体)(?![素苗剂])",
    "negative": r"阴性|未检出|未查见|未查到|未找到|未培养出|未分离出|未长出|无细菌生长|未见细菌生长|无菌生长",
    "high": r"升高|增高|偏高|增快|增加|超过正常上限|高于正常|超出正常",
    "low": r"降低|减低|偏低|减少|下降",
    "normal": r"(?:在)?正常(?:值)?范围内?|参考范围内|未见(?:明显)?异常|无(?:明显)?异常|大致正常|正常",
}
FALLING_WORDS = ""
RISING_WORDS = ""
LEVEL_CHANGE_WORDS = r"下降|减轻|减少|降低|减低|增加|增多|上升|升高|增高"
# "血小板聚集功能降低", "白细胞β-葡萄糖脑苷脂酶活性降低": the result is of the function or the enzyme,
# not the count of the cells named first.
OTHER_QUANTITY_WORDS = r"活性|活力|聚集|功能|抗体"
CHANGE_AMOUNT_RE = None  # "下降30%" is as often a level's fall as a share: left to the value
SHARED_RESULT_CUE_WORDS = r"均|都|皆"
SHARED_RESULT_WORDS = {
    "正常": "normal",
    "阴性": "negative",
    "阳性": "positive",
    "升高": "high",
    "增高": "high",
    "降低": "low",
    "减低": "low",
}
SHARED_RESULT_MARKER_WORDS = r"均|都|皆"
LIST_JOIN_WORDS = r"和|及|与"
# What a growth percentile is of (身高位于第97百分位以上): the analyte -> the words for the measure.
PERCENTILE_OF_WORDS = {
    "height percentile": r"身高|身长",
    "weight percentile": r"体重",
    "head circumference percentile": r"头围",
    "BMI percentile": r"BMI|体重指数",
}
SPECIMEN_WORDS = {
    "脑脊液": "CSF",
    "血清": "serum",
    "血浆": "plasma",
    "全血": "blood",
    "尿液": "urine",
    "尿": "urine",
    "胸水": "pleural fluid",
    "胸腔积液": "pleural fluid",
    "腹水": "ascites",
    "腹腔积液": "ascites",
    "骨髓": "bone marrow",
}
WITHIN_RANGE_WORDS = r"正常范围|参考范围内|正常值范围|未见异常"
RESPECTIVELY_WORDS = r"分别为|分别是|分别|依次为"
# Electrolytes in a list name the element alone ("电解质：钾2.9 mmol/L，钠130 mmol/L", 血清钾): one
# character is no name for the vocabulary (钾 is inside 氯化钾), so these are read only with a
# concentration unit right after their value (`analyte_mentions`).
ELEMENT_WORDS = {
    # and as ions, as Taiwan reports write them: 鉀離子 6.2 mmol/L, 鈉離子 128 mmol/L (not 钙离子,
    # which may be the ionized calcium)
    "钾离子": "potassium",
    "钠离子": "sodium",
    "氯离子": "chloride",
    "镁离子": "magnesium",
    "钾": "potassium",
    "钠": "sodium",
    "氯": "chloride",
    "钙": "calcium",
    "磷": "phosphorus",
    "镁": "magnesium",
}
# Panels whose results follow under the panel's name: inside one, "蛋白", "潜血", "红细胞" are the
# specimen's tests (尿常规：蛋白（++），红细胞10个/HP is urine protein and urine red cells, not a blood
# count). A panel of blood tests maps to "": it only ends the panel before it. A panel reaches to the
# next panel, record field (a colon) or sentence end (`analyte_mentions`).
PANEL_WORDS = {
    "尿常规": "urine",
    "尿液常规": "urine",
    "尿液分析": "urine",
    "尿液检查": "urine",
    "尿检": "urine",
    "尿沉渣": "urine",
    "尿沉渣镜检": "urine",
    "尿镜检": "urine",
    "尿液": "urine",
    "脑脊液常规": "CSF",
    "脑脊液生化": "CSF",
    "脑脊液检查": "CSF",
    "脑脊液化验": "CSF",
    "脑脊液": "CSF",
    "血常规": "",
    "血生化": "",
    "生化": "",
    "肝功能": "",
    "肾功能": "",
    "血气分析": "",
    "凝血功能": "",
    "电解质": "",
    "血清": "",
    # A marrow aspirate's differential: 骨髓穿刺：原始细胞占32%, 浆细胞35% are the marrow's cells; a
    # peripheral smear's are the blood's (and end the marrow's list).
    "骨髓穿刺": "bone marrow",
    "骨髓涂片": "bone marrow",
    "骨髓细胞学": "bone marrow",
    "骨髓细胞学检查": "bone marrow",
    "骨髓形态学": "bone marrow",
    "骨髓象": "bone marrow",
    "骨髓检查": "bone marrow",
    "骨髓": "bone marrow",
    # A PNH flow count: CD55/CD59缺失的红细胞占17%、粒细胞占78% are the clone's shares.
    "CD55/CD59": "PNH clone",
    "CD55、CD59": "PNH clone",
    "FLAER": "PNH clone",
    # Stool: 粪常规：白细胞3～5/HP，隐血阳性 are the stool's ("fecal …" tests).
    "粪常规": "fecal",
    "大便常规": "fecal",
    "粪便常规": "fecal",
    "粪便检查": "fecal",
    "大便检查": "fecal",
    # Body fluids: 腹水常规：白细胞450×10^6/L，多核细胞35% are the fluid's cells.
    "腹水常规": "ascites",
    "腹水生化": "ascites",
    "腹水检查": "ascites",
    "腹水化验": "ascites",
    "腹腔积液检查": "ascites",
    "腹腔积液常规": "ascites",
    "胸水常规": "pleural fluid",
    "胸水生化": "pleural fluid",
    "胸水检查": "pleural fluid",
    "胸水化验": "pleural fluid",
    "胸腔积液检查": "pleural fluid",
    "胸腔积液常规": "pleural fluid",
    "外周血涂片": "",
    "血涂片": "",
    "外周血": "",
}
# Taiwan and Hong Kong write the specimens and panels their own way (脑脊髓液检查, 肋膜积液): every
# key also under its other wordings.
SPECIMEN_WORDS = {
    variant: specimen for key, specimen in SPECIMEN_WORDS.items() for variant in zh_wording.name_variants(key)
}
PANEL_WORDS = {
    variant: specimen for key, specimen in PANEL_WORDS.items() for variant in zh_wording.name_variants(key)
}
TITER_WORDS = r"滴度|效价|凝集价"
RATIO_WORDS = r"比值|比例|比率|比"
MARKER_CUE_WORDS = r"免疫组化|免疫组织化学|免疫表型|免疫标记|免疫荧光|流式细胞|染色|表达"
PANEL_MEMBER_WORDS = {
    "淋巴细胞": "lymphocytes",
    "中性粒细胞": "neutrophils",
    "蛋白": "protein",
    "蛋白质": "protein",
    "潜血": "occult blood",
    "隐血": "occult blood",
    "红细胞": "red blood cells|red cells",
    "红血球": "red blood cells",
    "白细胞": "white blood cells|cell count",  # the first that the specimen has
    "白血球": "white blood cells|cell count",  # Taiwan usage
    "葡萄糖": "glucose",
    "糖": "glucose",
    "酮体": "ketones",
    "比重": "specific gravity",
    "管型": "casts",
    "酸碱度": "pH",
    "pH": "pH",
    "细胞数": "cell count",
    "细胞总数": "cell count",
    "白细胞数": "cell count",
    "白血球数": "cell count",
    "有核细胞数": "cell count",
    "氯化物": "chloride",
    "原始细胞": "blasts",
    "幼稚细胞": "blasts",
    "原始幼稚细胞": "blasts",
    "浆细胞": "plasma cells",
    "成熟淋巴细胞": "lymphocytes",
    "脓细胞": "white blood cells",
    "粒细胞": "granulocytes",
    "多核细胞": "neutrophils",
    "多形核细胞": "neutrophils",
    "多形核白细胞": "neutrophils",
    "多形核白血球": "neutrophils",  # Taiwan usage
    "有核细胞": "cell count",
    "总蛋白": "protein",
    "乳酸脱氢酶": "LDH",
    "LDH": "LDH",
    "腺苷脱氨酶": "adenosine deaminase",
    "ADA": "adenosine deaminase",
}
DEVICE_SETTING_WORDS = r"消融|起搏|呼吸机|潮气量|呼气末正压|阻抗|功率|参数设置|设置为|设定为"
SERIES_FROM_WORDS = r"由|从"
# ("视力由0.1提高至0.6", "肌力由2级恢复至4级", "血红蛋白由60 g/L回升至98 g/L")
SERIES_TO_WORDS = (
    r"(?:升高|上升|增高|提高|回升|增加|下降|降低|减低|减少|回落|恢复|回复)(?:至|到)|升至|降至|增至|减至|至|到"
)
# Values of one test listed after it: Chinese lists them with 、 and 分别为 (`RESPECTIVELY_WORDS`).
# Chinese reports write the units of T/P/R (次/分, ℃), which make the symbols safe on their own.
VITAL_SIGNS_WORDS = ""
SERIES_JOIN_WORDS = ""
SERIES_WHEN_WORDS = ""
PRE_QUALIFIER_RE = None
PRE_QUALIFIER_MEANINGS: dict[str, str] = {}
PRE_QUALIFIER_LIST_RE = None
UNNAMED_RESULT_RE = None
UNNAMED_RESULT_MEANINGS: dict[str, str] = {}
subject_phrase = None
# A test the vocabulary does not know, named by the words before 试验/反应 and read by the result
# right after them: "新斯的明试验阳性", "冰敷试验（+）", "外斐反应阴性" (`NAMED_TEST_LEAD_RE`: words at
# the start of those words that are no part of the name, 查, 复查, 行, 示).
NAMED_TEST_RESULT_RE = re.compile(
    r"(?P<head>试验|反应)\s*[:：]?\s*(?:(?P<positive>强阳性|弱阳性|阳性|[(（]\s*\+{1,4}\s*[)）])"
    r"|(?P<negative>阴性|[(（]\s*[-−]\s*[)）]))"
)
NAMED_TEST_LEAD_RE = re.compile(r"^(?:复查|检查|查|行|示|见|做|为|及|和|与|并|且|后|呈)+")
RESULT_FOR_WORDS = ""
# "目标INR 2.0-3.0", "INR控制在2.0-3.0", "维持INR于2-3": a value aimed at, not measured.
TARGET_BEFORE_RE = re.compile(r"(?:目标(?:值)?(?:为|是)?|维持|控制)\s*$")
TARGET_AFTER_RE = re.compile(r"\s*(?:目标(?:值)?|控制在|控制于|维持在|维持于)")
SUPPLIED_BEFORE_RE = None
SUPPLIED_AFTER_RE = None
# Chinese results are written after a test name, but for a growth measure's standard deviation
# score: "身高85 cm（-2.5 SD）", "头围低于-2SD", "身高低于同龄儿均值2个标准差"; and a change of
# body weight, its loss (group `below`) a negative change: "体重下降约5 kg", "体重增加3公斤".
PATTERN_RESULTS = (
    (
        re.compile(
            r"体重(?:(?P<below>下降|减轻|减少|降低|丢失)|增加|增长|上升)了?\s*(?:约|近|达|超过|逾)?\s*"
            r"(?P<res>(?P<val>\d+(?:\.\d+)?(?:\s*[-~～至]\s*\d+(?:\.\d+)?)?)\s*(?P<unit>kg|公斤|千克))",
            re.I,
        ),
        re.compile(r"体重"),  # a quick test: the body weight named
        "body weight change",
        None,
    ),
    (
        re.compile(
            r"(?P<res>(?:(?:[<>≤≥]|低于|小于|高于|大于|超过)\s*)?(?:同龄儿?童?(?:均值|平均值)?)?"
            r"(?P<val>[-−–+]?\s?\d+(?:\.\d+)?)\s*(?:个)?\s*(?:SDS?|标准差))(?![A-Za-z])",
            re.I,
        ),
        re.compile(r"SD|标准差", re.I),  # a quick test that spares most sentences the pattern
        "SD score",
        "SD",
    ),
    (
        # The NYHA class: "NYHA心功能III级", "心功能IV级（NYHA分级）", "NYHA分级Ⅲ级".
        re.compile(
            r"(?:NYHA\s*(?:心功能)?\s*(?:分级|分级为|为)?|心功能\s*(?:NYHA)?\s*(?:分级|分级为|为)?)\s*"
            r"(?P<res>(?P<val>IV|III|II|I|Ⅳ|Ⅲ|Ⅱ|Ⅰ|[1-4])\s*级)",
            re.I,
        ),
        re.compile(r"NYHA|心功能", re.I),
        "NYHA functional class",
        None,
    ),
    (
        # "Apgar评分1 min 5分、5 min 8分", "Apgar评分1分钟8分": the score after each minute.
        re.compile(r"(?:(?<=min)|(?<=分钟))\s*[:：]?\s*(?P<res>(?P<val>10|[0-9])\s*分)", re.I),
        re.compile(r"Apgar", re.I),
        "Apgar score",
        "score",
    ),
)

# ----------------------------------------------------------------- treatments
DOSE_UNIT_WORDS = {
    "片": "tablet",
    "粒": "capsule",
    "支": "vial",
    "袋": "bag",
    "丸": "pill",
    # Taiwan's tablets: 锭 (錠), 颗 (顆)
    "锭": "tablet",
    "颗": "tablet",
    "克": "g",
    "毫克": "mg",
    "单位": "U",
    # Taiwan's and the written-out units: 公克 (gram), 毫升, 微克, 国际单位
    "公克": "g",
    "毫升": "mL",
    "微克": "ug",
    "国际单位": "IU",
}
# "青霉素480万U", "肝素1万单位": a count of ten thousands before the unit.
DOSE_MULTIPLIER_WORDS = {"万": "10000"}
# "每公斤2公克" (Taiwan), "每平方米体表面积375 mg": the body the dose is by, written before it.
PER_BODY_BEFORE_WORDS = {"kg": r"每(?:公斤|千克|kg)(?:体重)?", "m2": r"每平方米(?:体表面积)?"}
ROUTE_WORDS = {
    "intralesional": r"病灶内注射|皮损内注射",
    # 泵入 (by syringe pump) and 输注 (infusion) are into a vein
    "intravenous": (
        r"静滴|静点|点滴|静脉滴注|泵入|微泵|(?<![血])输注|静脉注射|静注|静推|静脉输注|静脉泵入|静脉|ivgtt|iv\s*gtt(?![a-z])|ivdrip"
    ),
    "intramuscular": r"肌注|肌内注射|肌肉注射",
    "subcutaneous": r"皮下注射|皮下",
    "inhaled": r"吸入|雾化",
    "sublingual": r"舌下含服|舌下含化|舌下含",
    "intrathecal": r"鞘内注射|鞘内给药|鞘注",
    "ophthalmic": r"滴眼|眼药水|眼膏|点眼",
    "rectal": r"纳肛|塞肛|直肠给药|栓剂|(?<=[钠钾])栓",
    # the form implies the skin: 软膏, 乳膏, 霜剂, 洗剂, and 外涂/外搽
    "topical": r"外用|外敷|湿敷|涂抹|涂擦|外涂|外搽|局部|换药|消毒|软膏|乳膏|霜剂|洗剂",
    # 服用 (take a medicine) is by mouth: "每日服用异烟肼300毫克"; so are Taiwan's tablets, "每日1锭"
    "oral": (
        r"口服|顿服|服用|(?<=[0-9])\s*(?:锭|颗)|肠溶片|缓释片|控释片|片剂|胶囊|颗粒|口服液|片(?=[0-9,，、\s])"
    ),
}
STATED_ORAL_WORDS = r"口服|服用"
CHANGE_WORDS = {
    "decreased": r"减量|逐渐减|减至|减为",
    "increased": r"加量|增至|增加至|加至",
    "stopped": r"停用|停药|停服",
}
DOSE_CHANGE_WORDS = r"加量|减量|增加|减少|调整"
AGAIN_WORDS = ""
DOSE_CHANGE_TO_WORDS = r"至|到|为"
INCREASE_WORDS = r"加|增"
# "青霉素过敏", "万古霉素耐药", "胰高血糖素激发试验": a drug named as an allergen, a susceptibility or a
# test agent is not given.
# "血氨基酸分析", "…谱", "…筛查", "…测定": a substance analysed is not given either.
LAB_CONTEXT_WORDS = (
    r"过敏|耐药|敏感|激发试验|耐量试验|负荷试验|抑制试验|皮试|浓度|水平|抗体|基因|缺乏|增强"
    r"|分析|谱|筛查|检测|测定|代谢"
    # a substance's name inside an enzyme's (葡萄糖脑苷脂酶, 葡萄糖-6-磷酸脱氢酶): the enzyme is measured
    r"|[^,，。；;、\s]{0,8}?酶"
)
PER_DAY_WORDS = ""
NOT_GIVEN_WORDS = r"血清|血浆"
ADVERSE_LINK_WORDS = r"所致的?|引起的?|相关的?|导致的?"
# "分3次口服": the day's dose given in parts.
DIVIDED_DOSES_RE = re.compile(r"分\s*([2-4二三四])\s*次")
GIVEN_WORDS = r"予以|给予|予|补充|输注|静滴|静脉滴注|静推|口服|注射"
# "未予溶栓治疗", "未使用激素", "拒绝使用胰岛素", "激素未使用": a drug not given is no treatment.
WITHHELD_BEFORE_WORDS = (
    r"未予以?|未给予|未用|未使用|未行|未接受|未能使用|未加用|拒绝使用|拒用|拒绝|不予|无法使用"
)
WITHHELD_AFTER_WORDS = r"(?:治疗)?(?:未予|未用|未使用|未能使用|属禁忌|禁用)"
QUANTITY_OF_WORDS = r"的"  # "每日60毫克的泼尼松": the dose before the drug
# "输注红细胞、血小板", "输血浆400 ml": blood components after these words are the components given.
TRANSFUSION_WORDS = r"输注|输入|(?<![运传灌])输(?=[^注入液])"
# "甲巯咪唑改为丙硫氧嘧啶", "停用…换用…": the drug before these words is stopped for the next.
SWITCHED_TO_RE = re.compile(r"改为|改用|换为|换用|更换为")
# A short regimen acronym names its drugs only before these words: "EP方案化疗", "AC化疗4个周期".
REGIMEN_AFTER_WORDS = r"\s*(?:方案|化疗)"
REGIMEN_BEFORE_WORDS = ""
BLOOD_COMPONENT_WORDS = {
    # 红血球 and 红血球浓厚液: Taiwan's red cells and packed red cells
    "red blood cell transfusion": (
        r"(?:悬浮|浓缩|洗涤|去白(?:细胞)?|减白)?(?:红细胞|红血球)(?:悬液|浓厚液|浓缩液)?"
    ),
    "platelet transfusion": r"(?:单采|机采)?血小板",
    "fresh frozen plasma": r"(?:新鲜)?(?:冰冻)?血浆",
    "cryoprecipitate": r"冷沉淀",
}

DOSE_REACH = None  # a Chinese clause is short: the dose may sit anywhere in it
DURATION_RE = re.compile(
    r"(?:口服|服用|治疗|用药|使用|应用|连续|连用|共用|疗程|共|持续|滴注|静滴|静推|注射|输注|冲击|[×x*])\s*(\d+)\s*(?:个|多个)?\s*"
    r"(天|日|周|月|年|d(?![a-z]))"
)
NUMBER_NAMES: dict[str, int] = {}
TIME_UNITS = {"天": "days", "日": "days", "d": "days", "周": "weeks", "月": "months", "年": "years"}
STOP_RE = re.compile(
    r"(?:出现|因|发生|引起|导致)([^,，。;；]{1,20}?)(?:后|而)?(?:停用|停药|停服|撤药|减停|停止)"
)
# "因出现肝功能异常停用甲氨蝶呤", "因出现视物模糊，停用羟氯喹": the reason comes before the drug, in
# its own clause or not; "患者出现肝功能异常，停用环磷酰胺": an event the clause right before the
# stop names is its reason.
# "予羟氯喹0.2 g，每日2次口服，3个月后因视物模糊停药": the stop and its reason in a later clause of the
# drug's sentence, with no drug named between (a stop with an object of its own, 停用呼吸机, is not
# this drug's).
STOP_LATER_RE = re.compile(
    r"(?:(?:因|由于|鉴于)(?:出现|发生)?|出现|发生)([^,，。;；]{1,20}?)(?:而|之故)?\s*[,，]?\s*(?:故|遂|予以|予|即|立即|后)?"
    r"(?:停用|停药|停服|撤药|撤停|停止使用|停止服用)(?:该药|此药|上述药物)?(?=[,，。;；]|$)"
)
STOP_BEFORE_RE = re.compile(
    r"(?:(?:因|由于|鉴于)(?:出现|发生)?|出现|发生)([^,，。;；]{1,20}?)(?:而|之故)?\s*[,，]?\s*(?:故|遂|予以|予|即|立即)?"
    r"(?:停用|停药|停服|撤停|停止使用|停止服用)$"
)
COORDINATION_RE = re.compile(r"^\s*(?:联合|合并|加用|和|及|与|、|加|\+|/)\s*$")
# "予地塞米松…。激素治疗后体温恢复正常", "出院时激素已减为醋酸泼尼松片": a Chinese report names the drug it
# gave again by its class (激素, 抗感染治疗, 抗病毒治疗); that is no second treatment.
CLASS_NAMES_GIVEN_DRUG = True
# "每次一片", "每天两颗", "半片": a count of tablets written as a word (the value as text)
COUNT_NUMBER_WORDS = {"半": "0.5", "一": "1", "两": "2", "二": "2", "三": "3", "四": "4"}
VEHICLE_AFTER_WORDS = r"注射液|输液|注射剂"  # "左氧氟沙星氯化钠注射液": the vehicle of a premixed infusion
ALL_OF_THEM_WORDS = r"均|皆|都"  # "，均每日1次口服": said of every drug of the list before

_CLAUSE_SPLIT_RE = re.compile(r"[,，。;；]")
_ADMINISTRATION_CLAUSE_RE = re.compile(
    # "均每日1次口服" (all of them), after a list of drugs each with its dose
    r"\s*(?:均|皆|都)?(?:每|隔|分\s*[2-4二三四]\s*次|[0-9一二两三四]+\s*次|[一1](?:日|天)|早晚|q[0-9dwh]|bid|tid|qid|qd|qod|"
    # "予泼尼松治疗，剂量为60 mg/d", "起始剂量7.5 mg"
    r"(?:起始|初始|首次|维持|负荷)?(?:剂量|用量)|首剂|"
    r"(?:po|iv|ih|im|sc|ivgtt)(?![a-z])|静|口服|顿服|皮下|肌|雾化|外用|局部|舌下|鞘内|疗程|共|连续|连用|持续|"
    r"[0-9.]+\s*(?:mg|g|μg|ug|ml|片|粒|u|iu))",
    re.I,
)


def _clauses(window: str) -> list[str]:
    """The clauses of `window`; a comma inside brackets does not end one: "头孢地嗪钠（2 g/次，2次/d）加
    莫西沙星": the bracket is the first drug's administration."""
    clauses, start, depth = [], 0, 0
    for i, ch in enumerate(window):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and _CLAUSE_SPLIT_RE.fullmatch(ch):
            clauses.append(window[start:i])
            start = i + 1
    clauses.append(window[start:])
    return clauses


def administration_window(window: str, truncated: bool) -> str:
    """The words after a drug that describe its administration.

    A Chinese clause ends at a comma, but "0.5g静脉滴注，每日1次": the administration may continue
    in the next clauses. `truncated`: the window stops at the next drug, whose administration the
    last clause before it is ("，静脉滴注丙种球蛋白").
    """
    clauses = _clauses(window)
    window = clauses[0]
    for k, clause in enumerate(clauses[1:], 1):
        if not _ADMINISTRATION_CLAUSE_RE.match(clause) or (truncated and k == len(clauses) - 1):
            break
        window += "，" + clause
    if truncated and len(clauses) == 1:
        # "氯雷他定口服、外用糠酸莫米松": after the enumeration comma the administration words are
        # the next drug's, as after a full comma ("予甲泼尼龙、静脉注射丙种球蛋白").
        head, sep, last = window.rpartition("、")
        if sep and _ADMINISTRATION_CLAUSE_RE.match(last):
            window = head
    return window


def administration_before(before: str) -> str:
    """The words before a drug that may describe its administration: its own clause."""
    return _CLAUSE_SPLIT_RE.split(before)[-1]


# ----------------------------------------------------------------- frequency
_PERIOD = {
    "d": "day",
    "日": "day",
    "天": "day",
    "周": "week",
    "w": "week",
    "星期": "week",
    "月": "month",
    "h": "hour",
    "小时": "hour",
}


# Counts written in Chinese numerals ("每日两次", "一日三次").
_CN_COUNT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_COUNT = r"\d+|[一二两三四五六]"


def _count(text: str) -> int:
    return _CN_COUNT.get(text) or int(text)


def _every(n: int, k: int, unit: str) -> str:
    if k <= 1:
        return times_per(n, unit)
    return f"every {k} {unit}s" if n == 1 else f"{n} times every {k} {unit}s"


FREQUENCY_RULES = [
    # 1次/2d, 1次/2周, 1次/12 h
    (
        re.compile(r"(\d+)\s*次\s*/\s*(\d+)\s*(d|日|天|周|w|月|h|小时)(?![a-z])", re.I),
        lambda m: _every(int(m.group(1)), int(m.group(2)), _PERIOD.get(m.group(3).lower(), "day")),
    ),
    # 每2日1次, 每8小时一次
    (
        re.compile(rf"每\s*({_COUNT})\s*(?:个)?(日|天|周|月|小时|h)\s*({_COUNT})\s*次"),
        lambda m: _every(_count(m.group(3)), _count(m.group(1)), _PERIOD.get(m.group(2), "day")),
    ),
    # 每4小时, 每8小时口服, q8h written out: an interval of hours fixes the count.
    (
        re.compile(rf"每\s*({_COUNT})\s*(?:个)?(?:小时|h)(?![^，,。；;]{{0,4}}次)"),
        lambda m: "once daily" if _count(m.group(1)) == 24 else f"every {_count(m.group(1))} hours",
    ),
    # 3次/d
    (
        re.compile(r"(\d+)\s*次\s*/\s*(d|日|天|周|w|星期|月|h|小时)", re.I),
        lambda m: times_per(int(m.group(1)), _PERIOD.get(m.group(2).lower(), "day")),
    ),
    # 每日3次, 每日两次, 一日三次, 1天1次
    (
        re.compile(rf"(?:每|一|(?<![0-9])1)\s*(日|天|周|星期|月)\s*({_COUNT})\s*次"),
        lambda m: times_per(_count(m.group(2)), _PERIOD.get(m.group(1), "day")),
    ),
    # 早晚各1次 (morning and evening), 早中晚各1次
    (re.compile(r"早中晚各\s*(?:1|一)\s*次"), "three times daily"),
    (re.compile(r"早晚各\s*(?:1|一)\s*次"), "twice daily"),
    # not the next day of a course: "隔天即退烧", "隔日就出院"
    (re.compile(r"隔[日天](?![即就便又后])"), "every 2 days"),
    (re.compile(r"每周"), "once weekly"),
    # 顿服: the day's dose taken at once
    (re.compile(r"每日|每天|每晚|睡前|每早|每晨|晨起|晨服|顿服"), "once daily"),
    # a dose per day in the negative powers of Chinese journals: "1 mg·kg-1·d-1"
    (re.compile(r"[·•.*]\s*d\s*\^?[-−⁻]\s*1(?![0-9])"), "once daily"),
]

# ----------------------------------------------------------------- outcomes
OUTCOME_CUES = [
    (
        "stable",
        r"(?<!不)稳定(?!下来)|未再加重|无新增|无进展|未见进展|无(?:明显)?变化|未再复发|无复发|未再发作|无再发|病情平稳(?!后|下来)"
        # "治疗后情况良好", "移植后追踪迄今状况良好" (doing well), and treatment that did not help:
        # "病情无明显好转", "未见改善" (no change, not an improvement).
        r"|(?:情况|状况|状态)(?:良好|稳定|尚可|佳)|(?:一直|仍然?|依然|持续)存在|(?:未见|没有|未有|无)再?复发"
        # a finding still there after treatment: "治疗后仍有间断低热", "仍反复发热"
        r"|(?<![不未])仍(?:然|旧)?(?:有|反复|间断|时有|偶有|处于)"
        # "随访1年，肝功能持续正常": normal all along
        r"|(?:持续|一直|维持)正常"
        r"|(?:无|未|未见|未有)(?:明显)?(?:好转|改善|缓解|提高|恢复)"
        # alive with or without the tumour: "无瘤生存18个月", "带瘤生存至今", "存活至今"
        r"|(?:无瘤|无病|带瘤)生存|(?:存活|生存)至今"
        r"|(?:病情|情况|状况)(?:基本|尚)平稳(?!后|下来)"
        # no attack and no complaint since: "随访1年无腹痛发作", "未再有抽搐发作", "病情未再反复",
        # "患者无明显不适" (a negated 复发/进展 is stable too: see outcomes.py)
        r"|(?:无|未见|未有|未再有?)[\u4e00-\u9fff]{1,6}?发作|未再反复|无(?:明显)?不适",
    ),
    # 往生 and 回天乏术 are Taiwan's words; 不治 (beyond saving), not 不治疗
    # 猝死 (died suddenly) and 夭折 (died young) of the patient; a relative's is the family's
    ("died", r"死亡|去世|过世|逝世|病逝|离世|死于|病故|身故|往生|回天乏术|抢救无效|不治(?!疗)|猝死|夭折"),
    # 康复 is recovery, but 康复治疗/康复训练 is rehabilitation, which says nothing of the course.
    (
        "resolved",
        r"消失|痊愈|治愈|愈合|消退|恢复正常|(?:回|降|升|恢复|上升|下降|升高|降低|回升|回落)(?:到|至)正常|转阴|完全缓解|临床缓解|康复(?!治疗|训练|锻炼|科|医学)"
        # the fever went: "服药后烧退了", "热退", "体温降至正常" (退热药 is the drug, not the course)
        r"|(?:热|烧)退|退(?:热|烧)(?!药|剂|治疗|处理)|(?:完全|已经?|逐渐|逐步|顺利)复原"
        # Taiwan's 回復 (OpenCC: 回复) for 恢复: "肝指数回复正常"; "没有再发烧", "不再抽搐"
        r"|回复(?:到|至)?正常|(?:没有|不)再(?:出现|发生|有)?(?!加重|恶化|进展|复发|发作|反复)(?=[\u4e00-\u9fff])"
        # "完全恢复", "体温正常", "肝功能逐渐正常": back to normal; "病灶完全吸收"
        r"|完全恢复|恢复健康|恢复如(?:常|初)|体温(?:已|均)?正常|(?:逐渐|逐步|渐|已)(?:恢复)?正常|完全吸收|病愈"
        # "治疗后未再抽搐", "未再出现发热": the finding did not come back (未再加重, 未再复发 and
        # 未再发作 are matched as stable above)
        r"|未再(?:出现|有)?(?=[\u4e00-\u9fff])",
    ),
    # "病情反复" after treatment, "病情再燃" (a flare again)
    # and back again: "停药后又出现皮疹", "再度发作"
    ("recurred", r"复发|再发|再次出现|再燃|复燃|(?:病情|症状)反复|(?<![未不没])(?:又|再度)(?:出现|发作)"),
    # "肿物较前增大", "病灶较前扩大": larger than before; "病情急转直下"
    # and Taiwan's "每况愈下", "越来越差", "一天比一天差", "日益严重"
    (
        "worsened",
        r"加重|恶化|进展|加剧|急转直下|较前(?:明显)?(?:增大|扩大|增多|增厚)"
        r"|每况愈下|(?:越来越|一天比一天)(?:差|糟|严重)|(?:日益|日渐)严重",
    ),
    (
        "improved",
        r"好转|改善(?!(?:微)?循环)|缩小|减轻|缓解|减少|下降|控制(?:良好|尚可|稳定|平稳|可)|得到控制|疗效显著|疗效满意|恢复良好"
        # a function back ("肌力恢复", "听力恢复", "感觉恢复"), "恢复了", "恢复得不错"; corrected
        # ("休克逐渐纠正", "贫血得到纠正"; not the care "予纠正电解质紊乱"); off the ventilator
        # ("成功拔管", "脱离呼吸机")
        # (恢复至4级 is better, 恢复至正常 resolved)
        r"|(?<=[力能觉])恢复(?!(?:到|至)?正常|如|期|治疗|训练)|恢复了|恢复得(?:不错|很好|良好|顺利|较好)"
        r"|(?:得到|得以|逐渐|逐步|已|基本|均|明显)纠正|成功拔管|拔除气管插管|(?:脱离|撤离)呼吸(?:机|器)|成功撤机"
        # discharged without complication ("术后恢复顺利，顺利出院"), as English "was discharged";
        # not 出院 alone: 自动出院 (leaving against advice) and 出院诊断 say nothing of the course
        r"|顺利出院|恢复顺利"
        # recovered, said last in its clause: "经对症处理后恢复。"; a low level back up: "血小板回升"
        # (回升至 with a value is read with the value, `LEVEL_CHANGED_TO_RE`)
        r"|恢复(?=[，,。；;]|$)|回升(?!至|到)"
        # "血糖达标" (at its target); "酸中毒纠正，" (corrected: the finding before it, not the care
        # "予纠正酸中毒" before its object)
        r"|(?<![未不没])达标|(?<=[\u4e00-\u9fff])纠正(?=[，,。；;]|$)"
        # "肌力逐渐恢复" (not 恢复正常, resolved; nor 恢复期, 恢复治疗), "恢复顺利", "转危为安", "神志转清",
        # "预后良好", "病灶明显吸收" (not 吸收不良, malabsorption)
        r"|(?:逐渐|逐步|渐|明显|部分|有所|较前|基本|大部分?)恢复(?!(?:到|至)?正常|如|期|治疗|训练)|转危为安"
        r"|(?:神志|意识)(?:转清|恢复|清醒)|恢复(?:意识|神志|自主呼吸)|脱离(?:险境|危险)|捡回一命|已?无大碍|预后(?:良好|佳)|(?:明显|部分|大部分?|逐渐|较前)吸收(?!不良|障碍)"
        r"|较前(?:明显)?(?:减小|消退|降低)"
        # Taiwan's wording of getting better: "病情逐渐进步", "症状缓和", "病况转好", "获得控制",
        # "顺利恢复", "逐渐回复" (not 回复正常, resolved)
        r"|(?<!不)进步|缓和|减缓|(?:转|变)好|(?:获得|受到)(?:良好)?控制|控制(?:住|下来)|顺利恢复"
        r"|(?:逐渐|逐步|渐|明显|部分|有所|顺利)回复(?!正常|到|至)"
        # becoming stable after treatment is an improvement: "病情逐渐稳定下来", "趋于平稳", "病情平稳后出院"
        # (the examination's 生命体征平稳 is no course)
        r"|(?:趋于|渐趋|日趋|逐渐|逐步|渐)(?:平稳|稳定)|(?:稳定|平稳)下来|转为(?:稳定|平稳)|较前稳定|有(?:比较|所)稳定"
        r"|(?:病情|病况|情况|状况)(?:基本|渐|尚)?(?:平稳|稳定)后"
        # Taiwan's "病情有起色", "好多了"
        r"|有(?:所|了)?起色|好(?:很|许)?多了"
        # a function regained: "已能独立行走", "可自行进食", "能下地活动", "生活能自理"
        r"|(?<![不未])(?:已|可|能)(?:够)?(?:独立|自行|自主|正常)?(?:行走|下地|站立|进食|上学|工作|生活)|生活(?:已|可|能)?自理"
        # "生活质量明显提高", "视力较前提高" (an adverb before it: a bare 提高 is also a dose raised)
        r"|(?:明显|显著|逐渐|较前|有所)提高",
    ),
]
# One alternation; at one position the earlier direction wins, and a longer cue that starts
# earlier ("未再加重") is found before the shorter one inside it.
OUTCOME_RE = re.compile("|".join(f"(?P<{direction}>{cues})" for direction, cues in OUTCOME_CUES))


# "日晒后加重", "活动后加重", "遇冷加重": what makes a finding worse, not the course of the illness;
# nor a course care is meant to prevent ("以阻止胰腺炎进一步进展", "防止病情恶化", "以免复发").
TRIGGER_RE = re.compile(
    r"(?:(?:日晒|光照|阳光|紫外线|活动|劳累|进食|饮食|饮酒|情绪激动|月经|体位改变|行走|站立|咳嗽|用力|排便)[后时]"
    r"|遇冷|遇热|受凉后?|受寒后?|寒冷时)$"
    r"|(?:阻止|防止|预防|避免|延缓|以免|以防)[^，。；]*$"
)
# Words that place a sentence after the report's treatment: "治疗后", "after surgery", "随访".
# Cues that name their finding themselves: "服药后热退", "36小时内退烧" (the fever went).
OUTCOME_SUBJECT_WORDS = {"HP:0001945": r"(?:热|烧)退|退(?:热|烧)|体温(?:已|均)?正常"}
AFTER_TREATMENT_RE = re.compile(
    r"治疗后|用药后|服药后|术后|手术后|(?:治疗|用药|服药)\s*\d+\s*(?:天|日|周|个?月|d)|(?<![未没不])予[^，。]{0,20}后|"
    r"(?<![未没不])经[^，。]{0,20}(?:治疗|处理|处置)|(?<![未没不])接受[^，。]{0,20}(?:治疗|手术|移植)|(?:使用|服用)[^，。]{0,15}后|开刀后|"
    r"随访|随诊|追踪|复查|复诊|回访|出院|转归|疗效|"
    # after care of any kind: "经休息后", "经饮食控制后", "行鼻饲喂养后"
    # (not 神经, 月经, 已经; not 进行, 流行, 行走; not a diagnosis or an examination: "经当地医院诊断为…后",
    # "行胃镜检查后")
    r"(?<![神月已曾历])经(?!常|期)(?:(?!诊断|确诊|检查|就诊|发现)[^，。；]){1,20}后"
    r"|(?<![进运流执平同步])行(?!走|为)(?:(?!诊断|确诊|检查|检测|造影|扫描|活检|镜|CT|MRI|超声)[^，。；]){1,20}后|"
    # after a procedure: 移植后 (transplant), 化疗后, 放疗后, 透析后, 介入后, 切除后
    r"(?:移植|化疗|放疗|透析|介入|切除|置换|植入)(?:术)?后"
)

# Care given that no drug fact may record: "行胆囊切除术", "予补液、营养支持", "血浆置换", "停用可疑药物",
# "住院期间" (the hospital course). Not a bare 治疗 ("为求进一步治疗入院" gives no care yet).
CARE_GIVEN_RE = re.compile(
    # not care withheld: "未予重视", "未予特殊处理", "未经治疗", "未接受治疗", "未行手术"
    # (处置: care given, Taiwan usage, 经急诊处置)
    r"(?<![未没不无])(?:予以?|给予|给以|施行|经[^，。；]{0,20}(?:治疗|处理|处置)|接受[^，。；]{0,20}(?:治疗|手术|移植)"
    r"|行[^，。；]{0,20}(?:术|治疗|置换|透析|移植|放疗|化疗|切除|引流|介入|消融|栓塞|输血))"
    r"|手术|切除|透析|血浆置换|放疗|放射治疗|化疗|移植|吸氧|机械通气|呼吸机|输血|补液|支持治疗|对症治疗"
    r"|停用|停药|照护|住院期间|入院后|住院后|(?:入院|住院|治疗)第\s*\d+\s*[天日周]|住院\s*\d+\s*[天日周]"
    # the wording of Taiwan's reports and news: 开刀, 插管, 急救, 洗肾 (dialysis), 叶克膜 (ECMO),
    # 经医师诊治, 住院治疗
    r"|开刀|插管|急救|抢救|心肺复苏|电击|洗肾|叶克膜|经[^，。；]{0,20}(?:诊治|救治)|(?:住院|入院)(?:治疗|接受)"
)


def may_state_outcome(sentence: str) -> bool:
    """False when `sentence` cannot hold an outcome cue (no quick test for Chinese: always try)."""
    return True


# A test's level changed to the value right after the words, after treatment: "血小板升至120×10^9/L",
# "肌酐由356降至98 μmol/L", "白蛋白回升到38 g/L" (the value's interpretation and the test's earlier
# value tell whether that was better or worse: `outcomes._level_changes`). Not after 未/没有
# ("未降至正常").
LEVEL_CHANGED_TO_RE = re.compile(
    r"(?<![未没不])(?:逐渐|逐步|渐|明显|迅速|进一步|较前|已|均)?"
    r"(?:(?P<rise>(?:升高|上升|增高|回升|提高|增加|升|增)(?:至|到))"
    r"|(?P<fall>(?:下降|降低|减低|回落|减少|降|减)(?:至|到))|(?P<back>(?:恢复|回复)(?:至|到)))"
    r"\s*(?:约\s*)?(?=\d)"
)
FOLLOW_UP_RE = re.compile(
    # a count in figures or words: "随访6个月", "追踪一年", "随访半年"
    r"((?:19|20)\d\d年\d{1,2}月(?:\d{1,2}日)?)\s*(?:随访|追踪)"
    r"|(?:随访|追踪)\s*(\d+|[一二两三四五六七八九十半]+)\s*(?:个)?(天|周|月|年)"
    # the time before the word: "出院后3个月随访", "半年后电话随访"
    r"|(\d+|[一二两三四五六七八九十半]+)\s*(?:个)?(天|周|月|年)后?\s*(?:电话|门诊)?(?:随访|追踪)"
    r"|(?:随访|追踪)(?:时|至今|迄今)"
)

# ----------------------------------------------------------------- genetics
# 缺失 (loss, deficiency), 重复 and 插入 are everyday words too: only with 基因 do they speak of genes.
GENETIC_CONTEXT_WORDS = (
    r"基因|突变|变异|杂合|纯合|半合子|外显子|内含子|测序|融合|扩增|易位|多态性|携带者|致病"
)
GENE_ADJACENT_WORDS = r"\s*(?:基因|突变|变异|融合|扩增|外显子)"
ZYGOSITY_WORDS = {
    "compound heterozygous": r"复合杂合",
    "hemizygous": r"半合子|半合",
    "homozygous": r"纯合",
    "heterozygous": r"(?<!复合)杂合",
}
ACMG_WORDS = {
    "likely pathogenic": r"可能致病",
    "pathogenic": r"(?<!可能)致病(?:性)?(?:变异|突变)|(?<!可能)致病性",
    "uncertain significance": r"(?:临床)?意义(?:未明|不明|不确定)",
    "likely benign": r"可能良性",
    "benign": r"(?<!可能)良性(?:变异|多态)",
}
