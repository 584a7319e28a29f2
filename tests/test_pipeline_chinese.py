"""Chinese reports in either script: conversion with offsets into the original, headings, ages
and sexes, regional wording. Short texts written for these tests."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract
from ingest.pipeline import normalize as normalize_module
from ingest.pipeline.normalize import normalise
from ingest.pipeline.structure import CASE, DISCUSSION, INTRO, layout
from vocab import languages
from vocab.languages import chinese_script
from vocab.languages.zh_wording import name_variants


def _patient(text: str) -> dict:
    record = extract(text)
    assert record["patients"], record
    return record["patients"][0]


def _evidence_is_original(text: str, patient: dict) -> None:
    facts = [patient["age"]] if patient["age"] else []
    for kind in ("features", "diagnoses", "measurements", "treatments", "outcomes"):
        facts.extend(patient[kind])
    for fact in facts:
        ev = fact["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["text"]


# ------------------------------------------------------------------ script conversion
TRADITIONAL = "病例資料\n患者為男性，47歲。主訴：發燒兩週，雙下肢水腫。\n診斷為系統性紅斑狼瘡。"


def test_traditional_report_is_matched_after_conversion_with_original_evidence():
    patient = _patient(TRADITIONAL)
    assert patient["sex"] == "male"
    assert patient["age"]["years"] == 47 and patient["age"]["evidence"]["text"] == "47歲"
    codes = {f["code"]: f["evidence"]["text"] for f in patient["features"]}
    assert codes["HP:0001945"] == "發燒"
    assert codes["HP:0010741"] == "雙下肢水腫"
    assert any(
        d["code"] == "ORPHA:536" and d["evidence"]["text"] == "系統性紅斑狼瘡" for d in patient["diagnoses"]
    )
    _evidence_is_original(TRADITIONAL, patient)


def test_normalised_text_is_simplified_and_maps_back_through_nfkc():
    original = "患者為女性，５６歲，體溫３８．５℃。"
    norm = normalise(original, language="zh")
    assert "患者为女性" in norm.text and "56岁" in norm.text
    i = norm.text.index("56岁")
    assert norm.evidence(i, i + 3)["text"] == "５６歲"


def test_a_conversion_that_changes_length_composes_with_the_offset_map(monkeypatch):
    # The Taiwan-idiom configuration turns 記憶體 (3 characters) into 内存 (2): every later
    # character shifts, and evidence must still land on the original text.
    convert = chinese_script.to_simplified
    monkeypatch.setattr(
        normalize_module.chinese_script, "to_simplified", lambda text: convert(text, config="tw2sp")
    )
    original = "記憶體損傷後，患者５６歲出現發燒。"
    norm = normalise(original, language="zh")
    assert norm.text.startswith("内存")
    for needle, expected in (("56岁", "５６歲"), ("发烧", "發燒"), ("内存", "記憶體")):
        i = norm.text.index(needle)
        assert norm.evidence(i, i + len(needle))["text"] == expected


def test_english_text_is_not_touched_by_the_conversion():
    original = "A 40-year-old woman with fever."
    assert normalise(original, language="en").text == original


# ------------------------------------------------------------------ structure
def test_bracketed_headings_and_a_background_box():
    text = (
        "某病一例\n【病例摘要】患者女，30岁，发热3天。\n【疾病简介】本病可有皮疹、关节痛。"
        "\n【讨论】本病多见于儿童。"
    )
    norm = normalise(text, language="zh")
    sentences, _ = layout(norm.text, "zh")
    section_of = {norm.text[s.start : s.end]: s.section for s in sentences}
    assert any(section == CASE and "发热" in sentence for sentence, section in section_of.items())
    assert any(section == INTRO and "皮疹" in sentence for sentence, section in section_of.items())
    assert any(section == DISCUSSION and "儿童" in sentence for sentence, section in section_of.items())
    patient = _patient(text)
    assert "HP:0000988" not in {f["code"] for f in patient["features"]}  # the background box's rash


def test_record_fields_open_the_case_part_and_keep_their_line():
    text = "门诊病例摘要\n记录日期：2024年3月1日\n病人资料：王先生，男，58岁。\n现病史：咳嗽1月。"
    norm = normalise(text, language="zh")
    sentences, _ = layout(norm.text, "zh")
    kinds = [(norm.text[s.start : s.end], s.section) for s in sentences]
    assert ("病人资料:王先生,男,58岁。", CASE) in kinds
    patient = _patient(text)
    assert patient["sex"] == "male" and patient["age"]["years"] == 58


def test_prose_that_starts_with_a_field_word_is_not_a_heading():
    text = "1 病例资料\n患者男，40岁，发热。\n2 讨论\n体格检查可发现皮疹。"
    sentences, _ = layout(normalise(text, language="zh").text, "zh")
    assert sentences[-1].section == DISCUSSION


@pytest.mark.parametrize(
    "text",
    [
        "患者，男，61岁，因反复胸闷、心悸2个月入院。查体：心率112次/分。",
        "患者為一名61歲男性，因反覆胸悶、心悸2個月入院。入院查體：心率112次/分。",
        "女，61岁，胸闷、心悸2个月。\n现病史：活动后加重。",
    ],
)
def test_the_patients_opening_sentence_is_case_when_only_record_fields_follow(text):
    # No case heading ("病例资料"), only a record field: the sentence that introduces the patient
    # is where the case begins, not the field; its chief complaint used to be read as introduction.
    codes = {f["code"] for f in _patient(text)["features"] if not f["excluded"]}
    assert {"HP:0031352", "HP:0001962"} <= codes  # chest tightness, palpitations


def test_a_general_statement_before_the_patients_opening_stays_introduction():
    text = "本病多见于40岁以上男性，常有发热。现报道1例。\n患者，女，52岁，因咳嗽2周入院。查体：体温36.8℃。"
    norm = normalise(text, language="zh")
    sentences, _ = layout(norm.text, "zh")
    assert sentences[0].section == INTRO
    codes = {f["code"] for f in _patient(text)["features"]}
    assert "HP:0012735" in codes  # the patient's cough
    assert "HP:0001945" not in codes  # fever belongs to the disease's description


# ------------------------------------------------------------------ demographics
@pytest.mark.parametrize(
    ("text", "years", "sex"),
    [
        ("病患周女士，55歲，因發熱入院。", 55, "female"),
        ("病人資料：陳先生，男，63歲。", 63, "male"),
        ("患者為37歲男性，因腹痛就診。", 37, "male"),
        ("性別：女，年齡：40岁，发热。", 40, "female"),
        ("患儿，男，3月龄，咳嗽。", 0.25, "male"),
        ("女童，5岁，皮疹。", 5, "female"),
        ("一名六十岁老翁，胸痛。", 60, "male"),
        ("孕妇，二十八岁，发热。", 28, "female"),
    ],
)
def test_ages_and_sexes_in_either_script(text, years, sex):
    zh = languages.LANGUAGES["zh"]
    simplified = chinese_script.simplify(text)
    found_years, a, b = zh.find_age(simplified)
    assert found_years == years and simplified[a:b]
    found_sex, _, _ = zh.find_sex(simplified)
    assert found_sex == sex


def test_an_age_at_a_past_event_is_not_the_patients_age():
    zh = languages.LANGUAGES["zh"]
    assert zh.find_age("45岁时发现血压偏高，现63岁")[0] == 63
    assert zh.find_age("1岁9个月大时接受移植") is None


def test_a_relatives_title_is_not_the_patients_sex():
    assert languages.LANGUAGES["zh"].find_sex("其母亲李女士代诉病史") is None


def test_age_and_sex_from_the_title_when_the_case_part_omits_them():
    patient = _patient("52岁男性急性胰腺炎1例\n现病史：腹痛2天，呕吐。")
    assert patient["age"]["years"] == 52 and patient["sex"] == "male"


# ------------------------------------------------------------------ regional wording
@pytest.mark.parametrize(
    ("key", "variant"),
    [
        ("胃食管反流", "胃食道逆流"),
        ("乙型肝炎", "b型肝炎"),
        ("1型糖尿病", "第一型糖尿病"),
        ("黏多糖贮积症i型", "第一型黏多糖贮积症"),
        ("背痛", "背部疼痛"),
        ("关节疼痛", "关节痛"),
        ("肝衰竭", "肝脏衰竭"),
        ("颜面水肿", "颜面浮肿"),
        ("腹股沟疝", "鼠蹊部疝气"),
        ("急性心肌梗死", "急性心肌梗塞"),
        ("甲状腺功能减退", "甲状腺机能低下"),
        ("特应性皮炎", "异位性皮肤炎"),
        ("强直性脊柱炎", "僵直性脊椎炎"),
        ("淋巴结肿大", "淋巴腺肿大"),
        ("高安动脉炎", "高安氏动脉炎"),  # 氏 after the name of any eponymous disease
        ("噬血细胞综合征", "噬血球症候群"),
        ("隐球菌性脑膜炎", "隐球菌脑膜炎"),
        ("巴金森氏症", "巴金森症"),
        ("炎性肠病", "炎症性肠病"),
    ],
)
def test_regional_and_everyday_variants_of_a_term(key, variant):
    assert variant in name_variants(key)


def test_qualified_pain_words_get_no_pain_variants():
    assert name_variants("压痛") == {"压痛"}


def test_taiwan_wording_finds_the_same_facts():
    patient = _patient("患者男，37歲，診斷為B型肝炎急性發作，伴胃食道逆流、背部疼痛。")
    codes = {f["code"] for f in patient["features"]}
    assert {"HP:0002020", "HP:0003418", "HP:0012115"} <= codes
    assert "MONDO:0005344" in {d["code"] for d in patient["diagnoses"]}


def test_chinese_test_names_take_their_regional_forms():
    patient = _patient("個案為58歲女性。白血球計數15.2×10^9/L，三酸甘油酯8.5 mmol/L。")
    analytes = {m["analyte"] for m in patient["measurements"]}
    assert {"WBC", "triglycerides"} <= analytes


def test_a_case_report_heading_of_taiwan_usage_opens_the_case():
    text = "前言\n本病罕见，可有发热、皮疹。\n个案报告\n患者男，30岁，咳嗽。\n结语\n本病可有腹痛。"
    sentences, _ = layout(normalise(text, language="zh").text, "zh")
    assert [s.section for s in sentences] == [INTRO, INTRO, CASE, CASE, DISCUSSION, DISCUSSION]


def test_case_series_markers_of_taiwan_usage_give_patients():
    text = "个案报告\n个案一：患者男，30岁，发热。\n个案二：患者女，40岁，皮疹。"
    sentences, n = layout(normalise(text, language="zh").text, "zh")
    assert n == 2 and sentences[-1].patient == 1


def test_a_disease_that_is_also_a_phenotype_is_both_a_feature_and_a_diagnosis():
    patient = _patient("患者男，63岁。评估及诊断：慢性病程，肾衰竭。")
    assert "HP:0000083" in {f["code"] for f in patient["features"]}
    assert "MONDO:0001106" in {d["code"] for d in patient["diagnoses"]}


# ------------------------------------------------------------------ wording classes (issue 11)
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者女，30岁。查体：双眼结膜明显充血。", "HP:0030953"),  # conjunctival hyperaemia
        ("患者男，52岁。近1个月食欲也明显变差。", "HP:0004396"),  # poor appetite
        ("患者男，41岁。起病后食欲一天比一天差。", "HP:0004396"),
        ("患者女，28岁。入院时双眼睑水肿。", "HP:0100540"),  # palpebral, not facial, oedema
        ("患者男，60岁。腹痛后吐出少量胃内容物。", "HP:0002013"),  # vomiting
    ],
)
def test_degree_words_inside_a_finding_and_everyday_wording(text, code):
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"] if not f["excluded"]}
    _evidence_is_original(text, patient)


def test_degree_words_never_join_words_of_two_clauses():
    # 明显 between two clauses: "发热" and "好转" name nothing together.
    patient = _patient("患者女，30岁。发热，明显好转后出院。")
    assert all(f["evidence"]["text"] != "发热，明显好转" for f in patient["features"])


def test_hyperaemia_beside_swelling_is_no_haematoma():
    patient = _patient("患者男，9岁。查体：舌体充血肿胀。")
    assert all("hematoma" not in (f.get("label") or "").lower() for f in patient["features"])
    assert all("hematoma" not in str(u).lower() for u in patient.get("uncoded_findings", []))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Examination words inside the finding's words; Taiwan wording, in traditional script.
        ("患兒男，8個月。右側鼠蹊部可觸及疝氣。", "HP:0000023"),  # inguinal hernia
        ("患者女，40岁。右侧腹股沟区可扪及疝。", "HP:0000023"),
        ("患兒女，2歲。兩側髖關節活動偏緊。", "HP:0008800"),  # limited hip movement
        ("患兒女，2歲。雙側手肘無法完全打直。", "HP:0001377"),  # limited elbow extension
        ("患者男，70歲。胸部X光顯示右側肋膜積水。", "HP:0002202"),  # pleural effusion
        ("患者男，35岁。术后无法行走。", "HP:0002540"),  # inability to walk
    ],
)
def test_examination_and_regional_wording(text, code):
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"] if not f["excluded"]}
    _evidence_is_original(text, patient)


def test_regional_laboratory_names_are_read_as_their_tests():
    patient = _patient("患者男，58歲。血紅素82 g/L，左心室射出分率35%，嗜中性球比例88%。")
    results = {m["analyte"]: m["interpretation"] for m in patient["measurements"]}
    assert results.get("hemoglobin") == "low"
    assert results.get("LVEF") == "low"
    assert results.get("neutrophil percentage") == "high"


def test_an_examination_word_after_a_negation_is_the_negation_s():
    patient = _patient("患者男，30岁。查体：肝脾肋下未触及，腹股沟区未触及疝。")
    assert "HP:0000023" not in {f["code"] for f in patient["features"] if not f["excluded"]}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Everyday and Taiwan/Hong Kong wording of common symptoms, in either script.
        ("病患為62歲女性，近一週活動後會喘，小便有泡泡。", "HP:0002875"),  # exertional dyspnoea
        ("病患為62歲女性，近一週小便有泡泡。", "HP:0031504"),  # foamy urine
        ("病患為45歲男性，全身皮膚搔癢兩週。", "HP:0000989"),  # pruritus (搔癢 for 瘙痒)
        ("病患為45歲男性，入院時心跳過快。", "HP:0001649"),  # tachycardia
        ("病患為45歲男性，抽血發現肝指數上升。", "HP:0002910"),  # raised transaminases
        ("病患為70歲男性，心臟超音波顯示心包膜積水。", "HP:0001698"),  # pericardial effusion
        ("病患為70歲男性，近日頻尿。", "HP:0100515"),  # urinary frequency
        ("患儿男，2岁，生长迟缓，喂食困难。", "HP:0001510"),  # growth delay
        ("患兒男，2歲，餵食困難。", "HP:0011968"),  # feeding difficulties
        ("患兒女，1歲，肌肉張力低下。", "HP:0001252"),  # hypotonia
        ("患者男，52岁，怕热、多汗2月。", "HP:0002046"),  # heat intolerance
        ("患者男，66岁，饮水呛咳1周。", "HP:0030842"),  # choking on drinking
        # Dysmorphology and development, in the informal words of examination notes.
        ("患儿女，4岁。查体：高腭弓，双手通贯掌。", "HP:0000218"),
        ("患儿女，4岁。查体：双手通贯掌。", "HP:0000954"),
        ("患儿男，1岁。查体：鸡胸，右手多指。", "HP:0000768"),
        ("患儿男，1岁。查体：右手多指。", "HP:0001161"),
        ("患儿男，5岁，易跌倒，腓肠肌肥大。", "HP:0002359"),
        ("患儿男，5岁，腓肠肌肥大。", "HP:0008981"),
        ("患儿女，18月龄，不能独坐，运动发育落后。", "HP:0025336"),
        ("患儿女，18月龄，运动发育落后。", "HP:0001270"),
        ("患者女，16岁。查体：蓝色巩膜，关节过伸。", "HP:0000592"),
        ("患者女，16岁。查体：关节过伸。", "HP:0001382"),
        ("患者女，57岁。全身皮肤黏膜黄染。", "HP:0000952"),  # jaundice in examination words
        ("病患為33歲女性，手臂出現多顆水泡。", "HP:0008066"),  # 水泡 for 水疱
        ("病患為33歲女性，發燒伴隨寒顫。", "HP:0025145"),  # 寒顫 for 寒战 (rigors)
        ("病患為33歲女性，近半年掉髮嚴重。", "HP:0001596"),  # alopecia
        ("病患為70歲男性，今晨在家中昏厥。", "HP:0001279"),  # syncope
        ("病患為70歲男性，入院前一天吐血。", "HP:0002248"),  # haematemesis
        ("病患為70歲男性，術後尿滯留。", "HP:0000016"),  # urinary retention
        ("患者女，57岁。胸部CT示双肺多发结节。", "HP:0033608"),  # nodules of the lungs, not the skin
        # A graded muscle strength below 5 is weakness (the grade is read as the test's value).
        ("患者男，58岁。查体：双下肢肌力3级。", "HP:0001324"),
    ],
)
def test_everyday_regional_and_paediatric_wording(text, code):
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"] if not f["excluded"]}
    _evidence_is_original(text, patient)


def test_full_muscle_strength_is_no_weakness():
    patient = _patient("患者男，58岁。查体：四肢肌力5级，肌张力正常。")
    assert "HP:0001324" not in {f["code"] for f in patient["features"] if not f["excluded"]}
    assert ("muscle strength", 5, "normal") in {
        (m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # An eponymous disease written with its Latin name and a Chinese head, as Chinese reports do.
        ("患者女，24岁。入院后诊断为Marfan综合征。", "ORPHA:558"),
        ("患者男，31岁。肠镜活检后确诊为Crohn病。", "MONDO:0005011"),
        ("患者男，45岁。最终诊断为Guillain-Barré综合征。", "MONDO:0016218"),
        ("患者男，6岁。诊断为Kawasaki病。", "ORPHA:2331"),
        # Taiwan names with 氏, in traditional script.
        ("病患為38歲女性，確診為休格倫氏症候群。", "ORPHA:289390"),
        ("病患為29歲男性，診斷為貝賽特氏症。", "ORPHA:117"),
        ("病患為41歲女性，診斷為葛瑞夫茲氏病。", "OMIM:275000"),
        ("病患為3歲男童，診斷為川崎氏症。", "ORPHA:2331"),
        ("病患為52歲女性，診斷為庫欣氏症候群。", "MONDO:0018912"),
    ],
)
def test_eponymous_diseases_in_chinese_reports(text, code):
    patient = _patient(text)
    assert code in {d["code"] for d in patient["diagnoses"] if d["status"] == "final"}
    _evidence_is_original(text, patient)


def test_an_eponym_variant_needs_a_disease_or_syndrome_head():
    assert {"marfan综合征", "marfan症候群"} <= name_variants("marfan syndrome")
    assert {"crohn病", "crohn氏症"} <= name_variants("crohn disease")
    assert name_variants("fever") == {"fever"}
    assert name_variants("disease") == {"disease"}


def test_no_tenderness_on_examination_is_no_excluded_pain():
    # 无压痛 is an examination sign stated absent; it says nothing coded about pain.
    patient = _patient("患者女，40岁。查体：腹软，无压痛、反跳痛，双下肢无水肿。")
    excluded = {f["code"] for f in patient["features"] if f["excluded"]}
    assert "HP:0012531" not in excluded
    assert "HP:0010741" in excluded  # the oedema of the same sentence is still stated absent


@pytest.mark.parametrize(
    ("text", "code", "excluded"),
    [
        ("患儿男，5岁。脑电图：异常。", "HP:0002353", False),
        ("患儿男，5岁。脑电图示癫痫样放电。", "HP:0011182", False),
        ("患儿男，5岁。脑电图未见异常。", "HP:0002353", True),
    ],
)
def test_an_examination_found_abnormal(text, code, excluded):
    patient = _patient(text)
    assert (code, excluded) in {(f["code"], f["excluded"]) for f in patient["features"]}
    assert not patient["diagnoses"]  # epileptiform discharges are no diagnosis of epilepsy


def test_no_yellowing_of_skin_and_mucosa_excludes_jaundice():
    patient = _patient("患者女，57岁。查体：皮肤黏膜无黄染，浅表淋巴结未触及肿大。")
    assert {"HP:0000952", "HP:0002716"} <= {f["code"] for f in patient["features"] if f["excluded"]}


@pytest.mark.parametrize(
    ("text", "code", "excluded"),
    [
        # Neurological examination written as record fields with their result.
        ("患者女，35岁。查体：腱反射：双下肢亢进。", "HP:0002395", False),
        ("患者女，35岁。查体：病理征：双侧阳性。", "HP:0003487", False),
        ("患者女，35岁。查体：病理征：阴性。", "HP:0003487", True),
        ("患者女，35岁。四肢腱反射对称，病理征（-）。", "HP:0003487", True),
        ("患者女，35岁。双侧巴氏征（+）。", "HP:0003487", False),
        ("患者女，35岁。共济运动：跟-膝-胫试验欠稳准。", "HP:0002070", False),  # limb ataxia
        ("患者女，35岁。左侧指鼻试验不稳。", "HP:0001310", False),  # dysmetria
        ("患者女，35岁。双侧指鼻试验稳准。", "HP:0001310", True),
    ],
)
def test_examination_fields_with_their_result(text, code, excluded):
    patient = _patient(text)
    assert (code, excluded) in {(f["code"], f["excluded"]) for f in patient["features"]}
    _evidence_is_original(text, patient)


# ------------------------------------------------------------------ Taiwan terms as families (issue 11)
@pytest.mark.parametrize(
    ("key", "variant"),
    [
        ("甲状旁腺功能亢进", "副甲状腺机能亢进"),
        ("甲状旁腺激素", "副甲状腺荷尔蒙"),
        ("甲状腺功能亢进", "甲状腺亢进"),
        ("高钾血症", "高血钾"),
        ("低钠血症", "低血钠症"),
        ("全血细胞减少", "全血球低下"),
        ("过敏性紫癜", "过敏性紫斑"),
        ("深静脉血栓形成", "深部静脉栓塞"),
        ("热性惊厥", "热性痉挛"),
        ("脑性瘫痪", "脑性麻痹"),
        ("b型利钠肽", "b型利钠胜肽"),
        ("肌钙蛋白i", "心肌旋转蛋白i"),
    ],
)
def test_taiwan_forms_of_a_family_of_terms(key, variant):
    assert variant in name_variants(key)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者為62歲女性，確診為副甲狀腺機能亢進。", "HP:0000843"),  # not the thyroid's
        ("患者為45歲男性，術後出現副甲狀腺機能低下。", "HP:0000829"),
        ("患者為70歲男性，有攝護腺肥大病史。", "HP:0008711"),
        ("患者為50歲男性，抽血發現高血鉀。", "HP:0002153"),
        ("患者為66歲女性，合併低血鈉症。", "HP:0002902"),
        ("患者為30歲女性，化療後出現全血球低下。", "HP:0001876"),
        ("患兒男，2歲，曾有熱性痙攣。", "HP:0002373"),
        ("患者女，45岁，近半年手脚发麻。", "HP:0003401"),
        ("患者男，70岁，突发讲话不清。", "HP:0001350"),
    ],
)
def test_taiwan_and_everyday_terms_are_coded(text, code):
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"]}
    assert "HP:0000836" not in {f["code"] for f in patient["features"]}  # never hyperthyroidism
    _evidence_is_original(text, patient)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("個案為8歲男童，臨床診斷為妥瑞氏症。", "OMIM:137580"),
        ("患童為1歲女嬰，確診為龐貝氏症。", "OMIM:232300"),
        ("患者為20歲男性，診斷為馬凡氏症。", "ORPHA:558"),
        ("患童3歲，染色體檢查確診為唐氏症。", "ORPHA:870"),
    ],
)
def test_taiwan_names_of_rare_diseases(text, code):
    assert code in {d["code"] for d in _patient(text)["diagnoses"]}


def test_parathyroid_hormone_of_taiwan_usage_is_a_test_not_a_drug():
    patient = _patient("患者為62歲女性。副甲狀腺素 250 pg/mL，血磷 2.0 mg/dL。")
    results = {m["analyte"]: m["interpretation"] for m in patient["measurements"]}
    assert results.get("PTH") == "high"
    assert results.get("phosphorus") == "low"  # mg/dL against a reference in mmol/L
    assert not patient["treatments"]


def test_heparin_binding_protein_is_a_test_not_heparin():
    patient = _patient("患儿男，3岁。降钙素原及肝素结合蛋白升高，提示细菌感染。")
    assert not patient["treatments"]


def test_tandem_mass_spectrometry_and_organic_acid_results():
    patient = _patient(
        "患儿男，1岁。串联质谱：游离肉碱 3.1 μmol/L（参考 10～50）↓，丙酰肉碱 5.2 μmol/L。"
        "尿有机酸：甲基枸橼酸 4.0（参考 0～1）↑。"
    )
    results = {m["analyte"]: (m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert results["free carnitine"] == (3.1, "low")
    assert results["propionylcarnitine"][0] == 5.2
    assert results["methylcitric acid"] == (4.0, "high")
    codes = {f["code"] for f in patient["features"] if not f["excluded"]}
    assert {"HP:0008315", "HP:0034662"} <= codes


def test_a_labelled_case_summary_after_the_title_opens_the_case():
    # The blank line after the title is joined as a PDF break would be; "病史摘要：" must still
    # start its own line, or the history under it is read as part of the title block.
    text = "某病救治1例\n\n病史摘要：患者男，40岁，因腹痛1天入院，伴呕吐。\n\n入院查体：腹部压痛。"
    sentences, _ = layout(normalise(text, language="zh").text, "zh")
    assert [s.section for s in sentences] == [INTRO, CASE, CASE]
    assert "HP:0002013" in {f["code"] for f in _patient(text)["features"]}


def test_counts_written_with_ten_thousands():
    text = "患者為65歲男性。白血球1.2萬/μL，血小板 3.5萬/uL，自費3萬元。"
    patient = _patient(text)
    results = {m["analyte"]: (m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert results["WBC"] == (12000, "high")
    assert results["platelets"] == (35000, "low")
    assert all(m["value"] != 30000 for m in patient["measurements"])
    _evidence_is_original(text, patient)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患儿男，2岁，抽搐1次。头颅CT和MRI亦未发现病变。", "HP:0012443"),
        ("患者女，50岁，胸痛。冠脉造影未见明显狭窄。", "HP:0001677"),
        ("患者男，60岁，心悸。心电图：未见异常。", "HP:0003115"),
        ("患者男，30岁，乏力。心脏彩超未见明显异常。", "HP:0001627"),
    ],
)
def test_an_examination_found_normal_excludes_its_abnormality(text, code):
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"] if f["excluded"]}
    _evidence_is_original(text, patient)


def test_an_abnormal_examination_is_not_excluded():
    patient = _patient("患者男，60岁。头颅MRI异常，胸部CT示肺部感染。")
    excluded = {f["code"] for f in patient["features"] if f["excluded"]}
    assert not excluded & {"HP:0012443", "HP:0002088"}


@pytest.mark.parametrize(
    ("text", "code", "status"),
    [
        # a disease the vocabulary codes as a finding, not ruled out or ruled out as the diagnosis
        ("患者男，50岁，发热1个月。不除外淋巴瘤。", "HP:0002665", "differential"),
        ("患者男，50岁，发热1个月。不排除淋巴瘤可能。", "HP:0002665", "differential"),
        ("患者男，50岁，发热1个月。骨髓穿刺未见异常，排除白血病。", "HP:0001909", "excluded"),
        ("患者男，50岁。经骨髓检查除外白血病、淋巴瘤及多发性骨髓瘤。", "HP:0006775", "excluded"),
        ("患者為50歲男性。骨髓檢查後排除白血病。", "HP:0001909", "excluded"),
    ],
)
def test_a_disease_not_ruled_out_or_ruled_out_has_that_status(text, code, status):
    found = {d["code"]: d for d in _patient(text)["diagnoses"]}
    assert found[code]["status"] == status
    assert found[code].get("excluded", False) == (status == "excluded")


def test_a_finding_stated_absent_is_no_excluded_diagnosis():
    assert _patient("患者男，50岁。无发热、咳嗽，无淋巴结肿大。")["diagnoses"] == []


@pytest.mark.parametrize(
    ("text", "code", "status"),
    [
        ("患童男，8歲，臆斷為腦膜炎，收入病房。", "HP:0001287", "differential"),  # presumptive
        ("患者男，8岁，怀疑为脑膜炎。", "HP:0001287", "differential"),
        ("患者女，50歲，診斷出乳癌。", "HP:0003002", "final"),
        ("患者男，30岁，胸片正常，已排除结核感染。", "MONDO:0018076", "excluded"),
        ("患者為62歲男性，確診為再生不良性貧血。", "HP:0001915", "final"),
        ("患者為12歲女孩，確診為海洋性貧血。", "ORPHA:848", "final"),
        ("患者為45歲男性，診斷為骨髓分化不良症候群。", "OMIM:614286", "final"),
        ("患者為55歲男性，確診為IgA腎病變。", "MONDO:0005342", "final"),
        ("患者為30歲女性，懷疑為高安氏動脈炎。", "ORPHA:3287", "differential"),
        ("患者為8歲男童，確診為噬血球症候群。", "MONDO:0015540", "final"),
        ("患者為60歲女性，診斷為尿道感染。", "MONDO:0100338", "final"),
        ("患者為50歲男性，排除類肉瘤病。", "ORPHA:797", "excluded"),
        ("患者為28歲孕婦，診斷為子癇前症。", "MONDO:0005081", "final"),
        ("患者為45歲女性，診斷為毒性表皮溶解症。", "ORPHA:537", "final"),
        ("患者女，30岁，孕32周，诊断为妊娠期糖尿病。", "MONDO:0005406", "final"),
        ("患者男，20岁，考虑EB病毒感染。", "MONDO:0005111", "differential"),
        ("患者男，15岁，确诊为威尔逊病。", "ORPHA:905", "final"),
        ("患者為9歲女童，臨床上懷疑為史蒂文生-強生症候群。", "ORPHA:36426", "differential"),  # no 氏
        ("患者男，52岁，诊断为慢性炎症性脱髓鞘性多发性神经根神经病。", "ORPHA:2932", "final"),
        ("患者女，41岁，符合特发性炎性肌病诊断。", "MONDO:0600023", "final"),
        ("患者女，66岁，冠脉造影正常，诊断为Takotsubo心肌病。", "HP:0011665", "final"),
        ("患者男，70岁，低钠血症，考虑抗利尿激素分泌失调综合征。", "HP:0031218", "differential"),
        ("患者女，28岁，既往炎性肠病病史。", "MONDO:0005265", "history"),
        ("患者男，60岁，血培养阳性，诊断为念珠菌血症。", "MONDO:0044070", "final"),
        ("患者女，12岁，血清MOG抗体阳性，诊断为MOG抗体相关疾病。", "MONDO:1040024", "final"),
        ("患儿男，7岁，新冠感染后4周，诊断为儿童多系统炎症综合征。", "MONDO:0100163", "final"),
        ("患者男，35岁，咯血、血尿，确诊为抗GBM病。", "ORPHA:375", "final"),
        ("患者男，20岁，颈部淋巴结肿大，病理证实为Rosai-Dorfman病。", "MONDO:0006412", "final"),
        ("患者女，45岁，颈部淋巴结肿大，需与淋巴瘤相鉴别。", "HP:0002665", "differential"),
        ("病童男，2歲，確診為熱痙攣。", "HP:0002373", "final"),
        ("患者為70歲男性，過去有末期腎臟病，規律洗腎。", "HP:0003774", "history"),
        ("患者為30歲女性，診斷為免疫性血小板低下紫斑症。", "ORPHA:3002", "final"),
        ("患者為80歲男性，皮膚切片證實為類天皰瘡。", "ORPHA:703", "final"),
        ("患者為6歲女童，診斷為亨諾克-舍恩萊因紫斑症。", "ORPHA:761", "final"),
        ("患者男，30岁，发热、头痛，诊断为脑炎。", "MONDO:0019956", "final"),
        ("患者男，62岁，胸背痛，入院后明确为主动脉夹层。", "HP:0002647", "final"),
    ],
)
def test_diagnosis_wording_and_taiwan_disease_names(text, code, status):
    found = {d["code"]: d["status"] for d in _patient(text)["diagnoses"]}
    assert found.get(code) == status


@pytest.mark.parametrize(
    "text",
    [
        "患儿男，3岁，发热合并抽搐2次。",
        "病童女，2歲，發燒合併抽筋，送至急診。",
        "患者男，40岁，咳嗽并发咯血3天。",
    ],
)
def test_a_symptom_joined_to_a_symptom_by_hebing_is_no_diagnosis(text):
    # 合并 between two symptoms says they came together: the second is a feature, not a diagnosis
    patient = _patient(text)
    assert not patient["diagnoses"]
    assert len(patient["features"]) >= 2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者女，50岁，系统性红斑狼疮合并血小板减少。", "HP:0001873"),
        ("患者男，60岁，诊断为重症肺炎合并呼吸衰竭。", "HP:0002093"),
        ("患者女，30岁，抽搐合并心肌炎诊断成立。", "HP:0012819"),
    ],
)
def test_a_finding_joined_by_hebing_to_a_disease_is_a_diagnosis(text, code):
    assert code in {d["code"] for d in _patient(text)["diagnoses"]}


def test_a_normal_angiogram_with_its_result_after_a_comma():
    patient = _patient("患者女，45岁，胸痛。急诊行冠脉造影，结果正常，急性冠脉综合征得以排除。")
    excluded = {f["code"] for f in patient["features"] if f["excluded"]}
    assert {"HP:0001677", "HP:0033678"} <= excluded


def test_hepatitis_serology_is_read_as_tests_not_as_the_disease():
    text = "患者男，30歲。B型肝炎表面抗原陰性，乙肝表面抗体阳性，A型肝炎病毒IgM抗體陽性。"
    patient = _patient(text)
    results = {m["analyte"]: m["interpretation"] for m in patient["measurements"]}
    assert results == {"HBsAg": "negative", "anti-HBs": "positive", "anti-HAV IgM": "positive"}
    assert "MONDO:0005344" not in {d["code"] for d in patient["diagnoses"]}  # no hepatitis B
    _evidence_is_original(text, patient)


def test_an_antibody_panel_named_after_a_disease_is_no_diagnosis():
    patient = _patient("患儿女，5岁，抽搐。脑脊液自身免疫性脑炎相关抗体均阴性。")
    assert not patient["diagnoses"]
    assert patient["measurements"][0]["interpretation"] == "negative"


def test_a_panel_named_twice_before_its_results():
    patient = _patient("患者男，30岁，头痛。脑脊液常规及生化：细胞数35×10^6/L，氯化物118 mmol/L。")
    results = {m["analyte"]: (m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert results["CSF cell count"] == (35, "high")
    assert results["CSF chloride"] == (118, "low")
    assert "HP:0012229" in {f["code"] for f in patient["features"]}  # CSF pleocytosis


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者為30歲女性，扁桃腺腫大。", "HP:0030812"),
        ("患者為60歲男性，右眼視網膜剝離。", "HP:0000541"),
        ("患者為35歲女性，經血過多半年。", "HP:0000132"),
        ("患者為28歲女性，月經不規則。", "HP:0000858"),
        ("患者為50歲男性，聲音沙啞2週。", "HP:0001609"),
        ("患者為70歲男性，重聽多年。", "HP:0000365"),
        ("患者為66歲男性，構音困難。", "HP:0001260"),
        ("患者為40歲女性，脂漏性皮膚炎。", "HP:0001051"),
        ("患者為52歲男性，近來泡泡尿。", "HP:0031504"),
    ],
)
def test_taiwan_wording_across_specialties(text, code):
    assert code in {f["code"] for f in _patient(text)["features"]}


def test_taiwan_laboratory_names_across_panels():
    patient = _patient(
        "患者為55歲男性。麩胺酸丙酮酸轉胺酶 120 U/L，γ-麩胺醯轉移酶 210 U/L，"
        "估算腎絲球過濾率 35 mL/min/1.73m2，泌乳激素 80 ng/mL，睪固酮 1.2 nmol/L，"
        "葉酸 2.1 ng/mL，攝護腺特異抗原 12 ng/mL。予葉酸5 mg口服。"
    )
    analytes = {m["analyte"] for m in patient["measurements"]}
    assert {"ALT", "GGT", "eGFR", "prolactin", "testosterone", "folate", "PSA"} <= analytes
    assert [t["agent"] for t in patient["treatments"]] == ["folic acid"]  # the folate tested is not given


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者女，30岁。先出现下肢麻木和无力。", "HP:0007340"),  # lower-limb weakness
        ("患者男，45岁。颜面红斑、水肿1周。", "HP:0000282"),  # facial oedema
        ("患者女，52歲。胃部明顯不適、疼痛。", "HP:0410019"),  # epigastric pain
    ],
)
def test_a_body_part_written_once_before_two_findings(text, code):
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"] if not f["excluded"]}
    _evidence_is_original(text, patient)


def test_two_findings_joined_are_not_one_combined_term():
    codes = {f["code"] for f in _patient("患者女，30岁。恶心、呕吐2天。")["features"]}
    assert {"HP:0002018", "HP:0002013"} <= codes and "HP:0002017" not in codes


def test_vital_signs_as_taiwan_reports_write_them():
    text = (
        "病患為45歲男性。到院時體溫38.9度，心跳每分鐘128下，呼吸速率每分鐘24次，血氧 90%。"
        "身高165公分，體重80公斤。心電圖示3度房室傳導阻滯。"
    )
    patient = _patient(text)
    results = {m["analyte"]: (m["value"], m["unit"]) for m in patient["measurements"]}
    assert results["body temperature"] == (38.9, "C")
    assert results["heart rate"] == (128, "/min")
    assert results["respiratory rate"] == (24, "/min")
    assert results["SpO2"] == (90, "%")
    assert results["height"] == (165, "cm") and results["body weight"] == (80, "kg")
    assert "HP:0001678" in {f["code"] for f in patient["features"]}  # the block's grade is no temperature
    _evidence_is_original(text, patient)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者女，40岁，确诊为自身免疫肝炎。", "ORPHA:2137"),  # 自身免疫性肝炎 without 性
        ("患儿男，3岁，诊断为继发性HLH。", "MONDO:0015540"),
    ],
)
def test_disease_names_written_short(text, code):
    assert code in {d["code"] for d in _patient(text)["diagnoses"]}


def test_specialty_measurements():
    text = (
        "患者女，70岁。右眼眼压 42 mmHg，视力0.3。腰椎骨密度T值为-3.1。"
        "24小时尿量400 mL。胸水腺苷脱氨酶 65 U/L。"
    )
    patient = _patient(text)
    results = {m["analyte"]: (m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert results["intraocular pressure"] == (42, "high")
    assert results["visual acuity"][0] == 0.3
    assert results["BMD T-score"] == (-3.1, "low")  # a minus sign after a Chinese word
    assert results["urine output"][0] == 400
    assert results["pleural fluid adenosine deaminase"][0] == 65  # the fluid's test, not the serum's
    codes = {f["code"] for f in patient["features"] if not f["excluded"]}
    assert {"HP:0007906", "HP:0000938"} <= codes  # ocular hypertension, osteopenia
    assert not patient["treatments"]  # the adenosine inside the enzyme's name is not given


def test_endocrine_words_of_taiwan_usage_and_hourly_intervals():
    text = (
        "一名41歲女性，主訴心悸。理學檢查：甲狀腺瀰漫性腫大，雙下肢凹陷性水腫。診斷為葛瑞夫茲病併甲狀腺風暴。"
        "給予propylthiouracil 200 mg每4小時口服、propranolol 20 mg每6小時。懷疑藥物引起之顆粒性白血球缺乏症。"
    )
    patient = _patient(text)
    codes = {f["code"] for f in patient["features"]}
    # goitre, leg oedema, the thyroid crisis (coded Hyperthyroidism, as the English thyroid storm is)
    assert {"HP:0000853", "HP:0010741", "HP:0000836", "HP:0012234"} <= codes
    assert "OMIM:275000" in {d["code"] for d in patient["diagnoses"]}  # Graves disease
    frequency = {t["agent"]: t["frequency"] for t in patient["treatments"]}
    assert frequency == {"propylthiouracil": "every 4 hours", "propranolol": "every 6 hours"}
    _evidence_is_original(text, patient)


def test_a_siblings_history_tetany_and_what_did_not_come_back():
    text = (
        "患儿，女，8月龄，因反复抽搐3天入院。家族史：其兄有癫痫病史。诊断为维生素D缺乏性手足搐搦症。"
        "予葡萄糖酸钙静脉推注。治疗后未再抽搐，未再出现发热。"
    )
    patient = _patient(text)
    assert "MONDO:0005027" not in {d["code"] for d in patient["diagnoses"]}  # the brother's epilepsy
    assert "HP:0001281" in {f["code"] for f in patient["features"]}  # 手足搐搦: tetany
    outcomes = {(o["about"], o["direction"]) for o in patient["outcomes"]}
    assert {("Seizure", "resolved"), ("Fever", "resolved")} <= outcomes


def test_taiwan_drug_names_and_the_everyday_word_for_the_lips():
    text = "病童嘴唇乾裂泛紅。口服高劑量阿斯匹靈（每日80 mg/kg，分4次），發燒時給予普拿疼。"
    patient = _patient(text)
    assert "HP:0031250" in {f["code"] for f in patient["features"]}  # 嘴唇干裂: lip fissure
    assert {t["agent"] for t in patient["treatments"]} == {"acetylsalicylic acid", "paracetamol"}
    _evidence_is_original(text, patient)


# ------------------------------------------------------------------ specialty snippets
# Short presentations written for these tests, one per specialty, in the wording of Chinese
# journal case reports: the commonest complaints, signs, tests and drugs of each.
SPECIALTY_SNIPPETS = {
    "cardiology": "患者男，62岁，因反复胸闷、气促3年，加重伴心慌1周入院。夜间不能平卧，双下肢浮肿。"
    "否认高血压病史。心电图示心房颤动。予呋塞米、美托洛尔治疗。",
    "nephrology": "患者女，35岁，因双下肢浮肿2个月、尿少1周入院。尿中泡沫增多，无肉眼血尿。"
    "血肌酐210 μmol/L。诊断为肾病综合征。予泼尼松治疗。",
    "neurology": "患者男，58岁，因突发头晕、右侧肢体无力伴言语不清6小时入院。无头痛、呕吐。"
    "右侧巴宾斯基征阳性。头颅MRI示急性脑梗死。予阿司匹林治疗。",
    "dermatology": "患者女，28岁，因全身皮疹伴瘙痒2周就诊。患者未诉发热、关节痛。"
    "予氯雷他定口服、外用糠酸莫米松乳膏治疗，1周后皮疹消退。",
    "haematology": "患者男，19岁，因乏力、面色苍白1个月，牙龈出血3天入院。全身皮肤散在瘀点瘀斑。"
    "血小板15×10^9/L。诊断为再生障碍性贫血。予环孢素治疗。",
    "endocrinology": "患者女，45岁，因多饮、多尿、体重下降3个月入院，伴视物模糊。糖化血红蛋白11.2%。"
    "诊断为2型糖尿病。予二甲双胍治疗。",
    "rheumatology": "患者女，41岁，因双手关节肿痛伴晨僵2年入院。无口干、眼干。类风湿因子阳性。"
    "诊断为类风湿关节炎。予甲氨蝶呤治疗。",
    "paediatrics": "患儿男，3岁，因发热5天入院。伴咳嗽、流涕，无抽搐。双眼结膜充血，口唇皲裂，杨梅舌，"
    "颈部淋巴结肿大。心脏超声示冠状动脉扩张。诊断为川崎病。",
    "obstetrics": "患者女，29岁，孕34周，因头痛、视物模糊2天入院。双下肢水肿。诊断为重度子痫前期。"
    "予硫酸镁、拉贝洛尔治疗。",
    "gastroenterology": "患者男，52岁，因反复上腹痛1年，黑便3天入院。伴腹胀、反酸、嗳气，无呕血。"
    "诊断为胃溃疡。予奥美拉唑治疗。",
}


def _facts(text: str) -> set[tuple]:
    """What a record says, without where: (kind, code or agent, assertion or status or route)."""
    patient = _patient(text)
    facts: set[tuple] = {("sex", patient["sex"]), ("age", (patient["age"] or {}).get("years"))}
    for f in patient["features"]:
        facts.add(("feature", f["code"], f["assertion"]))
    for d in patient["diagnoses"]:
        facts.add(("diagnosis", d["code"], d["status"]))
    for t in patient["treatments"]:
        facts.add(("treatment", t["agent"], t["route"]))
    for m in patient["measurements"]:
        facts.add(("measurement", m["analyte"], m["value"], m["interpretation"]))
    for o in patient["outcomes"]:
        facts.add(("outcome", o["about"], o["direction"]))
    return facts


@pytest.mark.parametrize("config", ["s2tw", "s2twp"])
@pytest.mark.parametrize("specialty", sorted(SPECIALTY_SNIPPETS))
def test_taiwan_traditional_script_gives_the_same_facts_as_simplified(specialty, config):
    # The same report written in Taiwan traditional script (OpenCC s2tw: Taiwan characters;
    # s2twp: also Taiwan phrasing) must read as the same facts, with evidence in the
    # traditional text.
    import opencc

    simplified = SPECIALTY_SNIPPETS[specialty]
    traditional = opencc.OpenCC(config).convert(simplified)
    assert traditional != simplified
    assert _facts(traditional) == _facts(simplified)
    _evidence_is_original(traditional, _patient(traditional))


@pytest.mark.parametrize(
    ("specialty", "code", "assertion"),
    [
        ("cardiology", "HP:0031352", "present"),  # 胸闷
        ("cardiology", "HP:0001962", "present"),  # 心慌
        ("cardiology", "HP:0012764", "present"),  # 夜间不能平卧: orthopnoea
        ("cardiology", "HP:0000822", "negated"),  # 否认高血压病史
        ("nephrology", "HP:0100520", "present"),  # 尿少
        ("nephrology", "HP:0031504", "present"),  # 尿中泡沫增多
        ("nephrology", "HP:0012587", "negated"),  # 无肉眼血尿
        ("dermatology", "HP:0001945", "negated"),  # 未诉发热
        ("dermatology", "HP:0002829", "negated"),  # 未诉…关节痛: the list shares the negation
        ("endocrinology", "HP:0000622", "present"),  # 视物模糊
        ("paediatrics", "HP:0031250", "present"),  # 口唇皲裂: lip fissure, not skin fissure
        ("paediatrics", "HP:0031042", "present"),  # 杨梅舌: strawberry tongue
        ("paediatrics", "HP:0030882", "present"),  # 冠状动脉扩张
        ("gastroenterology", "HP:6000064", "present"),  # 嗳气
        ("gastroenterology", "HP:0002249", "present"),  # 黑便
    ],
)
def test_common_presentations_of_each_specialty_are_read(specialty, code, assertion):
    assert ("feature", code, assertion) in _facts(SPECIALTY_SNIPPETS[specialty])


def test_preeclampsia_is_a_diagnosis_in_current_and_older_wording():
    assert ("diagnosis", "MONDO:0001641", "final") in _facts(SPECIALTY_SNIPPETS["obstetrics"])
    facts = _facts("患者女，31岁，孕36周。诊断为先兆子痫。")
    assert ("diagnosis", "MONDO:0005081", "final") in facts


def test_a_route_after_an_enumeration_comma_belongs_to_the_next_drug():
    facts = _facts(SPECIALTY_SNIPPETS["dermatology"])
    assert ("treatment", "loratadine", "oral") in facts  # 氯雷他定口服、外用…
    assert ("treatment", "mometasone", "topical") in facts
    facts = _facts("患者女，30岁。予甲泼尼龙、静脉注射丙种球蛋白治疗。")
    assert ("treatment", "methylprednisolone", None) in facts
    # a route written once after coordinated drugs is still both drugs'
    facts = _facts("患者女，30岁。予甲泼尼龙、环磷酰胺静脉滴注。")
    assert ("treatment", "methylprednisolone", "intravenous") in facts


def test_an_outcome_is_not_about_a_test_named_inside_a_drug():
    # 免疫球蛋白 is a test too, but inside 静脉注射免疫球蛋白 it is the drug given
    patient = _patient("患儿男，3岁，发热5天。予静脉注射免疫球蛋白治疗后热退。")
    assert [o["direction"] for o in patient["outcomes"]] == ["resolved"]
    assert all("globulin" not in o["about"] for o in patient["outcomes"])


@pytest.mark.parametrize(
    ("text", "codes", "excluded"),
    [
        ("患者颜面及双下肢浮肿。", {"HP:0000282", "HP:0010741"}, False),  # facial and leg oedema
        ("查体：眼睑和双下肢水肿。", {"HP:0100540", "HP:0010741"}, False),  # eyelid and leg oedema
        ("患者无颜面及双下肢水肿。", {"HP:0000282", "HP:0010741"}, True),
    ],
)
def test_a_finding_written_once_after_two_body_parts_is_each_parts(text, codes, excluded):
    features = {f["code"]: f["excluded"] for f in _patient(text)["features"]}
    assert codes <= set(features)
    assert all(features[code] is excluded for code in codes)


# Lab names that Chinese case reports of any specialty list (issue 11), each with what it must be read
# as; the traditional-script forms come from OpenCC, so both scripts are tried.
_LAB_BREADTH = [
    ("单核细胞百分比 8.2%", "monocyte percentage", 8.2),
    ("EO% 12.5%", "eosinophil percentage", 12.5),
    ("嗜碱性粒细胞百分比 1.2%", "basophil percentage", 1.2),
    ("LY% 15.2%", "lymphocyte percentage", 15.2),
    ("总胆汁酸 45 μmol/L", "total bile acids", 45),
    ("胆碱酯酶 3200 U/L", "cholinesterase", 3200),
    ("α-羟丁酸脱氢酶 356 U/L", "HBDH", 356),
    ("转铁蛋白 1.5 g/L", "transferrin", 1.5),  # not ferritin, whose name it holds
    ("载脂蛋白A1 1.2 g/L", "apolipoprotein A1", 1.2),
    ("纤维蛋白降解产物 56 mg/L", "FDP", 56),
    ("凝血酶原活动度 45%", "prothrombin activity", 45),
    ("甲状腺过氧化物酶抗体 256 IU/mL", "anti-TPO", 256),
    ("促甲状腺素受体抗体 15.8 IU/L", "TRAb", 15.8),
    ("CA15-3 45 U/mL", "CA 15-3", 45),
    ("神经元特异性烯醇化酶 25.6 ng/mL", "NSE", 25.6),
    ("细胞角蛋白19片段 5.6 ng/mL", "CYFRA 21-1", 5.6),
    ("鳞状细胞癌抗原 5.6 ng/mL", "SCC antigen", 5.6),
    ("白细胞介素-10 25 pg/mL", "IL-10", 25),
    ("可溶性白细胞介素2受体 1560 U/mL", "sIL-2R", 1560),
    ("肿瘤坏死因子-α 12 pg/mL", "TNF-α", 12),
    ("血清淀粉样蛋白A 156 mg/L", "serum amyloid A", 156),
    ("CD4+T淋巴细胞计数 156个/μL", "CD4 count", 156),
    ("氧合指数 156 mmHg", "PaO2/FiO2", 156),
    ("动脉血氧饱和度 88%", "SaO2", 88),  # a blood gas, not pulse oximetry
    ("脑脊液压力 260 mmH2O", "CSF opening pressure", 260),
    ("MPO-ANCA 86 RU/mL", "anti-MPO", 86),
]


@pytest.mark.parametrize("script", ["s", "s2tw", "s2twp"])
def test_lab_names_of_every_specialty_in_both_scripts(script):
    body = "；".join(text for text, _, _ in _LAB_BREADTH)
    text = f"患者男，50岁。实验室检查：{body}。"
    if script != "s":
        import opencc

        text = opencc.OpenCC(script).convert(text)
    got = {(m["analyte"], m["value"]) for m in _patient(text)["measurements"]}
    missing = [(a, v) for _, a, v in _LAB_BREADTH if (a, v) not in got]
    assert not missing, missing


def test_pandy_test_and_india_ink_are_read_by_their_result():
    patient = _patient("患者女，30岁。腰穿：潘氏试验阳性，墨汁染色阴性，寡克隆带阳性。")
    results = {m["analyte"]: m["interpretation"] for m in patient["measurements"]}
    assert results == {
        "Pandy test": "positive",
        "India ink stain": "negative",
        "oligoclonal bands": "positive",
    }


# A disease named across the specialties, in the wording of a diagnosis sentence: its MONDO (or
# precise HPO) code, in either script; the HPO term the same words name stays the precise one.
DIAGNOSIS_NAMES = [
    ("可逆性后部白质脑病综合征", "MONDO:0044033", None),
    ("病毒性脑炎", "MONDO:0006009", "HP:0033993"),
    ("局灶节段性肾小球硬化", "MONDO:0100313", "HP:0000097"),
    ("急性髓系白血病（M2型）", None, "HP:0004808"),
    ("慢性粒细胞白血病", None, "HP:0005506"),
    ("食管鳞状细胞癌", "MONDO:0005580", None),
    ("食管癌", None, "HP:0011459"),
    ("直肠癌", "MONDO:0006519", None),
    ("鼻咽癌", "MONDO:0015459", None),
    ("非小细胞肺癌", "MONDO:0005233", "HP:0030358"),
    ("天疱疮", "MONDO:0006594", None),
    ("布鲁菌病", "MONDO:0005683", None),
    ("病态窦房结综合征", "MONDO:0001823", None),
    ("原发性甲状旁腺功能亢进症", "MONDO:0010837", "HP:0008200"),
    ("先天性甲状腺功能减退症", "MONDO:0018612", "HP:0000851"),
    ("异位妊娠", "MONDO:0000755", None),
    ("妊娠期肝内胆汁淤积症", "MONDO:0100429", None),
    ("视网膜中央动脉阻塞", "MONDO:0001633", None),
    ("突发性聋", "MONDO:0043373", None),
    ("良性阵发性位置性眩晕", "MONDO:8000018", None),
    ("慢性胰腺炎", "MONDO:0005003", "HP:0006280"),
    ("IgA血管炎", "ORPHA:761", None),
    ("埃勒斯-当洛斯综合征", "MONDO:0020066", None),
    # obstetrics, neurosurgery, infection, toxicology and gastroenterology names no source gave
    ("妊娠期急性脂肪肝", "MONDO:0016573", None),
    ("颅内动脉瘤", "MONDO:0005291", None),
    ("自身免疫性胰腺炎", "MONDO:0015175", None),
    ("肝小静脉闭塞病", "MONDO:0019514", None),
    ("肾综合征出血热", "MONDO:0005784", None),
    ("马尔尼菲篮状菌病", "MONDO:0000304", None),
    ("弓形虫病", "MONDO:0005989", None),
    ("绒毛膜癌", "MONDO:0005207", None),
    ("一氧化碳中毒", "MONDO:0800373", None),
    ("百草枯中毒", "MONDO:0017862", None),
    ("Wernicke脑病", "MONDO:0007020", None),
    ("糖原贮积病", "MONDO:0002412", None),
    # 黏 and 粘 are one morpheme: the official label 心脏粘液瘤 names 心脏黏液瘤 too
    ("心脏黏液瘤", None, "HP:0011672"),
    # an eponymous arteritis or anaemia with its Chinese head, as eponymous syndromes are written
    ("Takayasu动脉炎", "ORPHA:3287", None),
    ("Fanconi贫血", "MONDO:0019391", None),
    ("Diamond-Blackfan贫血", "MONDO:0015253", None),
    ("Vogt-小柳-原田综合征", "ORPHA:3437", None),
    ("Wegener肉芽肿", "ORPHA:900", None),
    ("Kasabach-Merritt现象", "ORPHA:2330", None),
    # infection, gastroenterology, cardiology, nephrology, neurology and paediatrics
    ("坏死性筋膜炎", "MONDO:0004835", None),
    ("毛霉菌病", "MONDO:0019136", None),
    ("肝肾综合征", "MONDO:0001382", None),
    ("食管裂孔疝", "MONDO:0007721", None),
    ("致心律失常性右室心肌病", "MONDO:0016587", None),
    ("微小病变型肾病", "ORPHA:69061", None),
    ("渗透性脱髓鞘综合征", "MONDO:0006692", None),
    ("支气管肺发育不良", "MONDO:0019091", None),
    ("坏死性淋巴结炎", "ORPHA:50918", None),
    ("黏液性水肿昏迷", "MONDO:1010100", None),
    ("肾淀粉样变性", None, "HP:0001917"),
    ("桥本脑病", "MONDO:0019385", None),
    ("甲状腺相关眼病", "MONDO:0001509", None),
    ("肝局灶性结节增生", "MONDO:0100549", None),
    ("结节性脂膜炎", "MONDO:0006591", None),
    # haematology, dermatology and pulmonology
    ("意义未明的单克隆丙种球蛋白病", "MONDO:0004225", None),
    ("血管免疫母细胞性T细胞淋巴瘤", "MONDO:0004977", None),
    ("纯红细胞再生障碍", "MONDO:0001705", None),
    ("副肿瘤性天疱疮", "MONDO:0018974", None),
    ("环状肉芽肿", "MONDO:0006554", None),
    ("矽肺", "MONDO:0005960", None),
    ("IgG4相关硬化性胆管炎", "MONDO:0018645", None),
]


@pytest.mark.parametrize(("name", "disease", "phenotype"), DIAGNOSIS_NAMES)
def test_diseases_of_the_specialties_are_diagnoses(name, disease, phenotype):
    opencc = pytest.importorskip("opencc")
    text = f"患者，男，45岁。入院后完善相关检查，最终诊断为{name}。"
    for written in (text, opencc.OpenCC("s2twp").convert(text)):
        patient = _patient(written)
        diagnoses = {d["code"] for d in patient["diagnoses"]}
        if disease:
            assert disease in diagnoses, written
        if phenotype:
            assert phenotype in diagnoses, written
            assert phenotype in {f["code"] for f in patient["features"]}, written


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("诊断为肺炎、脓毒症、急性肾损伤。", {"HP:0100806", "MONDO:0002492"}),  # sepsis between two
        ("诊断为重症肺炎合并脓毒症、感染性休克。", {"HP:0100806", "HP:0031273"}),
        ("诊断为视神经脊髓炎谱系疾病伴低钠血症。", {"HP:0002902"}),
        ("最终诊断为1型糖尿病、糖尿病酮症酸中毒及低钾血症。", {"HP:0002900"}),
    ],
)
def test_a_finding_named_in_a_row_with_a_diagnosis_is_one(text, codes):
    opencc = pytest.importorskip("opencc")
    for written in (f"患者，女，40岁。{text}", opencc.OpenCC("s2twp").convert(f"患者，女，40岁。{text}")):
        diagnoses = {d["code"]: d["status"] for d in _patient(written)["diagnoses"]}
        assert codes <= set(diagnoses), written
        assert all(diagnoses[code] == "final" for code in codes)


def test_a_finding_after_a_diagnosis_and_a_comma_is_no_diagnosis():
    # a comma may start the course ("诊断为肺炎，咳嗽好转"); an excluded diagnosis passes nothing on
    patient = _patient("患者，女，40岁。诊断为肺炎，咳嗽、发热。排除结核性脑膜炎及脑脓肿。")
    codes = {d["code"] for d in patient["diagnoses"] if not d.get("excluded")}
    assert "HP:0012735" not in codes and "HP:0001945" not in codes


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("甲状腺Ⅱ度肿大", "HP:0000853"),  # a grade written inside the finding
        ("扁桃体3度肿大", "HP:0030812"),
        ("双手细颤", "HP:0002378"),
        ("一过性黑矇", "HP:0100576"),
        ("前房浅", "HP:0000594"),
        ("瞳孔对光反射消失", "HP:0007695"),  # not areflexia
        ("对光反射迟钝", "HP:0030211"),
        ("黏液便", "HP:6000686"),
        ("陶土样便", "HP:0011985"),
        ("视物旋转", "HP:0002321"),
        ("生长发育落后", "HP:0001263"),
        ("嘴歪", "HP:0010628"),
        ("牙龈流血", "HP:0000225"),
        ("眼皮浮肿", "HP:0100540"),
        ("单侧手脚无力", "HP:0001269"),
        ("关节红肿热痛", "HP:0001369"),
    ],
)
def test_symptom_and_sign_wording_of_the_specialties(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"患者，男，30岁。查体：{words}。"
    for written in (text, opencc.OpenCC("s2twp").convert(text)):
        features = {f["code"]: f["excluded"] for f in _patient(written)["features"]}
        assert features.get(code) is False, (written, features)
    assert "HP:0001284" not in {
        f["code"] for f in _patient("患者，男，30岁。查体：瞳孔对光反射消失。")["features"]
    }


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("舌尖溃疡", "HP:0000155"),  # the mouth's ulcer, not the skin's
        ("两侧舌缘见溃疡", "HP:0000155"),  # 见 written between the site and the lesion
        ("颊黏膜溃疡", "HP:0000155"),
        ("口唇破溃", "HP:0100825"),
        ("唇部红肿", "HP:0100825"),
        ("舌体红肿", "HP:0000206"),
        ("咽后壁充血", "HP:0025439"),
        ("角膜局部有溃破", "HP:0012804"),
        ("角膜上皮糜烂", "HP:0200020"),
        ("张口受限", "HP:0000211"),
        ("吞咽疼痛", "HP:0032043"),
        ("肺部见结节", "HP:0033608"),
    ],
)
def test_a_lesion_of_a_mucosa_is_that_sites(words, code):
    # s2tw: s2twp rewrites 局部 as 区域性, which no report writes there
    opencc = pytest.importorskip("opencc")
    text = f"患者，男，30岁。查体：{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"] for f in _patient(written)["features"] if not f["excluded"]}
        assert code in features, (written, features)
        assert not features & {"HP:0200042", "HP:0200041"}, written  # no skin ulcer or erosion


@pytest.mark.parametrize(
    ("words", "code", "excluded"),
    [
        ("心率110次/分，律不齐", "HP:0011675", False),
        ("移动性浊音阳性", "HP:0001541", False),
        ("移动性浊音阴性", "HP:0001541", True),
        ("肝肋下3 cm，质韧", "HP:0002240", False),  # the liver edge below the ribs: enlarged
        ("肝脾肋下2 cm", "HP:0001433", False),
        ("肝脾肋下未触及", "HP:0001433", True),
        ("眼睑下垂，晨轻暮重", "HP:0003473", False),
        ("上楼费力", "HP:0003551", False),
        ("眼睑紫红色皮疹", "HP:0030845", False),
        ("皮肤弹性差", "HP:6000303", False),
        ("兴趣减退", "HP:0012154", False),
        ("指甲顶针样凹陷", "HP:0001803", False),
    ],
)
def test_examination_wording_of_the_specialties(words, code, excluded):
    opencc = pytest.importorskip("opencc")
    text = f"患者，男，30岁。查体：{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"]: f["excluded"] for f in _patient(written)["features"]}
        assert features.get(code) is excluded, (written, features)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("漸凍人", "ORPHA:803"),
        ("地中海型貧血", "MONDO:0000984"),
        ("骨髓增生不良症候群", "OMIM:614286"),
        ("原發性血小板缺乏紫斑症", "ORPHA:3002"),
        ("泡泡龍", "MONDO:0006541"),
    ],
)
def test_taiwan_names_of_diseases_are_diagnoses(name, code):
    patient = _patient(f"患者為男性，40歲。經檢查後診斷為{name}。")
    assert code in {d["code"] for d in patient["diagnoses"]}


def test_pathogen_tests_are_read_by_their_result():
    patient = _patient(
        "患儿男，3岁。咽拭子肠道病毒通用型阳性，EV71阴性。甲型流感病毒抗原阳性，呼吸道合胞病毒抗原阴性。"
        "巨细胞病毒DNA阳性，CMV-IgM阳性，EB病毒衣壳抗原IgM抗体阴性。隐球菌荚膜抗原阴性，RPR阴性。"
    )
    results = {m["analyte"]: m["interpretation"] for m in patient["measurements"]}
    assert results == {
        "enterovirus": "positive",
        "EV71": "negative",
        "influenza A antigen": "positive",
        "RSV": "negative",  # not the respiratory rate (呼吸)
        "CMV DNA": "positive",
        "CMV IgM": "positive",  # not total IgM
        "EBV VCA IgM": "negative",
        "cryptococcal antigen": "negative",
        "RPR": "negative",
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # not the broad Arthritis the word 关节炎 inside it names
        ("患者，女，45岁，诊断为类风湿性关节炎。", "HP:0001370"),
        # OMIM files these as susceptibility entries; the disease itself is MONDO's
        ("患者，男，30岁，诊断为强直性脊柱炎。", "MONDO:0005306"),
        ("患者為30歲男性，診斷為僵直性脊椎炎。", "MONDO:0005306"),
        ("A 30-year-old man was diagnosed with ankylosing spondylitis.", "MONDO:0005306"),
        ("患者，男，60岁，诊断为肺癌。", "MONDO:0008903"),
    ],
)
def test_a_disease_keeps_its_own_code_not_a_broad_finding_or_a_susceptibility(text, code):
    assert code in {d["code"] for d in _patient(text)["diagnoses"]}


def test_taiwan_phrasing_of_hepatitis_tests_acyl_enzymes_and_csf_counts():
    # OpenCC s2twp writes 乙肝 as B肝, 酰 as 醯 and 白细胞数 as 白血球數.
    text = (
        "病人女，35歲。B肝表面抗原陰性，C肝抗體陰性，γ-谷氨醯轉移酶 156 U/L。"
        "腦脊液常規：白血球數 560×10^6/L。"
    )
    results = {m["analyte"]: (m["value"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert results["HBsAg"] == (None, "negative")
    assert results["anti-HCV"] == (None, "negative")
    assert results["GGT"][0] == 156
    assert results["CSF cell count"][0] == 560


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("口腔黏膜可见多处溃疡", "HP:0000155"),  # how many, between the site and the lesion
        ("颈部可触及多个肿大淋巴结", "HP:0025289"),  # the adjective before the nodes
        ("腋窝可扪及数枚肿大的淋巴结", "HP:0034752"),
        ("双侧颈部多发淋巴结肿大", "HP:0025289"),
        ("腹股沟可触及2个肿大淋巴结", "HP:0034751"),
        ("纵隔内见1枚肿大淋巴结", "HP:0100721"),
        ("可触及散在肿大淋巴结", "HP:0002716"),
    ],
)
def test_counts_and_word_order_between_a_site_and_its_finding(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"患者，女，52岁。查体：{words}，质韧。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"] for f in _patient(written)["features"] if not f["excluded"]}
        assert code in features, (written, features)
        assert "HP:0200042" not in features, written  # no skin ulcer


def test_a_negation_read_into_a_term_gives_the_finding_after_it():
    # 无尿 (anuria) must not take the 无 of "无尿频": urinary frequency, urgency and pain, absent
    opencc = pytest.importorskip("opencc")
    text = "患者，男，61岁，因发热3天入院。无尿频、尿急、尿痛，无腰痛。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"]: f["excluded"] for f in _patient(written)["features"]}
        assert features.get("HP:0100515") is True, (written, features)
        assert features.get("HP:0000012") is True and features.get("HP:0100518") is True
        assert "HP:0100519" not in features  # no anuria
    features = {f["code"]: f["excluded"] for f in _patient("患者，男，61岁。少尿、无尿2天。")["features"]}
    assert features.get("HP:0100519") is False  # anuria written as such stays
    features = {f["code"]: f["excluded"] for f in _patient("患者，男，61岁。无尿少，无水肿。")["features"]}
    assert features.get("HP:0100520") is True and "HP:0100519" not in features
    # written without separators: 尿频尿急 also holds 频尿 (Taiwan's 尿频), read again from the cue
    features = {f["code"]: f["excluded"] for f in _patient("患者，男，61岁。无尿频尿急尿痛。")["features"]}
    assert features == {"HP:0100515": True, "HP:0000012": True, "HP:0100518": True}, features


def test_a_disease_named_after_a_lesion_is_not_the_lesion():
    # 结节病 is sarcoidosis: a disease name built on 结节 (nodule) names no nodule; 高血压病 is
    # still hypertension.
    patient = _patient("患者，女，45岁。诊断为结节病、高血压病。")
    assert {d["code"] for d in patient["diagnoses"]} >= {"ORPHA:797"}
    codes = {f["code"] for f in patient["features"]}
    assert "HP:0200036" not in codes and "HP:0000822" in codes


@pytest.mark.parametrize(
    ("words", "code", "excluded"),
    [
        ("心界向左下扩大", "HP:0001640", False),  # the direction of the enlargement, inside
        ("夜间阵发性呼吸困难，不能平卧", "HP:0034807", False),
        ("阵发性夜间呼吸困难", "HP:0034807", False),
        ("肝颈静脉回流征阳性", "HP:0030849", False),
        ("肝颈静脉回流征阴性", "HP:0030849", True),
        ("双侧巴氏征未引出", "HP:0003487", True),  # a sign by its name, the result after it
        ("巴氏征阴性", "HP:0003487", True),
        ("左侧巴氏征阳性", "HP:0003487", False),
        ("四肢肌力5级，未引出病理反射", "HP:0003487", True),  # 未引出 before the sign
        ("腹部膨隆，无压痛", "HP:0003270", False),
        ("前囟凹陷，眼窝凹陷", "HP:6000084", False),
        ("前囟凹陷，眼窝凹陷", "HP:0000490", False),
        ("肠鸣音活跃", "HP:0030143", False),
        ("双足痛温觉减退", "HP:0007328", False),  # sensation, not foot pain
        ("双足背动脉搏动减弱", "HP:0032553", False),
        ("遇冷后手指变白", "HP:0030880", False),
        ("左侧肢体无力", "HP:0001269", False),
        ("面色潮红，大汗淋漓", "HP:0031284", False),
        ("指趾端膜状脱皮", "HP:0040189", False),
    ],
)
def test_examination_wording_of_cardiology_neurology_and_paediatrics(words, code, excluded):
    opencc = pytest.importorskip("opencc")
    text = f"患儿，男，3岁。查体：{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"]: f["excluded"] for f in _patient(written)["features"]}
        assert features.get(code) is excluded, (written, features)
        assert "HP:0025238" not in features  # no foot pain read out of 痛温觉


@pytest.mark.parametrize("words", ["大便每日10余次，呈水样便", "稀水样便", "大便次数增多"])
def test_loose_stools_are_diarrhoea(words):
    features = {f["code"]: f["excluded"] for f in _patient(f"患儿，女，2岁，{words}3天。")["features"]}
    assert features.get("HP:0002014") is False, features


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("十二指肠球部溃疡伴活动性出血", "HP:0002588"),  # a gut ulcer by its sub-site
        ("胃窦溃疡", "HP:0002592"),
        ("回肠末端溃疡", "HP:0032024"),
        ("唇部溃疡", "HP:0100825"),
        ("口唇红肿、破溃", "HP:0100825"),  # the lips written once, before the first finding
        ("阴囊溃疡", "HP:0003249"),
    ],
)
def test_an_ulcer_of_a_site_that_is_not_skin_is_no_skin_ulcer(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"患者，男，50岁。查体：{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"] for f in _patient(written)["features"] if not f["excluded"]}
        assert code in features, (written, features)
        assert "HP:0200042" not in features, written


def test_an_ulcer_named_for_its_cause_or_on_the_skin():
    patient = _patient("患者，男，50岁。予奥美拉唑预防应激性溃疡。右小腿见一溃疡。")
    assert "HP:0200042" in {f["code"] for f in patient["features"]}  # the leg's ulcer is the skin's
    assert any(f["label"] == "ulcer" and f["code"] is None for f in patient["uncoded_findings"])
    # 肝 of 肝硬化 is no body part of 脾大: no hepatosplenomegaly
    codes = {f["code"] for f in _patient("患者，男，50岁。超声示肝硬化、脾大、腹水。")["features"]}
    assert "HP:0001433" not in codes and "HP:0001744" in codes


@pytest.mark.parametrize(("words", "code"), [("胫前黏液性水肿", "HP:0200028"), ("食欲亢进", "HP:0002591")])
def test_endocrine_wording(words, code):
    features = {f["code"] for f in _patient(f"患者，女，36岁。{words}2月。")["features"]}
    assert code in features and "HP:0000969" not in features, features


def test_a_bare_lesion_on_a_mucosa_seen_by_endoscopy_is_not_coded_as_the_skins():
    opencc = pytest.importorskip("opencc")
    text = "患者，女，47岁。结肠镜示直肠黏膜弥漫性充血、水肿，可见多发浅溃疡及糜烂。双下肢无水肿。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        patient = _patient(written)
        features = {f["code"]: f["excluded"] for f in patient["features"]}
        assert not {"HP:0200042", "HP:0200041"} & set(features), (written, features)
        assert features.get("HP:0010741") is True  # the legs' oedema, in its own sentence
        assert "HP:0000969" not in features
        assert {"HP:0200042", "HP:0000969"} <= {f["code"] for f in patient["uncoded_findings"]}
    # skin and mucosae together (皮肤黏膜) are the skin: its ulcer stays
    features = {f["code"] for f in _patient("患者，男，30岁。全身皮肤黏膜苍白，右足可见溃疡。")["features"]}
    assert "HP:0200042" in features


@pytest.mark.parametrize(
    ("words", "code", "excluded"),
    [
        ("墨菲氏征阳性", "HP:0034753", False),
        ("墨菲征阴性", "HP:0034753", True),
        ("巴宾斯基反射阴性", "HP:0003487", True),
        ("小便颜色变深", "HP:0040319", False),
    ],
)
def test_taiwan_wording_of_signs(words, code, excluded):
    opencc = pytest.importorskip("opencc")
    text = f"一名57岁男性，{words}。"
    for written in (text, opencc.OpenCC("s2twp").convert(text)):
        features = {f["code"]: f["excluded"] for f in _patient(written)["features"]}
        assert features.get(code) is excluded, (written, features)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("咳白色泡沫痰", "HP:0031245"),  # what the sputum looked like, between 咳 and 痰
        ("咳出少量白色稀薄泡沫样\n痰", "HP:0031245"),  # and across a line break
        ("咳黄色黏痰", "HP:0031245"),
        ("眼裂外侧往下斜", "HP:0000494"),  # the slant's direction written inside
        ("睑裂往上斜", "HP:0000582"),
    ],
)
def test_qualities_and_directions_written_inside_a_finding(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"患儿，男，5岁。{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"] for f in _patient(written)["features"] if not f["excluded"]}
        assert code in features, (written, features)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("鼻翼扇动", "HP:0030863"),
        ("可见三凹征", "HP:0030864"),
        ("吃奶差", "HP:0011968"),
        ("肝右肋下2 cm，质软", "HP:0002240"),
    ],
)
def test_signs_of_infants(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"患儿，男，8个月，因咳嗽3天入院。{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"] for f in _patient(written)["features"] if not f["excluded"]}
        assert code in features, (written, features)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("上腹部隐痛", "HP:0410019"),  # how the pain feels, between its site and 痛
        ("左下腹阵发性绞痛", "HP:0002027"),
        ("右上腹持续性胀痛", "HP:0002027"),
        ("头部胀痛", "HP:0002315"),
        ("胸部刺痛", "HP:0100749"),
        ("喀血", "HP:0002105"),
        ("灰白便", "HP:0011985"),
        ("双脚水肿", "HP:0010741"),
        ("双脚无力", "HP:0007340"),
    ],
)
def test_pain_qualities_and_everyday_words(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"一名40岁男性，主诉{words}3天。"
    for written in (text, opencc.OpenCC("s2twp").convert(text)):
        features = {f["code"] for f in _patient(written)["features"] if not f["excluded"]}
        assert code in features, (written, features)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("右肺上叶空洞", "HP:0033655"),  # the lobe written between the lung and the finding
        ("右肺下叶大片实变影", "HP:0032177"),
        ("左肺上叶尖后段结节", "HP:0033608"),
        ("舌体肥大", "HP:0000158"),
    ],
)
def test_lung_lobes_and_the_tongue(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"患者，男，29岁。胸部CT及查体：{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"] for f in _patient(written)["features"] if not f["excluded"]}
        assert code in features, (written, features)


def test_a_local_swelling_stated_absent_is_no_oedema_of_the_patient():
    # 局部不红、不肿、不痛 describes a lump; a part's swelling stated absent is that part's oedema
    opencc = pytest.importorskip("opencc")
    text = "患者，女，62岁。颈部触及肿物，局部不红、不肿、不痛。四肢不肿，眼睑不肿。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"]: f["excluded"] for f in _patient(written)["features"]}
        assert features.get("HP:0000969") is True  # 四肢不肿: the limbs' oedema, absent
        assert features.get("HP:0100540") is True  # 眼睑不肿
        evidence = [f["evidence"]["text"] for f in _patient(written)["features"]]
        assert all(e not in ("不肿", "不腫") for e in evidence), evidence


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("大便干结", "HP:0002019"),
        ("颈静脉充盈", "HP:0030848"),
        ("水牛背", "HP:0025383"),
        ("皮肤菲薄", "HP:0000963"),
        ("反甲", "HP:0001598"),
        ("角化过度", "HP:0000962"),
    ],
)
def test_more_examination_wording(words, code):
    features = {f["code"] for f in _patient(f"患者，女，40岁。查体：{words}。")["features"]}
    assert code in features, features


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("斜颈", "HP:0000473"),
        ("倒睫", "HP:0001128"),
        ("脓胸", "HP:0011919"),
        ("打鼾", "HP:0025267"),
        ("早饱", "HP:0033842"),
    ],
)
def test_official_two_character_labels_that_are_clinical_words(word, code):
    features = {f["code"] for f in _patient(f"患儿，男，6岁，{word}1年。")["features"]}
    assert code in features, features


def test_suddenly_after_an_eye_is_no_proptosis_and_a_region_is_its_parts():
    opencc = pytest.importorskip("opencc")
    text = "患者，男，61岁，左眼突然视力下降3天。双眼无突出。眼底见黄斑区水肿，甲剥离。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        features = {f["code"]: f["excluded"] for f in _patient(written)["features"]}
        assert features.get("HP:0000520") is True, features  # 眼突然 is "the eye suddenly"
        assert features.get("HP:0040049") is False and features.get("HP:0001806") is False
        assert "HP:0000969" not in features


def test_taiwan_specimen_and_panel_names_make_their_tests_the_specimens():
    # 腦脊髓液 is Taiwan's 脑脊液: a white cell count under it is the CSF's, not a blood leukopenia.
    patient = _patient("患者，男，30歲。腦脊髓液檢查：白血球350/μL，蛋白 120 mg/dL。")
    assert {m["analyte"] for m in patient["measurements"]} == {"CSF cell count", "CSF protein"}
    assert "HP:0001882" not in {f["code"] for f in patient["features"]}  # no leukopenia


@pytest.mark.parametrize(
    ("text", "sex", "years"),
    [
        ("患兒，女，1歲半，因咳嗽入院。", "female", 1.5),  # a year and a half
        ("一名二十歲的年輕女子，因頭痛就醫。", "female", 20.0),
        ("一名45岁男子因胸痛入院。", "male", 45.0),
        # a relative's age and sex named first are not the patient's
        ("其父为一名50岁男子，患高血压。患者，女，20岁。", "female", 20.0),
        ("其母为一名45岁妇女。患儿，男，5岁。", "male", 5.0),
        ("患者，女，32岁，其母亲59岁，患糖尿病。", "female", 32.0),
    ],
)
def test_age_and_sex_in_more_ways_and_never_a_relatives(text, sex, years):
    patient = _patient(text)
    assert (patient["sex"], patient["age"]["years"]) == (sex, years)


def test_common_complaints_in_chinese_are_features():
    # From running 177 common complaints and signs through the pipeline: 头围增大 was the one miss.
    assert "HP:0000256" in {f["code"] for f in _patient("患儿，男，1岁，因头围增大入院。")["features"]}


# ------------------------------------------------------------------ ten specialties' wording (issue 11)
@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("四肢近端无力", "HP:0003701"),  # proximal weakness, not asthenia from the bare 无力
        ("蹲起困难", "HP:0008994"),  # rising from a squat: the legs' proximal weakness
        ("浮髌试验阳性", "HP:6001020"),  # knee effusion
        ("言语含糊", "HP:0001350"),
        ("左侧鼻唇沟变浅", "HP:0010628"),  # facial palsy
        ("视物重影", "HP:0000651"),
        ("颈抵抗", "HP:0031179"),
        ("呼吸深快", "HP:0002883"),
        ("易激动", "HP:0000737"),
        ("哭声弱", "HP:0001612"),
        ("前囟饱满", "HP:6000647"),
        ("眼裂小", "HP:0012745"),
        ("不会说话", "HP:0001344"),
        ("皮肤松弛", "HP:0000973"),  # cutis laxa (CHPO gives the words to anetoderma)
        ("腹壁静脉曲张", "HP:0025203"),
        ("四肢湿冷", "HP:6000500"),
        ("腰酸", "HP:0003419"),
        ("下背痛", "HP:0003419"),  # low back pain, not the back pain inside it
        ("呕咖啡样物", "HP:0032144"),
        ("尿呈洗肉水样", "HP:0012587"),
        ("心律绝对不齐", "HP:0011675"),  # a degree word inside 心律不齐
        ("胸骨后压榨样疼痛", "HP:0100749"),  # a site of the chest, a quality inside
        ("剑突下隐痛", "HP:0410019"),
        ("全面性强直阵挛发作", "HP:0002069"),  # a seizure, not rigidity and clonus
        ("足跟疼痛", "HP:0025238"),  # the pain of a part, in its 部/疼痛 forms
        ("腕部疼痛", "HP:0030836"),
        ("肘部疼痛", "HP:0030835"),
        ("左侧乳房疼痛", "HP:0034265"),
        ("盆腔疼痛", "HP:0034267"),
        ("双手无力", "HP:0030237"),  # hand weakness, not asthenia from the bare 无力
    ],
)
def test_specialty_wording_of_our_own_passages(words, code):
    text = f"患者，女，40岁。查体：{words}。"
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"] if not f["excluded"]}, patient["features"]
    _evidence_is_original(text, patient)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("双手掌指关节压痛", "HP:0002829"),  # a tender joint is joint pain as reports code it
        ("左下腹压痛", "HP:0002027"),
        ("剑突下压痛", "HP:0410019"),
        ("肌肉压痛", "HP:0003326"),
        ("双膝关节触痛", "HP:0030839"),
    ],
)
def test_a_tender_part_is_that_parts_pain(words, code):
    features = _patient(f"患者，男，50岁。查体：{words}。")["features"]
    assert code in {f["code"] for f in features if not f["excluded"]}, features
    negated = _patient(f"患者，男，50岁。查体：{words[:-2]}无{words[-2:]}。")["features"]  # 左下腹无压痛
    assert code in {f["code"] for f in negated if f["excluded"]}, negated


def test_tender_variants_only_for_a_pain_of_a_part():
    assert {"关节压痛", "腹部压痛"} <= name_variants("关节痛") | name_variants("腹痛")
    assert name_variants("触痛") == {"触痛"}  # a qualified pain word gets none


def test_a_seizures_stiffening_is_no_rigidity_in_either_script():
    opencc = pytest.importorskip("opencc")
    text = "患儿，男，2岁。反复抽搐，发作时双眼上翻、四肢强直抖动。查体：四肢肌强直。"
    for written in (text, opencc.OpenCC("s2twp").convert(text)):
        patient = _patient(written)
        rigid = [f for f in patient["features"] if f["code"] == "HP:0002063"]
        assert [f["evidence"]["text"] for f in rigid] == ["肌強直" if written != text else "肌强直"]
        assert "HP:0001250" in {f["code"] for f in patient["features"]}


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("嗅觉减退", "HP:0004409"),  # hyposmia: a decrease is not a loss (anosmia)
        ("味觉减退", "HP:0000224"),  # hypogeusia, not ageusia
        ("嗅觉丧失", "HP:0000458"),
        ("满月脸", "HP:0500011"),  # moon facies has its own term
        ("营养不良", "HP:0004395"),  # malnutrition, not cachexia
        ("呕吐咖啡渣样物", "HP:0032144"),  # coffee ground vomitus (CHPO's own words)
    ],
)
def test_curated_names_give_the_term_the_words_mean(words, code):
    codes = {f["code"] for f in _patient(f"患者，男，60岁，{words}1月。")["features"]}
    assert code in codes, codes


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("双下肢无凹陷性水肿", "HP:0010741"),  # the legs' oedema, not oedema in general
        ("双下肢未见明显水肿", "HP:0010741"),
        ("甲状腺无明显肿大", "HP:0000853"),  # was an uncoded "enlargement", present
        ("颈部无明显肿大淋巴结", "HP:0025289"),
        ("眼睑无明显浮肿", "HP:0100540"),
        ("口唇无明显发绀", "HP:0034030"),
    ],
)
def test_a_degree_word_after_an_infix_negation_is_read_away(words, code):
    opencc = pytest.importorskip("opencc")
    text = f"患者，男，40岁。查体：{words}。"
    for written in (text, opencc.OpenCC("s2tw").convert(text)):
        patient = _patient(written)
        assert code in {f["code"] for f in patient["features"] if f["excluded"]}, patient["features"]
        assert not [f for f in patient["features"] if not f["excluded"]], patient["features"]
        assert not patient.get("uncoded_findings"), patient["uncoded_findings"]
        _evidence_is_original(written, patient)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("小眼球", "HP:0000568"),
        ("连眉", "HP:0000664"),
        ("眉毛稀疏", "HP:0045075"),
        ("鼻孔前倾", "HP:0000463"),
        ("鼻根部宽", "HP:0000431"),
        ("耳前赘生物", "HP:0000384"),
        ("颈短", "HP:0000470"),
        ("颈蹼", "HP:0000465"),
        ("乳头间距增宽", "HP:0006610"),
        ("皮肤弹性过度", "HP:0000974"),
        ("第五指内弯", "HP:0004209"),
        ("枕部扁平", "HP:0005469"),
        ("面中部发育不良", "HP:0011800"),
        ("刻板动作", "HP:0000733"),
        ("独走延迟", "HP:0031936"),
        ("体重不增", "HP:0001508"),
        ("智力发育落后", "HP:0001249"),  # intellectual disability, not the 发育落后 inside it
    ],
)
def test_dysmorphology_and_development_wording(words, code):
    codes = {f["code"] for f in _patient(f"患儿，男，3岁。查体：{words}。")["features"] if not f["excluded"]}
    assert code in codes, codes


def test_epilepsy_is_a_seizure_feature_and_a_diagnosis_as_in_english():
    patient = _patient("患儿，男，5岁，反复癫痫1年。")
    assert "HP:0001250" in {f["code"] for f in patient["features"]}
    assert "MONDO:0005027" in {d["code"] for d in patient["diagnoses"]}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者，男，30岁，咳嗽。予抗癫痫治疗。", "HP:0001250"),
        ("患者，男，30岁，咳嗽。予抗心律失常药物。", "HP:0011675"),
    ],
)
def test_a_finding_inside_a_drug_class_is_what_the_drug_is_for(text, code):
    patient = _patient(text)
    assert code not in {f["code"] for f in patient["features"]}, patient["features"]
    assert not patient["diagnoses"], patient["diagnoses"]
    assert patient["treatments"], patient


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a list of parts before one finding: each part's finding, walked back part by part
        ("肝、脾、淋巴结肿大", {"HP:0002240", "HP:0001744", "HP:0002716"}),
        ("颈部、腋窝及腹股沟淋巴结肿大", {"HP:0025289", "HP:0034752", "HP:0034751"}),
        ("颜面、眼睑及双下肢水肿", {"HP:0000282", "HP:0100540", "HP:0010741"}),
    ],
)
def test_every_part_of_a_list_before_one_finding_is_that_parts_finding(text, codes):
    opencc = pytest.importorskip("opencc")
    written = f"患者，男，40岁。查体：{text}。"
    for version in (written, opencc.OpenCC("s2tw").convert(written)):
        patient = _patient(version)
        assert codes == {f["code"] for f in patient["features"] if not f["excluded"]}, patient["features"]
        _evidence_is_original(version, patient)


def test_two_findings_of_one_part_stay_two_findings():
    codes = {f["code"] for f in _patient("患者，男，40岁。恶心、呕吐，双下肢麻木、无力。")["features"]}
    assert {"HP:0002018", "HP:0002013", "HP:0003401", "HP:0007340"} <= codes, codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Taiwan and everyday wording, written in traditional script
        ("病人，男，50歲。雙側頸部及腋下淋巴結腫大。", "HP:0034752"),  # 腋下, the armpit
        ("病人，男，50歲。皮膚及鞏膜變黃。", "HP:0000952"),
        ("病人，男，58歲。可見男性女乳症。", "HP:0000771"),
        ("患童，男，3歲。發燒合併嘴唇紅裂。", "HP:0031250"),
        ("病人，女，35歲。雙手細微顫抖。", "HP:0002378"),  # hand tremor, not shivering
        ("病人，男，72歲。右側臉部下垂。", "HP:0010628"),
        ("病人，女，45歲。小便泡泡增多兩週。", "HP:0031504"),
    ],
)
def test_taiwan_examination_wording(text, code):
    patient = _patient(text)
    assert code in {f["code"] for f in patient["features"] if not f["excluded"]}, patient["features"]
    _evidence_is_original(text, patient)


def test_dotted_bleeding_is_petechiae_and_a_vessel_bruit_no_heart_murmur():
    patient = _patient("病人，女，35歲。皮膚無點狀出血，甲狀腺可聽到血管雜音。")
    features = {f["code"]: f["excluded"] for f in patient["features"]}
    assert features.get("HP:0000967") is True and "HP:0001892" not in features, features
    assert "HP:0030148" not in features, features  # a thyroid bruit is no heart murmur
    assert "bruit" in {u["label"] for u in patient["uncoded_findings"]}


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("腊肠指", "HP:0031090"),  # dactylitis
        ("腊肠趾", "HP:0031091"),
        ("猖獗龋", "HP:0000670"),
        ("天鹅颈样畸形", "HP:0006150"),  # was an uncoded "anomaly"
        ("多浆膜炎", "HP:0045073"),
    ],
)
def test_rheumatology_wording(words, code):
    codes = {f["code"] for f in _patient(f"患者，女，35岁。查体：{words}。")["features"] if not f["excluded"]}
    assert code in codes, codes


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("P2亢进", "HP:0031687"),  # a loud pulmonic second sound
        ("水冲脉", "HP:0032555"),
        ("甲床下线状出血", "HP:6000139"),  # splinter haemorrhages, not bleeding in general
        ("左足背动脉搏动消失", "HP:0032554"),
        ("双下肢皮温低", "HP:6000500"),
    ],
)
def test_cardiac_and_vascular_examination_wording(words, code):
    codes = {f["code"] for f in _patient(f"患者，男，60岁。查体：{words}。")["features"] if not f["excluded"]}
    assert code in codes, codes


@pytest.mark.parametrize(
    ("text", "fatigable"),
    [
        ("患者，男，30岁。眼睑下垂，晨轻暮重。", True),
        ("患者，男，30歲。四肢無力，晨輕暮重。", True),
        ("患者，男，46岁。双下肢水肿，晨轻暮重。", False),  # the oedema's course: no weakness
        ("患者，男，46歲。頭痛，晨輕暮重。", False),
    ],
)
def test_worse_as_the_day_goes_on_is_fatigable_weakness_only_after_a_weakness(text, fatigable):
    codes = {f["code"] for f in _patient(text)["features"]}
    assert ("HP:0003473" in codes) is fatigable


@pytest.mark.parametrize(
    ("words", "code", "excluded"),
    [
        ("移动性浊音（+）", "HP:0001541", False),  # shifting dullness: ascites
        ("移动性浊音（-）", "HP:0001541", True),
        ("麦氏点压痛", "HP:0002027", False),
        ("麦氏点无压痛", "HP:0002027", True),
        ("Hoffmann征阳性", "HP:0031993", False),
        ("双侧霍夫曼征阴性", "HP:0031993", True),
        ("轮替动作笨拙", "HP:0002075", False),
    ],
)
def test_signs_named_by_eponym_or_test(words, code, excluded):
    features = {f["code"]: f["excluded"] for f in _patient(f"患者，男，40岁。查体：{words}。")["features"]}
    assert features.get(code) is excluded, features


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("发育停滞", "HP:0007281"),  # development at a standstill (CHPO's label), not failure to thrive
        ("发育倒退", "HP:0002376"),
        ("生长停滞", "HP:0001510"),  # growth: growth delay
        ("体重不增", "HP:0001508"),  # weight: failure to thrive
    ],
)
def test_development_growth_and_weight_are_three_findings(words, code):
    codes = {f["code"] for f in _patient(f"患儿，女，2岁，{words}半年。")["features"]}
    assert code in codes, codes


@pytest.mark.parametrize(
    ("title", "codes"),
    [
        # a finding joined to the disease of the title by 合并/并发/伴 is a diagnosis of the case too
        ("系统性红斑狼疮合并肺动脉高压1例报告", {"ORPHA:536", "HP:0002092"}),
        ("兒童川崎氏症併發冠狀動脈瘤：病例報告", {"ORPHA:2331", "HP:0030882"}),
    ],
)
def test_a_finding_joined_to_the_titles_disease_is_a_diagnosis(title, codes):
    patient = _patient(f"{title}\n病例资料\n患者，女，30岁，因乏力1周入院。")
    assert codes <= {d["code"] for d in patient["diagnoses"]}


def test_symptoms_of_a_title_without_a_disease_are_no_diagnosis():
    patient = _patient("发热伴皮疹1例\n病例资料\n患者，女，30岁，因乏力1周入院。")
    assert patient["diagnoses"] == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("骨髓象示增生明显活跃。", "HP:0031020"),  # hypercellular marrow
        ("骨髓增生极度减低。", "HP:0005528"),
        ("骨髓增生活跃。", None),  # active: the normal grade names nothing
    ],
)
def test_marrow_cellularity_grades(text, code):
    codes = {f["code"] for f in _patient(f"患者，男，40岁。{text}")["features"]}
    assert codes == ({code} if code else set()), codes


@pytest.mark.parametrize(
    ("words", "excluded"),
    [
        ("发热未见好转", False),  # the fever did not improve: still there
        ("皮疹未见明显消退", False),
        ("皮疹未见", True),
        ("皮疹未见明显", True),
    ],
)
def test_not_seen_before_a_course_word_is_no_negation(words, excluded):
    features = _patient(f"患者，男，40岁。{words}。")["features"]
    assert [f["excluded"] for f in features] == [excluded], features


@pytest.mark.parametrize(
    ("text", "code", "excluded"),
    [
        ("患者，男，40岁。从未出现血尿。", "HP:0000790", True),  # never: a negation
        ("病人，男，40歲。從未發燒。", "HP:0001945", True),
        ("患者，男，40岁。从未规律服药，反复头痛。", "HP:0002315", False),
    ],
)
def test_never_negates_a_finding_it_states(text, code, excluded):
    features = {f["code"]: f["excluded"] for f in _patient(text)["features"]}
    assert features.get(code) is excluded, features


@pytest.mark.parametrize("words", ["全身无力", "周身无力", "浑身无力", "周身乏力"])
def test_weakness_of_the_whole_body_is_fatigue_as_whole_body_lassitude_is(words):
    codes = {f["code"] for f in _patient(f"患者，男，40岁，{words}1周。")["features"]}
    assert codes == {"HP:0012378"}, codes


def test_an_organ_named_with_nang_before_a_swelling_is_no_cyst():
    # 阴囊肿胀 and 胆囊肿大 hold 囊肿 (a cyst) across their words.
    patient = _patient("患者，男，40岁。查体：阴囊肿胀，胆囊肿大，右肾囊肿。")
    assert {f["code"] for f in patient["features"]} == {"HP:0034506", "HP:0000107"}, patient["features"]
    assert [u["label"] for u in patient["uncoded_findings"]] == ["scrotal swelling"]


@pytest.mark.parametrize(
    ("text", "not_codes"),
    [
        ("痰培养示肺炎链球菌。", {"HP:0002090", "MONDO:0005249"}),  # an organism, not pneumonia
        ("痰培养：肺炎克雷伯菌生长。", {"HP:0002090", "MONDO:0005249"}),
        ("脑脊液培养：脑膜炎奈瑟菌。", {"HP:0001287"}),
        ("咽拭子培养：流感嗜血杆菌。", {"MONDO:0005812"}),
        ("肝炎病毒标志物阴性。", {"HP:0012115"}),
    ],
)
def test_a_disease_inside_an_organisms_name_is_no_finding(text, not_codes):
    patient = _patient(f"患者，男，40岁。{text}")
    found = {f["code"] for f in patient["features"]} | {d["code"] for d in patient["diagnoses"]}
    assert not found & not_codes, found


def test_an_organism_still_makes_its_culture_positive():
    patient = _patient("患者，男，40岁。痰培养：肺炎克雷伯菌生长。")
    assert [m["interpretation"] for m in patient["measurements"]] == ["positive"]


@pytest.mark.parametrize(
    "place",
    [
        "遂至我院发热门诊就诊",  # the fever clinic
        "转入感染科",
        "转至肿瘤科",
        "于高血压科就诊",
        "至糖尿病专科门诊随访",
        "至結核病醫院就診",
    ],
)
def test_a_clinic_named_after_a_disease_is_no_finding(place):
    patient = _patient(f"患者，男，40岁，咳嗽3天，{place}。")
    assert {f["code"] for f in patient["features"]} == {"HP:0012735"}, patient["features"]
    assert not patient["diagnoses"] and not patient["uncoded_findings"], patient


def test_the_centre_of_a_mass_is_still_a_mass():
    patient = _patient("患者，男，40岁。CT示肿块中心坏死。")
    assert "mass" in {u["label"] for u in patient["uncoded_findings"]}
