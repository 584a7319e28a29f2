"""Other ways Chinese reports write a medical term: regional usage, everyday synonyms, word order.

The vocabulary's names are mainland terms in simplified script. A report from Taiwan or Hong Kong
is converted to simplified script before matching (`chinese_script`), but conversion changes
characters, not words: 胃食道逆流 stays 胃食道逆流 where the vocabulary has 胃食管反流, B型肝炎 where
it has 乙型肝炎, 第一型糖尿病 where it has 1型糖尿病. And clinical wording varies within one region
too: 背部疼痛 for 背痛, 颜面浮肿 for 颜面水肿, 肝脏肿大 for 肝肿大.

`name_variants(key)` gives a vocabulary key with those other forms, by rules over the parts of the
term (which word for an organ, for pain, for oedema, which order for a type number), so every
source of names gets them, curated or official, without listing each term twice. No Django here.
"""

from __future__ import annotations

import re
from functools import cache

# Mainland word -> the same word in Taiwan/Hong Kong usage (or a common synonym), inside terms:
# 僵直性脊椎炎 (强直性脊柱炎), 甲状腺机能低下 (甲状腺功能减退), 肾丝球肾炎, 异位性皮肤炎, 干癣,
# 气喘, 淋巴腺肿大, 主动脉剥离, 巴金森氏症, 大肠癌, 摄护腺, 三酸甘油酯, 狭心症, 失智症, 忧郁症.
REGIONAL_WORDS: tuple[tuple[str, str], ...] = (
    ("食管", "食道"),
    ("反流", "逆流"),
    ("胰腺", "胰脏"),
    ("综合征", "症候群"),
    ("综合征", "综合症"),
    ("梗死", "梗塞"),
    ("脊柱", "脊椎"),
    ("腹股沟", "鼠蹊部"),
    ("腹股沟", "腹股沟区"),
    ("腋窝", "腋下"),  # the everyday word for the armpit: 腋下淋巴结肿大
    ("白细胞", "白血球"),
    ("血细胞", "血球"),  # 噬血细胞综合征 = 噬血球症候群
    ("全血细胞", "全血球"),
    ("红细胞", "红血球"),
    ("心律失常", "心律不整"),
    ("心律失常", "心律不齐"),
    ("心力衰竭", "心脏衰竭"),
    ("血栓形成", "血栓"),
    ("水肿", "浮肿"),
    ("肿大", "增大"),
    ("强直", "僵直"),
    ("功能减退", "功能低下"),
    ("功能", "机能"),
    ("减少", "低下"),
    ("肾小球", "肾丝球"),
    ("皮炎", "皮肤炎"),
    ("特应性", "异位性"),
    ("银屑病", "干癣"),
    ("哮喘", "气喘"),
    ("艾滋", "爱滋"),
    ("淋巴结", "淋巴腺"),
    ("主动脉夹层", "主动脉剥离"),
    ("帕金森", "巴金森"),
    ("眩晕", "晕眩"),
    ("结直肠", "大肠直肠"),
    ("结肠", "大肠"),
    ("前列腺", "摄护腺"),
    # Parathyroid is 副甲状腺 in Taiwan: without the pair 副甲状腺机能亢进 would be read as the
    # thyroid's 甲状腺机能亢进 inside it, and 副甲状腺素 (PTH) as the drug 甲状腺素.
    ("甲状旁腺", "副甲状腺"),
    ("功能亢进", "亢进"),
    ("激素", "荷尔蒙"),
    ("紫癜", "紫斑"),
    ("脓毒性", "败血性"),
    ("深静脉血栓形成", "深部静脉栓塞"),
    ("深静脉血栓", "深部静脉血栓"),
    ("热性惊厥", "热性痉挛"),
    ("热性惊厥", "高热痉挛"),
    ("热性惊厥", "热痉挛"),
    ("脑性瘫痪", "脑性麻痹"),
    ("多动症", "过动症"),
    ("肠道病毒", "肠病毒"),
    # Hepatitis viruses by their short names, letters in Taiwan (B肝表面抗原, C肝抗体), and 醯 for 酰
    # (γ-谷氨醯转移酶).
    ("甲肝", "a肝"),
    ("乙肝", "b肝"),
    ("丙肝", "c肝"),
    ("戊肝", "e肝"),
    ("酰", "醯"),
    # Peptides are 胜肽 and troponin 旋转蛋白 in Taiwan: B型利钠胜肽, C胜肽, 心肌旋转蛋白I.
    ("肽", "胜肽"),
    ("肌钙蛋白", "心肌旋转蛋白"),
    # Disease names of Taiwan usage (and their everyday short forms): 冠心症, 急性冠心症, 乳癌, 淋巴癌,
    # 血癌, 骨髓分化不良症候群, 再生不良性贫血, 海洋性贫血, IgA肾病变, 周边神经病变, 硬皮症.
    ("冠心病", "冠心症"),
    ("冠心病", "冠状动脉心脏病"),
    ("急性冠状动脉综合征", "急性冠心症"),
    ("急性冠状动脉综合征", "急性冠脉综合征"),
    ("乳腺癌", "乳癌"),
    ("淋巴瘤", "淋巴癌"),
    ("白血病", "血癌"),
    ("骨髓增生异常", "骨髓分化不良"),
    ("再生障碍性", "再生不良性"),
    ("地中海贫血", "海洋性贫血"),
    ("肾病", "肾病变"),
    ("周围神经", "周边神经"),
    ("肌萎缩侧索硬化", "肌萎缩性脊髓侧索硬化"),
    ("硬皮病", "硬皮症"),
    # More disease names of Taiwan usage: 子癇前症 (not 子痫, eclampsia, inside it), 肺高压, 尿道感染
    # (for any urinary tract infection), 毒性表皮溶解症, 类肉瘤病.
    ("子痫前期", "子痫前症"),
    ("肺动脉高压", "肺高压"),
    ("尿路感染", "尿道感染"),
    ("中毒性表皮坏死松解症", "毒性表皮溶解症"),
    ("结节病", "类肉瘤病"),
    # The 性 after an organism is often left out: 隐球菌脑膜炎, 真菌肺炎, 细菌感染.
    ("菌性", "菌"),
    ("炎性", "炎症性"),  # 慢性炎症性脱髓鞘性多发性神经根神经病, 炎症性肠病
    # Obstetric, gynaecological, ear-nose-throat and eye words of Taiwan usage: 扁桃腺, 骨盆腔,
    # 视网膜剥离, 经血过多, 月经不规则.
    ("扁桃体", "扁桃腺"),
    ("盆腔", "骨盆腔"),
    ("视网膜脱离", "视网膜剥离"),
    ("月经过多", "经血过多"),
    ("月经不调", "月经不规则"),
    # 痺 is how Taiwan writes 痹 (OpenCC leaves it): 麻痺, 脑性麻痺, 颜面神经麻痺.
    ("痹", "痺"),
    ("构音障碍", "构音困难"),
    ("排尿", "解尿"),
    ("脂溢性", "脂漏性"),
    ("滤过率", "过滤率"),  # 肾丝球过滤率 (eGFR)
    ("自身免疫性", "自身免疫"),  # 自身免疫肝炎, 自身免疫脑炎: the 性 is often left out
    ("甘油三酯", "三酸甘油酯"),
    ("高脂血症", "高血脂"),
    ("心绞痛", "狭心症"),
    ("阑尾炎", "盲肠炎"),
    ("痴呆", "失智症"),
    ("抑郁", "忧郁"),
    ("流涕", "流鼻水"),
    ("瘙痒", "痒"),
    ("瘙痒", "搔痒"),
    ("尿频", "频尿"),
    ("肌张力", "肌肉张力"),
    ("喂养", "喂食"),
    ("心包", "心包膜"),
    ("心动过速", "心跳过速"),
    ("水疱", "水泡"),
    ("色素沉着", "色素沉淀"),
    ("寒战", "寒颤"),
    ("尿潴留", "尿滞留"),
    # Endocrine words of Taiwan usage (and the everyday name of the thyroid crisis): 葛瑞夫兹病 and
    # 格雷夫斯病 are transliterations of Graves; 甲状腺风暴 is 甲状腺危象; 颗粒性白血球缺乏症 is
    # agranulocytosis (粒细胞缺乏症).
    ("格雷夫斯病", "葛瑞夫兹病"),
    ("格雷夫斯病", "葛瑞夫氏病"),
    ("甲状腺危象", "甲状腺风暴"),
    ("粒细胞缺乏", "颗粒性白血球缺乏"),
    ("粒细胞缺乏", "颗粒球缺乏"),
    ("手足抽搐", "手足搐搦"),  # tetany, as textbooks name it: 维生素D缺乏性手足搐搦症
    ("口唇", "嘴唇"),  # the everyday word for the lips: 嘴唇干裂 (口唇干裂, lip fissure)
    ("颜面", "脸部"),
    ("脊髓灰质炎", "小儿麻痹"),
    ("孤独症", "自闭症"),
    ("退行性", "退化性"),
    ("透析", "洗肾"),
    # Laboratory and anatomical words of Taiwan/Hong Kong reports: 血红素 (血红蛋白), 射出分率
    # (射血分数), 转胺酶, 乳酸去氢酶, 嗜中性球, 淋巴球, 脑脊髓液, 肋膜积水 (胸腔积液).
    ("血红蛋白", "血红素"),
    ("血红蛋白", "血色素"),
    ("射血分数", "射出分率"),
    ("血培养", "血液培养"),  # 血液培養長出金黃色葡萄球菌
    ("尿培养", "尿液培养"),
    ("转氨酶", "转胺酶"),
    ("脱氢酶", "去氢酶"),
    ("嗜酸性粒细胞", "嗜酸性球"),
    ("中性粒细胞", "嗜中性球"),
    ("中性粒细胞", "中性球"),
    ("淋巴细胞", "淋巴球"),
    ("单核细胞", "单核球"),
    ("脑脊液", "脑脊髓液"),
    ("胸膜", "肋膜"),
    ("胸腔积液", "肋膜积液"),
    ("积液", "积水"),
    ("肌酐", "肌酸酐"),
    ("酮症酸中毒", "酮酸中毒"),
    ("红斑狼疮", "红斑性狼疮"),
    ("系统性", "全身性"),
    ("类风湿关节炎", "类风湿性关节炎"),
    ("常染色体", "体染色体"),
    ("多糖", "多醣"),
    ("发育迟缓", "发展迟缓"),
    ("发育落后", "发展迟缓"),
    ("脑卒中", "中风"),
    # Everyday words of examination findings: 无法行走 (不能行走), 手肘无法完全打直 (肘关节不能完全
    # 伸直), 髋关节活动偏紧 (髋关节活动受限).
    # OpenCC keeps 徵 after 流 (流徵 is a word of music): 肝頸靜脈迴流徵 converts to 肝颈静脉回流徵.
    ("流征", "流徵"),
    # 黏 and 粘 are one morpheme in medical words, written either way: 心脏黏液瘤 / 心脏粘液瘤,
    # 口腔黏膜 / 口腔粘膜, 黏液便 / 粘液便
    ("黏", "粘"),
    ("粘", "黏"),
    ("不能", "无法"),
    ("伸直", "打直"),
    ("肘关节", "手肘"),
    ("活动受限", "活动偏紧"),
    ("活动受限", "活动度差"),
)
# Virus types are letters in Taiwan/Hong Kong and heavenly stems on the mainland (乙型肝炎 = B型肝炎).
_STEM_TYPES = {
    "甲型": "a型",
    "乙型": "b型",
    "丙型": "c型",
    "丁型": "d型",
    "戊型": "e型",
}  # keys are lower case
_STEM_TYPE_RE = re.compile("|".join(_STEM_TYPES))
# Organs written with or without 脏 before what happens to them: 肝衰竭 = 肝脏衰竭, 脾肿大 = 脾脏肿大.
_ORGANS = "肝肾脾胰心肺"
_ORGAN_RE = re.compile(rf"^([{_ORGANS}])(?=衰竭|功能|肿大|增大|损伤|损害|病变|脓肿|囊肿|破裂|大$)")
# Pain: 背痛 = 背部疼痛 = 背部痛 = 背疼; 关节疼痛 = 关节痛. A part tender to the touch is that part's
# pain as reports code it: 关节压痛 (arthralgia), 腹部压痛 and 右下腹压痛 (abdominal pain), 剑突下压痛.
_PAIN_RE = re.compile(r"^([\u4e00-\u9fff]{1,4}?)(疼痛|痛)$")
_TENDER_WORDS = ("压痛", "触痛")
_PAIN_QUALIFIERS = frozenset("酸胀绞刺隐钝剧灼疼压触")
# An electrolyte disorder named by the blood level, as Taiwan reports write it: 高钾血症 = 高血钾(症),
# 低钠血症 = 低血钠, 低磷血症 = 低血磷.
_ELECTROLYTE_RE = re.compile(r"^([高低])([钾钠钙磷镁氯])血症$")
# A type number after the name (糖原贮积症II型) or before it (1型糖尿病) is "第N型" before it in
# Taiwan usage (第一型糖尿病, 第二型糖原贮积症).
_NUMERALS = {
    "1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六",
    "i": "一", "ii": "二", "iii": "三", "iv": "四", "v": "五", "vi": "六",
    "Ⅰ": "一", "Ⅱ": "二", "Ⅲ": "三", "Ⅳ": "四", "Ⅴ": "五", "Ⅵ": "六",
}  # fmt: skip
_TYPE_AFTER_RE = re.compile(r"^([\u4e00-\u9fff]{2,})(1|2|3|4|5|6|i{1,3}|iv|vi?|[ⅠⅡⅢⅣⅤⅥ])型$")
_TYPE_BEFORE_RE = re.compile(r"^(1|2|3|4|5|6|i{1,3}|iv|vi?|[ⅠⅡⅢⅣⅤⅥ])型([\u4e00-\u9fff]{2,})$")
# Enlarged lymph nodes are written with the adjective first as often as after: 颈部淋巴结肿大 =
# 颈部肿大淋巴结 = 颈部肿大的淋巴结 ("可触及多个肿大淋巴结").
_NODES_ENLARGED_RE = re.compile(r"^(.*?)(淋巴结|淋巴腺)(肿大|增大)$")
# A disease named after a person is written with 氏 after the name in Taiwan usage, whatever the
# head: 川崎氏病, 高安氏动脉炎, 桥本氏甲状腺炎, 库欣氏症候群. The name is the two to four characters
# before the head (a shorter start is an organ, not a name: 肾病).
_ZH_EPONYM_RE = re.compile(r"^([\u4e00-\u9fff]{2,4})(病|症|综合征|症候群|综合症|动脉炎|甲状腺炎)$")
# The 氏 that follows a person's name before the head or a second name, not inside an organism's
# name (布鲁氏菌病 is brucellosis, and 布鲁菌病 another source's name for it).
_NAME_SHI_RE = re.compile(r"(?<=[\u4e00-\u9fff])氏(?=[ ]|病|症|综合|动脉炎|甲状腺炎)")
# Only keys that hold one of these characters can have a variant: the rest return at once.
_TRIGGERS = frozenset(
    "".join(a for a, _ in REGIONAL_WORDS)
    + "甲乙丙丁戊"
    + "肝肾脾胰心肺"
    + "痛"
    + "型"
    + "疝"
    + "血"
    + "病症炎氏"  # the heads of `_ZH_EPONYM_RE`, and 氏
    + "抗"  # an antibody named without 抗体 (`_ANTIBODY_RE`)
)
# An antibody named by its Latin antigen is written without 抗体 as often as with it: 抗dsDNA抗体 is
# 抗dsDNA (抗dsDNA阴性, 抗ds-DNA（+）), 抗SSA抗体 抗SSA. Not an antigen in Chinese words (抗核抗体 is
# no 抗核).
_ANTIBODY_RE = re.compile(r"^抗(?=[^\u4e00-\u9fff]*[a-z])(.+)抗体")


# An eponymous disease or syndrome is written with its Latin name and a Chinese head in Chinese
# reports: Marfan综合征, Crohn病, Still氏病, Cushing氏症候群 (the 氏 forms are Taiwan usage), and so are
# an eponymous arteritis or anaemia: Takayasu动脉炎, Fanconi贫血, Diamond-Blackfan贫血. Keys are
# lower case with hyphens as spaces ("guillain barré syndrome"); one to three Latin words.
_LATIN_WORD = r"[a-zà-öø-ÿ][a-zà-öø-ÿ']*"
_EPONYM_RE = re.compile(
    rf"^({_LATIN_WORD}(?: {_LATIN_WORD}){{0,2}}?)(?:'s)? (disease|syndrome|arteritis|anemia|anaemia)$"
)
_EPONYM_HEADS = {
    "disease": ("病", "氏病", "氏症"),
    "syndrome": ("综合征",),
    "arteritis": ("动脉炎",),
    "anemia": ("贫血",),
    "anaemia": ("贫血",),
}
_EPONYM_ENDINGS = (" disease", " syndrome", " arteritis", " anemia", " anaemia")


def _eponym_forms(key: str) -> set[str]:
    """The Chinese forms of an eponymous disease or syndrome key and their variants; empty for
    any other key."""
    if not key.endswith(_EPONYM_ENDINGS):
        return set()  # what the pattern requires, tested without it for the many keys that fail
    m = _EPONYM_RE.match(key)
    if not m:
        return set()
    # "Guillain-Barré综合征": the key drops the space before a Chinese character, as text keys do.
    return {m.group(1) + ending for ending in _eponym_endings(m.group(2))}


@cache
def _eponym_endings(kind: str) -> frozenset[str]:
    """What `name_variants` gives for "<Latin name><head>", as the endings after the name, the same
    whatever the name: the rules that read a key's start (an organ, a pain, an electrolyte, a type
    number) need a Chinese character there, and the regional words, all Chinese, change the head
    alone. Worked out once per kind, with a one-letter name, rather than for ~10,000 names."""
    return frozenset(form[1:] for head in _EPONYM_HEADS[kind] for form in name_variants("x" + head))


def name_variants(key: str) -> set[str]:
    """`key` and the other ways Chinese reports write it (see the module docstring)."""
    # Fast paths, each the test the general path below would fail, without its calls (this runs
    # for ~120,000 keys a cold build, ~100,000 of them plain ASCII): an ASCII key that names no
    # eponymous disease or syndrome has no variant.
    if key.isascii() and not key.endswith(_EPONYM_ENDINGS):
        return {key}
    if max(key) < "\u0250":  # Latin script only (the key is not empty: "" is ASCII)
        return {key, *_eponym_forms(key)}
    if not _TRIGGERS.intersection(key):
        return {key}
    out = {key}
    # Most keys hold none of the words: one substring test over all the forms so far skips a pair
    # (the build calls this for every one of ~150,000 names).
    forms = key
    for mainland, other in REGIONAL_WORDS:
        if mainland in forms:
            out |= {k.replace(mainland, other) for k in out if mainland in k}
            forms = "\n".join(out)
    # Each pattern below needs a character the key may lack (型, 痛, 症, an organ first): a
    # substring test skips the regular expression for the keys without it. The last two
    # characters, not the last one: `$` also matches before a final newline.
    typed_forms = "型" in forms
    if typed_forms:
        out |= {
            _STEM_TYPE_RE.sub(lambda m: _STEM_TYPES[m.group(0)], k) for k in out if _STEM_TYPE_RE.search(k)
        }
    out |= {_ORGAN_RE.sub(r"\1脏", k) for k in out if k[:1] in _ORGANS and _ORGAN_RE.search(k)}
    if "氏" in forms:  # and the other way round: 史蒂文生氏-强生症候群 is also written without it
        out |= {_NAME_SHI_RE.sub("", k) for k in list(out) if "氏" in k}
    else:
        out |= {f"{e.group(1)}氏{e.group(2)}" for k in list(out) if (e := _ZH_EPONYM_RE.match(k))}
    for k in list(out):
        pain = _PAIN_RE.match(k) if "痛" in k[-2:] else None
        if pain and pain.group(1)[-1] not in _PAIN_QUALIFIERS:
            stem = pain.group(1)
            out |= {stem + "痛", stem + "疼痛", *(stem + tender for tender in _TENDER_WORDS)}
            if len(stem) == 1:
                out |= {stem + "部疼痛", stem + "部痛", stem + "疼"}
                out |= {stem + "部" + tender for tender in _TENDER_WORDS}
        if k.endswith("疝"):
            out.add(k + "气")
        if k.endswith("水肿") and len(k) > 3:
            out.add(k[:-2] + "肿")  # a part's oedema is its swelling: 四肢水肿 = 四肢肿 ("四肢不肿")
        nodes = _NODES_ENLARGED_RE.match(k) if "淋巴" in k else None
        if nodes:
            site, node, enlarged = nodes.groups()
            out |= {f"{site}{enlarged}{node}", f"{site}{enlarged}的{node}"}
        antibody = _ANTIBODY_RE.match(k) if k[:1] == "抗" else None
        if antibody:
            out.add(f"抗{antibody.group(1)}{k[antibody.end() :]}")
        level = _ELECTROLYTE_RE.match(k) if "症" in k[-2:] else None
        if level:
            out |= {f"{level.group(1)}血{level.group(2)}", f"{level.group(1)}血{level.group(2)}症"}
        typed = (_TYPE_AFTER_RE.match(k) or _TYPE_BEFORE_RE.match(k)) if typed_forms and "型" in k else None
        if typed:
            name, number = (
                (typed.group(1), typed.group(2))
                if typed.re is _TYPE_AFTER_RE
                else (typed.group(2), typed.group(1))
            )
            numeral = _NUMERALS.get(number)
            if numeral:
                out.add(f"第{numeral}型{name}")
    return out


__all__ = ["REGIONAL_WORDS", "name_variants"]
