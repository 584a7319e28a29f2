"""Outcomes on short reports of our own: only the course after treatment, not the history or a
trigger; what the outcome is about (a finding or a measurement); after which treatment; the
series of the right lesion."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract


def _outcomes(text: str) -> list[dict]:
    record = extract(text)
    assert record["patients"], record
    return record["patients"][0]["outcomes"]


def test_worsening_in_the_history_is_not_an_outcome():
    outcomes = _outcomes(
        "患者女，52岁。主诉：四肢无力加重1周。入院后予甲泼尼龙500 mg静滴冲击治疗，3天后四肢无力明显好转。"
    )
    assert [(o["direction"], o.get("after_treatment")) for o in outcomes] == [
        ("improved", "methylprednisolone")
    ]
    outcomes = _outcomes(
        "A 40-year-old woman presented with a rash that had worsened over 2 months. She was treated with "
        "hydroxychloroquine 200 mg twice daily, and the rash improved within 6 weeks."
    )
    assert [(o["direction"], o["about"], o.get("after_treatment")) for o in outcomes] == [
        ("improved", "Skin rash", "hydroxychloroquine")
    ]


def test_a_trigger_is_not_an_outcome():
    outcomes = _outcomes("患者女，35岁。面部红斑，日晒后加重。予羟氯喹0.2 g 2次/d口服，1个月后面部红斑消退。")
    assert [o["direction"] for o in outcomes] == ["resolved"]
    outcomes = _outcomes(
        "A 61-year-old man with angina. He was given aspirin 100 mg daily; his chest pain was worse with "
        "exertion but at follow-up of 3 months the chest pain had resolved."
    )
    assert [o["direction"] for o in outcomes] == ["resolved"]
    assert outcomes[0]["follow_up"].startswith("follow-up of 3 months")


def test_an_outcome_is_about_the_measurement_its_clause_names():
    outcomes = _outcomes(
        "患者女，28岁。面部红斑。予泼尼松30 mg 1次/d口服治疗后，面部红斑减轻，补体C3恢复正常。"
    )
    by_direction = {o["direction"]: o for o in outcomes}
    assert by_direction["improved"]["about"] == "Facial erythema"
    assert by_direction["resolved"]["about"] == "C3"
    assert by_direction["resolved"]["about_measurement"] == "C3"
    assert "code" not in by_direction["resolved"]
    assert all(o["after_treatment"] == "prednisone" for o in outcomes)


def test_a_nodules_size_is_not_the_ulcers_series():
    outcomes = _outcomes(
        "患者女，50岁。右小腿溃疡，直径约4 cm，旁有一直径约1 cm的结节。"
        "予清创换药1次/d治疗2周后溃疡缩小至直径约2 cm。"
    )
    improved = [o for o in outcomes if o["direction"] == "improved"]
    assert improved and improved[0]["about_code"] == "HP:0200042"
    assert [p["value"] for p in improved[0]["series"]] == [4, 2]


def test_one_outcome_per_finding_direction_and_treatment():
    text = (
        "A 33-year-old man. He received colchicine 0.5 mg twice daily. The fever improved on day 3 and "
        "the fever further improved by day 5."
    )
    outcomes = _outcomes(text)
    assert len(outcomes) == 1 and outcomes[0]["direction"] == "improved"
    assert [m["text"] for m in outcomes[0]["mentions"]] == ["improved", "improved"]


def test_death_is_an_outcome_without_treatment():
    outcomes = _outcomes("A 70-year-old man presented with massive haemoptysis and died 2 hours later.")
    assert [o["direction"] for o in outcomes] == ["died"]


@pytest.mark.parametrize(
    ("course", "direction"),
    [
        ("经治疗后康复出院。", "resolved"),
        ("治疗后疗效显著。", "improved"),
        ("患者於住院第10天過世。", "died"),
        ("出院后规律随访，未再发作。", "stable"),
    ],
)
def test_more_chinese_words_of_the_course(course, direction):
    record = extract("患者女，52岁，因发热、皮疹入院。予甲泼尼龙40 mg/d静脉滴注。" + course)
    assert direction in {o["direction"] for o in record["patients"][0]["outcomes"]}


def test_rehabilitation_is_no_recovery():
    record = extract("患者女，52岁，因脑梗死入院。予阿司匹林100 mg/d口服。出院后继续康复治疗。")
    assert not record["patients"][0]["outcomes"]


@pytest.mark.parametrize(
    "text",
    [
        "患兒男，1歲。接受異體臍帶血移植；移植後追蹤迄今，病童情況良好。",
        "患者女，40岁。行肾移植术，术后随访1年，一般状况良好。",
    ],
)
def test_doing_well_after_a_procedure_is_stable(text):
    assert "stable" in {o["direction"] for o in _outcomes(text)}


def test_no_improvement_after_treatment_is_stable_not_improved():
    outcomes = _outcomes("患儿男，2岁。外院予补液、抗感染治疗，病情无明显好转。")
    assert [o["direction"] for o in outcomes] == ["stable"]


def test_doing_well_in_the_history_before_treatment_is_no_outcome():
    assert _outcomes("患者女，30岁。既往体健，平素一般情况良好。1周前出现发热。") == []


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("患者女，30歲。至診所就醫，服藥後燒退了。", "resolved"),
        ("患者男，50岁。予甲泼尼龙治疗后热退。", "resolved"),
        ("患者男，60岁。予依库珠单抗治疗，随访中PNH克隆一直存在。", "stable"),
        ("患者女，45岁。接受手术切除，随访2年未见复发。", "stable"),
        ("患者男，70岁。予升压药维持血压，终因多器官衰竭宣告不治。", "died"),
    ],
)
def test_more_course_wording_after_treatment(text, direction):
    assert direction in {o["direction"] for o in _outcomes(text)}


def test_an_antipyretic_is_no_resolved_fever():
    assert _outcomes("患者女，30岁。发热3天，自服退热药，无其他治疗。") == []


def test_an_outcome_speaks_of_the_patients_own_finding_named_before():
    text = (
        "A 52-year-old man presented with painful subcutaneous nodules on both elbows. He had Raynaud's "
        "phenomenon and digital ulcers. He received sodium thiosulfate 25 g intravenously three times "
        "weekly for 6 months. At 6-month follow-up the nodules had decreased in size and the ulcers "
        "had healed."
    )
    about = {o["about"]: o for o in extract(text)["patients"][0]["outcomes"]}
    # "the nodules" is the subcutaneous nodules; "the ulcers", the digital ulcers (a kind of skin ulcer)
    assert about["Subcutaneous nodule"]["direction"] == "improved"
    assert about["Digital ulcer"]["direction"] == "resolved"
    assert "Skin ulcer" not in about and "overall condition" not in about


def test_a_finding_named_again_by_its_last_word_is_the_finding_named_before():
    text = (
        "A 63-year-old man presented with acute onset of left-sided weakness and slurred speech. He was "
        "started on clopidogrel 75 mg daily. At 3 months his weakness had improved."
    )
    patient = extract(text)["patients"][0]
    # "his weakness" is the left-sided weakness (Hemiparesis): no Asthenia of its own
    assert [f["label"] for f in patient["features"]] == ["Hemiparesis", "Slurred speech"]
    hemiparesis = patient["features"][0]
    assert [m["text"] for m in hemiparesis["mentions"]] == ["left-sided weakness", "weakness"]
    assert [(o["about"], o["direction"]) for o in patient["outcomes"]] == [("Hemiparesis", "improved")]


def test_a_word_two_findings_end_with_stays_its_own():
    text = "She had left-sided weakness and proximal muscle weakness. The weakness persisted."
    labels = [f["label"] for f in extract(text)["patients"][0]["features"]]
    # "the weakness" could be either: it is not given to one of them
    assert labels == ["Hemiparesis", "Proximal muscle weakness", "Asthenia"]


def test_a_cue_that_names_its_finding_is_about_it():
    text = "患儿发热5天。予静脉注射免疫球蛋白2 g/kg。治疗后36小时内退烧。"
    outcomes = [
        (o["about"], o.get("about_code"), o["direction"]) for o in extract(text)["patients"][0]["outcomes"]
    ]
    assert outcomes == [("Fever", "HP:0001945", "resolved")]  # 退烧: the fever went, not "overall condition"


def test_a_level_word_that_names_a_finding_is_no_course():
    # 减少/下降 after a test is the abnormality when test and word name one (thrombocytopenia,
    # reduced visual acuity): not a recovery, whether before treatment or as a new adverse event.
    outcomes = _outcomes(
        "患者，男，40岁。因血小板减少，予输注血小板。化疗后出现白细胞减少。治疗后视力下降，腱反射消失。"
    )
    assert outcomes == []
    # the course word after such a finding is about the finding, not the test inside its name
    outcomes = _outcomes(
        "患者，男，40岁。因血小板减少，予泼尼松60 mg/d口服。治疗后血小板减少好转，视力下降改善，尿蛋白减少。"
    )
    assert sorted((o["about"], o["direction"]) for o in outcomes) == [
        ("Reduced visual acuity", "improved"),
        ("Thrombocytopenia", "improved"),
        ("urine protein", "improved"),
    ]


def test_discharged_without_complication_is_improved():
    for text in (
        "患者，女，30岁。予抗感染治疗，病情逐渐平稳后顺利出院。",
        "患者，女，30歲。予抗感染治療，術後恢復順利。",
    ):
        assert "improved" in {o["direction"] for o in _outcomes(text)}, text
    # leaving against advice says nothing of the course
    assert _outcomes("患者，女，30岁。予抗感染治疗，家属要求自动出院。") == []


def test_english_cues_that_name_their_finding_and_fewer_attacks():
    record = extract(
        "A 3-year-old girl had seizures since infancy. She was started on levetiracetam; seizure "
        "frequency decreased by 50%. On oxcarbazepine she became afebrile and remained seizure-free."
    )
    patient = record["patients"][0]
    assert {(o["about"], o["direction"]) for o in patient["outcomes"]} >= {
        ("Seizure", "improved"),
        ("Seizure", "resolved"),
        ("Fever", "resolved"),
    }
    # how much something changed is no test result
    assert not [m for m in patient["measurements"] if m.get("unit") == "%"]


def _s2tw(text: str) -> str:
    opencc = pytest.importorskip("opencc")
    return opencc.OpenCC("s2twp").convert(text)


@pytest.mark.parametrize(
    "care, course, direction",
    [
        ("行腹腔镜胆囊切除术。", "患者腹痛消失。", "resolved"),
        ("给予血浆置换5次。", "四肢肌力明显改善。", "improved"),
        ("行血液透析。", "双下肢水肿减轻。", "improved"),
        ("予禁食、胃肠减压及营养支持。", "次日腹痛缓解。", "improved"),
        ("停用可疑药物。", "皮疹逐渐消退。", "resolved"),
        ("入院第3天，", "腹痛明显减轻。", "improved"),
        ("紧急开刀。", "术后第3天恢复意识。", "improved"),  # Taiwan's wording
        ("经医师急救后，", "已脱离险境。", "improved"),
        ("住院接受洗肾，", "目前已无大碍。", "improved"),
    ],
)
def test_care_that_is_no_drug_fact_starts_the_course(care, course, direction):
    # an operation, dialysis, supportive care or a drug stopped is treatment too: what follows is
    # the course, in either script
    for text in (f"患者，女，50岁，因腹痛、双下肢水肿、皮疹3天入院。{care}{course}",):
        for written in (text, _s2tw(text)):
            assert [o["direction"] for o in _outcomes(written)] == [direction], written


def test_a_course_care_is_meant_to_prevent_is_no_outcome():
    text = "患者，男，50岁，因腹痛入院。收入ICU抢救。尽早干预，以阻止胰腺炎进一步进展，防止病情恶化。"
    assert _outcomes(text) == []


def test_the_history_before_any_care_is_still_no_outcome():
    text = "患者，男，60岁，因四肢无力2周，进行性加重入院。既往体健。查体：四肢肌力3级。"
    assert _outcomes(text) == []
    assert _outcomes(_s2tw(text)) == []


@pytest.mark.parametrize(
    "course, direction",
    [
        ("3个月后肌力逐渐恢复。", "improved"),
        ("患者神志转清，恢复顺利。", "improved"),
        ("复查CT示病灶明显吸收。", "improved"),
        ("患者病情逐渐稳定下来。", "improved"),  # becoming stable after treatment
        ("病情趋于平稳后出院。", "improved"),
        ("随访1年，病情稳定。", "stable"),  # stable at follow-up stays stable
        ("患者病情无变化。", "stable"),
        ("1周后体温正常。", "resolved"),
        ("肝功能逐渐恢复如常。", "resolved"),
        ("复查CT示肿块较前增大。", "worsened"),
        ("住院期间病情急转直下。", "worsened"),
        ("停药半年后病情再燃。", "recurred"),
        ("患者最终抢救无效。", "died"),
        ("患者于术后第5天往生。", "died"),
    ],
)
def test_course_word_families(course, direction):
    text = f"患者，男，45岁，因发热、乏力入院。予头孢曲松2 g静脉滴注1次/d。{course}"
    for written in (text, _s2tw(text)):
        assert direction in {o["direction"] for o in _outcomes(written)}, written


def test_normal_temperature_is_about_the_fever():
    outcomes = _outcomes("患者，男，45岁，因发热入院。予头孢曲松2 g静脉滴注1次/d，3天后体温正常。")
    assert [(o["about"], o["direction"]) for o in outcomes] == [("Fever", "resolved")]


@pytest.mark.parametrize(
    "course, direction",
    [
        # no recurrence, no progression, no attack, no complaint since: a stable course
        ("术后1年复查MRI未见肿瘤复发。", "stable"),
        ("随访2年无复发迹象。", "stable"),
        ("复查CT病灶无进展。", "stable"),
        ("随访1年无腹痛发作。", "stable"),
        ("出院后病情未再反复。", "stable"),
        ("随访至今，患者无明显不适。", "stable"),
        # a function regained
        ("3个月后随访，患者已能独立行走。", "improved"),
        # Taiwan's wording: 进步, 回复, 缓和, 转好, 获得控制, 复原, 没有再
        ("病情逐渐进步，于住院第14天出院。", "improved"),
        ("肝指数回复正常。", "resolved"),
        ("症状缓和。", "improved"),
        ("病况转好。", "improved"),
        ("血压获得控制。", "improved"),
        ("术后逐渐复原。", "resolved"),
        ("之后没有再发烧。", "resolved"),
    ],
)
def test_course_after_care_in_more_wordings(course, direction):
    text = f"患者，女，50岁，因腹痛、发热入院。行手术治疗，并给予口服药物。{course}"
    for written in (text, _s2tw(text)):
        assert direction in {o["direction"] for o in _outcomes(written)}, written


@pytest.mark.parametrize(
    "text",
    [
        # "经…后", "行…后": after care the report names in its own words
        "患者，女，21岁，因头痛入院。患者经休息后症状自行缓解。",
        "患儿，女，8个月，因喂养困难入院。行鼻饲喂养后一般情况改善。",
    ],
)
def test_after_any_care_the_sentence_names_is_the_course(text):
    assert [o["direction"] for o in _outcomes(text)] == ["improved"]


def test_no_further_worsening_is_stable_only():
    text = "患者，女，40岁，因乏力入院。予甲泼尼龙治疗，症状不再加重。"
    assert [o["direction"] for o in _outcomes(text)] == ["stable"]


def test_improving_the_circulation_is_care_not_a_course():
    # "营养神经、改善循环治疗" names the care; only the numbness that lessened is the course
    text = "患者，男，62岁，因肢体麻木入院。予营养神经、改善循环治疗。患者肢体麻木较前减轻。"
    assert [(o["direction"], o["about"]) for o in _outcomes(text)] == [("improved", "Paresthesia")]


def test_walking_before_the_illness_is_no_course():
    assert _outcomes("患者，男，70岁，因肢体无力1周入院。发病前能独立行走。") == []


@pytest.mark.parametrize(
    "course, direction",
    [
        ("病情稳定后出院。", "improved"),  # becoming stable, then discharged
        ("经治疗后病情有起色。", "improved"),
        ("住院后病况每况愈下。", "worsened"),
        ("入院后病情越来越严重。", "worsened"),
        ("患儿于出院后1个月猝死。", "died"),
        ("1个月后复诊，皮疹完全消退。", "resolved"),
    ],
)
def test_more_course_wording_in_both_scripts(course, direction):
    text = f"患者，女，50岁，因皮疹、乏力入院。{course}"
    for written in (text, _s2tw(text)):
        assert direction in {o["direction"] for o in _outcomes(written)}, written


def test_a_relatives_sudden_death_is_no_outcome():
    assert _outcomes("患儿，男，3岁，因晕厥入院。其兄于2岁时猝死。") == []


@pytest.mark.parametrize(
    "course, direction",
    [
        ("3个月后肌力恢复。", "improved"),  # a function back, without an adverb
        ("患者精神及食欲都恢复了。", "improved"),
        ("贫血逐渐纠正。", "improved"),
        ("第5天成功拔管。", "improved"),
        ("血压控制平稳。", "improved"),
    ],
)
def test_a_function_back_and_a_disorder_corrected(course, direction):
    text = f"患者，男，45岁，因乏力、贫血入院。予甲泼尼龙40 mg静脉滴注，每日1次。{course}"
    for written in (text, _s2tw(text)):
        assert direction in {o["direction"] for o in _outcomes(written)}, written


def test_correcting_as_care_is_no_course():
    text = "患者，男，45岁，因呕吐入院。予补液、纠正电解质紊乱治疗。"
    assert "improved" not in {o["direction"] for o in _outcomes(text)}


def test_high_resolution_imaging_is_no_resolution():
    record = extract(
        "A 58-year-old woman had dyspnea. High-resolution CT showed ground-glass opacities. "
        "She was treated with prednisolone. Her dyspnea improved."
    )
    directions = {o["direction"] for o in record["patients"][0]["outcomes"]}
    assert directions == {"improved"}


@pytest.mark.parametrize(
    "text",
    [
        "患者，男，50岁，1年前经当地医院诊断为银屑病后，皮疹反复加重。",
        "患者，女，40岁，2个月前行胃镜检查后，腹痛逐渐加重。",
    ],
)
def test_a_diagnosis_or_an_examination_in_the_history_starts_no_course(text):
    assert _outcomes(text) == []


def test_a_clause_with_its_own_cue_does_not_lend_its_finding_to_the_next():
    text = "患者，女，30岁，因发热、颈部肿物入院。予头孢曲松2 g静滴。治疗后发热消退，肿物缩小。"
    about = {(o["about"], o["direction"]) for o in _outcomes(text)}
    assert ("Fever", "resolved") in about
    assert ("Fever", "improved") not in about


@pytest.mark.parametrize(
    "text",
    [
        "A 70-year-old man with pedal edema was given furosemide; he continued to deteriorate and died.",
        "患者男，70岁，下肢水肿，予呋塞米治疗，病情持续恶化，最终死亡。",
    ],
)
def test_death_is_the_patients_not_a_findings(text):
    outcomes = extract(text)["patients"][0]["outcomes"]
    assert ("overall condition", "died") in [(o["about"], o["direction"]) for o in outcomes]
    assert not [o for o in outcomes if o["direction"] == "died" and o["about"] != "overall condition"]


@pytest.mark.parametrize(
    "sentence",
    [
        # a test's name, not a normalisation
        "Her international normalized ratio was 3.1 on warfarin.",
        # a lavage's return, not a recovery
        "Bronchoscopy was done with 100 mL saline, and 55% of the lavage fluid was recovered.",
        # a sign lost, no finding gone
        "Two weeks later his ankle reflexes had disappeared.",
        # a nerve's name, not a recurrence
        "Hoarseness was attributed to a recurrent laryngeal nerve palsy.",
        # a purpose, not an improvement
        "An echocardiogram was obtained to better assess the valve.",
        # the operative field, not the patient
        "Division of the ligament improved exposure of the mass.",
        # what changes a symptom, not its course
        "The pain was relieved by leaning forward and worsened with deep inspiration.",
        # the definitions of response criteria in the methods
        "Response was graded by RECIST criteria: complete response, disappearance of all lesions; "
        "partial response, a decrease of at least 30%; stable disease, neither; and progressive disease, "
        "an increase of at least 20%.",
    ],
)
def test_words_of_technique_names_or_definitions_are_no_outcome(sentence):
    outcomes = _outcomes(
        "A 58-year-old man with chest pain was treated with aspirin 100 mg daily and heparin. " + sentence
    )
    assert outcomes == []


def test_a_response_after_treatment_still_counts_beside_the_criteria_word():
    outcomes = _outcomes(
        "A 58-year-old man with lung cancer was treated with pembrolizumab. By RECIST criteria he had a "
        "partial response after four cycles."
    )
    assert [(o["direction"], o.get("after_treatment")) for o in outcomes] == [("improved", "pembrolizumab")]


def test_a_clinical_remission_is_a_course_resolved():
    outcomes = _outcomes(
        "A 24-year-old man with ulcerative colitis received infliximab and achieved clinical remission."
    )
    assert [(o["direction"], o.get("after_treatment")) for o in outcomes] == [("resolved", "infliximab")]


@pytest.mark.parametrize(
    "course, expected",
    [
        # a level now within its interval is resolved; one still outside it is better or worse
        # than the test's earlier value, else by which way it moved
        ("4周后复查血小板升至165×10^9/L。", ("platelets", "resolved")),
        ("4周后复查血小板升至62×10^9/L。", ("platelets", "improved")),
        ("复查肌酐由356 μmol/L降至98 μmol/L。", ("creatinine", "resolved")),
        ("2周后肌酐由85 μmol/L升至356 μmol/L。", ("creatinine", "worsened")),
        ("1周后血红蛋白下降至58 g/L。", ("hemoglobin", "worsened")),
        ("3个月后糖化血红蛋白降至7.6%。", ("HbA1c", "improved")),
    ],
)
def test_a_level_changed_to_a_value_after_treatment(course, expected):
    text = (
        "患者，男，52岁，因乏力入院。血小板28×10^9/L，肌酐356 μmol/L。"
        f"予甲泼尼龙40 mg静脉滴注，每日1次。{course}"
    )
    for written in (text, _s2tw(text)):
        got = {(o["about"], o["direction"]) for o in _outcomes(written) if o.get("about_measurement")}
        assert expected in got, written
        assert len(got) == 1, got


def test_a_level_changed_in_the_history_is_no_outcome():
    assert _outcomes("患者，男，52岁。1个月前外院查肌酐由85 μmol/L升至356 μmol/L，遂来我院。") == []


@pytest.mark.parametrize(
    "course, direction",
    [
        ("随访2年，患者无瘤生存。", "stable"),
        ("术后带瘤生存至今。", "stable"),
        ("患者视力无明显提高。", "stable"),
        ("4周后血小板计数逐渐上升至正常。", "resolved"),
        ("患者肌力逐渐恢复至Ⅳ级。", "improved"),
        ("血糖达标后出院。", "improved"),
        ("3天后酸中毒纠正，患者转出ICU。", "improved"),
    ],
)
def test_course_wording_of_levels_and_survival(course, direction):
    text = f"患者，男，60岁，因乏力入院。予甲泼尼龙40 mg静脉滴注，每日1次。{course}"
    for written in (text, _s2tw(text)):
        assert direction in {o["direction"] for o in _outcomes(written)}, written


def test_a_follow_up_time_written_before_the_word():
    outcomes = _outcomes(
        "患者，女，40岁，因皮疹入院。予泼尼松30 mg每日1次口服。出院后3个月电话随访，皮疹未再复发。"
    )
    assert outcomes and outcomes[-1].get("follow_up") == "3个月电话随访"


@pytest.mark.parametrize(
    "course, direction",
    [
        ("经对症处理后恢复。", "improved"),  # recovered, said last in its clause
        ("使用IVIG后，血小板回升，未再出血。", "improved"),
        ("经规律治疗2年，患者达到临床缓解，停药观察。", "resolved"),  # as English "clinical remission"
    ],
)
def test_recovery_said_last_and_clinical_remission(course, direction):
    text = f"患者，女，35岁，因乏力入院。予泼尼松30 mg每日1次口服。{course}"
    for written in (text, _s2tw(text)):
        assert direction in {o["direction"] for o in _outcomes(written)}, written


def test_a_follow_up_time_in_words():
    text = "患者，女，35岁，因皮疹入院。予泼尼松30 mg每日1次口服，皮疹逐渐消退，门诊追踪半年无再发作。"
    for written in (text, _s2tw(text)):
        assert {o.get("follow_up") for o in _outcomes(written)} == {"追踪半年"}, written


def test_recovery_not_yet_is_no_improvement():
    text = "患者，女，35岁，因乏力入院。予泼尼松30 mg每日1次口服，2周后肌力尚未恢复。"
    assert "improved" not in {o["direction"] for o in _outcomes(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a level changed to a value after care: within its interval now is resolved
        (
            "A 45-year-old man received rituximab. His creatinine fell from 3.2 to 1.1 mg/dL.",
            [("creatinine", "resolved", "rituximab")],
        ),
        (
            "A 45-year-old man with a platelet count of 20 x 10^9/L received prednisone. After "
            "treatment, his platelet count rose to 150 x 10^9/L.",
            [("platelets", "resolved", "prednisone")],
        ),
        # … further from it than before is worse
        (
            "A 45-year-old man had a hemoglobin of 10 g/dL. He received chemotherapy. His hemoglobin "
            "fell to 6.1 g/dL.",
            [("hemoglobin", "worsened", "chemotherapy")],
        ),
        # a test with no usual interval: the word that moved it says nothing of better or worse
        ("A 50-year-old man received chemotherapy. Serum VEGF decreased to 825 pg/mL.", []),
        # the history before any care is no course
        ("A 60-year-old man. Before admission, his creatinine rose to 3.2 mg/dL.", []),
    ],
)
def test_an_english_level_changed_to_a_value_after_care(text, expected):
    outcomes = [o for o in _outcomes(text) if o.get("about_measurement")]
    assert [(o["about"], o["direction"], o.get("after_treatment")) for o in outcomes] == expected


@pytest.mark.parametrize(
    "text",
    [
        "患者，男，46岁。2个月前出现双下肢水肿，未予重视。1周前水肿加重。",
        "患者，男，46歲。2個月前出現雙下肢水腫，未予特殊處理，1週前水腫加重。",
        "患者，女，30岁。反复发热1月，未经治疗，3天前发热加重。",
    ],
)
def test_care_withheld_in_the_history_makes_no_course_after_treatment(text):
    assert extract(text)["patients"][0]["outcomes"] == []


def test_care_given_makes_the_course_after_it_an_outcome():
    (outcome,) = extract("患者，男，46岁。双下肢水肿，予呋塞米利尿后水肿加重。")["patients"][0]["outcomes"]
    assert (outcome["direction"], outcome["after_treatment"]) == ("worsened", "furosemide")


def test_a_finding_still_there_after_treatment_is_a_stable_course():
    text = "患者，男，40岁，因发热入院。予泼尼松30 mg每日1次口服，2周后患者仍有间断低热。"
    for written in (text, _s2tw(text)):
        assert [(o["direction"], o["about"]) for o in _outcomes(written)] == [("stable", "Fever")], written
    # in the history, before any care, it is no course
    assert _outcomes("患者，男，40岁。2年前出现皮疹，仍有瘙痒，遂来我院。") == []


def test_a_finding_back_again_and_care_as_taiwan_writes_it():
    text = "患者，女，40岁，因皮疹入院。予泼尼松30 mg每日1次口服，皮疹消退，停药2个月后又出现皮疹。"
    for written in (text, _s2tw(text)):
        got = {(o["direction"], o["about"]) for o in _outcomes(written)}
        assert ("recurred", "Skin rash") in got, written
    # 处置 is care given: the sentence after it is the course
    outcomes = _outcomes("病人為40歲男性，因昏迷送急診。經急診處置。隔日意識轉清。")
    assert [o["direction"] for o in outcomes] == ["improved"]
    # "又出现" in the history is no course
    assert _outcomes("患者，男，40岁。3年前曾患肺炎，1年前又出现咳嗽。") == []


@pytest.mark.parametrize(
    "course, expected",
    [
        # "由A提高至B": both values are read, and the change is the course
        ("患者肌力由2级恢复至4级。", ("muscle strength", "improved")),
        ("血红蛋白由60 g/L回升至98 g/L。", ("hemoglobin", "improved")),
    ],
)
def test_a_level_from_one_value_to_another_after_treatment(course, expected):
    text = f"患者，男，52岁，因乏力入院。予甲泼尼龙40 mg静脉滴注，每日1次。{course}"
    for written in (text, _s2tw(text)):
        outcomes = _outcomes(written)
        assert expected in {(o["about"], o["direction"]) for o in outcomes if o.get("about_measurement")}


def test_transaminases_that_normalize_are_the_liver_tests_course():
    outcomes = _outcomes(
        "A 48-year-old woman with autoimmune hepatitis received prednisolone 40 mg daily. Transaminases "
        "normalized within 3 months."
    )
    assert [(o["about"], o["direction"]) for o in outcomes] == [("liver function", "resolved")]


@pytest.mark.parametrize(
    "course, direction",
    [
        ("治疗后患者可正常生活和工作。", "improved"),
        ("治疗后患者生活质量明显提高。", "improved"),
        ("术后随访1年，患者肝功能持续正常。", "stable"),
        ("治疗后患者仍处于昏迷状态。", "stable"),
    ],
)
def test_life_back_to_normal_and_a_state_that_lasts(course, direction):
    text = f"患者，男，60岁，因乏力入院。予甲泼尼龙40 mg静脉滴注，每日1次。{course}"
    for written in (text, _s2tw(text)):
        assert direction in {o["direction"] for o in _outcomes(written)}, written


def test_a_dose_raised_is_no_improvement():
    text = "患者，男，60岁，因乏力入院。予泼尼松20 mg每日1次口服，1周后剂量提高至30 mg。"
    assert "improved" not in {o["direction"] for o in _outcomes(text)}


def test_progressive_disease_as_a_response_category_is_a_worsened_course():
    text = (
        "A 60-year-old man with lymphoma received chemotherapy. Restaging PET-CT demonstrated "
        "progressive disease."
    )
    assert [(o["about"], o["direction"]) for o in extract(text)["patients"][0]["outcomes"]] == [
        ("overall condition", "worsened")
    ]
    described = "A 60-year-old man received chemotherapy. He had a slowly progressive disease of the muscles."
    assert extract(described)["patients"][0]["outcomes"] == []
