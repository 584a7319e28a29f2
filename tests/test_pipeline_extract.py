"""The extraction record on short, tricky reports of our own, in both languages."""

from __future__ import annotations

import pytest

from ingest.pipeline import PARSER_VERSION, extract


def _patient(text: str, **kwargs) -> dict:
    record = extract(text, **kwargs)
    assert record["patients"], record
    return record["patients"][0]


def _codes(patient: dict, *, excluded: bool = False) -> set[str]:
    return {f["code"] for f in patient["features"] if f["excluded"] is excluded and f["code"]}


def _check_evidence(text: str, record: dict) -> None:
    for patient in record["patients"]:
        facts = [patient["age"]] if patient["age"] else []
        for kind in ("features", "diagnoses", "measurements", "treatments", "outcomes"):
            facts.extend(patient[kind])
        for fact in facts:
            ev = fact["evidence"]
            assert 0 <= ev["start"] < ev["end"] <= len(text)
            assert text[ev["start"] : ev["end"]] == ev["text"]


ZH_REPORT = (
    "１　病例资料　患者女，３５岁，因反复发热、关节痛２年入院。２０１８年外院诊断为“系统性红斑狼疮”，"
    "给予泼尼松３０ｍｇ口服、１次／ｄ，并加用雷公藤２片、３次／ｄ口服，雷公藤服用５个月出现闭经后停用。"
    "既往无高血压、糖尿病病史。其母亲有银屑病。查体：双下肢不肿，无皮疹。"
    "实验室检查：红细胞沉降率６８ｍｍ／１ｈ，血红蛋白９０ｇ／Ｌ↓，抗核抗体阳性，抗Ｓｍ抗体阴性，尿蛋白（＋）。"
    "予甲泼尼龙４０ｍｇ静滴、１次／ｄ，羟氯喹０．２ｇ口服、２次／ｄ，伤口予碘伏局部换药１次／２ｄ。"
    "治疗２周后关节痛缓解。\n２　讨论　本病可用他克莫司、环磷酰胺治疗。"
)

EN_REPORT = (
    "Case report\n"
    "A 7-month-old girl was admitted with fever and cough. There was no rash, lymphadenopathy or "
    "hepatosplenomegaly. Her father has asthma. Laboratory tests showed a hemoglobin of 8.1 g/dL (normal "
    "11-14), an elevated ESR of 80 mm/h and a CRP of 45 mg/L; ANA was negative. She was given amoxicillin "
    "250 mg orally three times daily for 7 days and ibuprofen 50 mg every 8 hours as needed. Methotrexate "
    "was discontinued because of elevated liver enzymes. The fever resolved after 3 days.\n"
    "Discussion\nWarfarin and colchicine have been used in similar patients."
)


def test_record_shape_and_version():
    record = extract(ZH_REPORT, source="x.txt")
    assert record["source"] == "x.txt"
    assert record["language"] == "zh"
    assert record["parser_version"] == PARSER_VERSION
    patient = record["patients"][0]
    assert set(patient) >= {"sex", "age", "features", "diagnoses", "measurements", "treatments", "outcomes"}
    _check_evidence(ZH_REPORT, record)


def test_chinese_demographics():
    patient = _patient(ZH_REPORT)
    assert patient["sex"] == "female"
    assert patient["age"]["years"] == 35
    assert patient["age"]["evidence"]["text"] == "３５岁"


def test_chinese_features_negation_and_family():
    patient = _patient(ZH_REPORT)
    present, absent = _codes(patient), _codes(patient, excluded=True)
    assert {"HP:0002829", "HP:0000141"} <= present  # arthralgia, amenorrhea
    assert present & {"HP:0001945", "HP:0001954"}  # (recurrent) fever
    assert {"HP:0000822", "HP:0000819", "HP:0010741"} <= absent  # no hypertension/diabetes, legs not swollen
    assert "HP:0003765" not in present  # the mother's psoriasis is not the patient's


def test_chinese_measurements_and_implied_features():
    patient = _patient(ZH_REPORT)
    by_analyte = {m["analyte"]: m for m in patient["measurements"]}
    assert by_analyte["ESR"]["value"] == 68 and by_analyte["ESR"]["interpretation"] == "high"
    assert by_analyte["hemoglobin"]["interpretation"] == "low"
    assert by_analyte["ANA"]["interpretation"] == "positive"
    assert "HP:0003565" in _codes(patient)  # raised ESR
    assert "HP:0003493" in _codes(patient)  # ANA positive
    assert "HP:0000093" in _codes(patient)  # urine protein (+)
    assert "HP:0033040" in _codes(patient, excluded=True)  # anti-Sm negative


def test_chinese_treatments():
    patient = _patient(ZH_REPORT)
    tx = patient["treatments"]
    agents = {t["agent"] for t in tx}
    assert {"prednisone", "methylprednisolone", "hydroxychloroquine"} <= agents
    assert not agents & {"tacrolimus", "cyclophosphamide"}  # named only in the discussion
    pred = next(t for t in tx if t["agent"] == "prednisone")
    assert (pred["dose"], pred["unit"], pred["route"], pred["frequency"]) == (30, "mg", "oral", "once daily")
    mp = next(t for t in tx if t["agent"] == "methylprednisolone")
    assert (mp["route"], mp["frequency"]) == ("intravenous", "once daily")
    hcq = next(t for t in tx if t["agent"] == "hydroxychloroquine")
    assert (hcq["dose"], hcq["unit"], hcq["frequency"]) == (0.2, "g", "twice daily")
    tw = [t for t in tx if "tripterygium" in t["agent"]]
    assert any(t["dose"] == 2 and t["unit"] == "tablet" and t["frequency"] == "three times daily" for t in tw)
    assert any(t["stopped_because"] == "amenorrhea" and t["duration"] == "5 months" for t in tw)
    iodine = [t for t in tx if t["route"] == "topical"]
    assert iodine and iodine[0]["frequency"] == "every 2 days"


def test_chinese_diagnosis_and_outcome():
    patient = _patient(ZH_REPORT)
    assert any(d["code"] == "ORPHA:536" for d in patient["diagnoses"])
    assert any(o["direction"] == "improved" for o in patient["outcomes"])


def test_english_demographics_in_months():
    patient = _patient(EN_REPORT)
    assert patient["sex"] == "female"
    assert patient["age"]["years"] == pytest.approx(7 / 12, abs=0.01)


def test_english_features():
    patient = _patient(EN_REPORT)
    assert {"HP:0001945", "HP:0012735"} <= _codes(patient)
    assert {"HP:0000988", "HP:0002716", "HP:0001433"} <= _codes(patient, excluded=True)
    assert "HP:0002099" not in _codes(patient)  # the father's asthma


def test_english_measurements():
    patient = _patient(EN_REPORT)
    by_analyte = {m["analyte"]: m for m in patient["measurements"] if m["analyte"]}
    assert by_analyte["hemoglobin"]["value"] == 8.1
    assert by_analyte["hemoglobin"]["unit"] == "g/dL"
    assert by_analyte["hemoglobin"]["interpretation"] == "low"  # from the stated range
    assert by_analyte["ESR"]["interpretation"] == "high"
    assert by_analyte["ANA"]["interpretation"] == "negative"
    assert "HP:0003493" in _codes(patient, excluded=True)


def test_english_treatments():
    patient = _patient(EN_REPORT)
    tx = {t["agent"]: t for t in patient["treatments"]}
    amox = tx["amoxicillin"]
    assert (amox["dose"], amox["unit"], amox["route"], amox["frequency"], amox["duration"]) == (
        250,
        "mg",
        "oral",
        "three times daily",
        "7 days",
    )
    assert tx["ibuprofen"]["frequency"] == "every 8 hours"
    assert (
        "elevated" in tx["methotrexate"]["stopped_because"]
        or "transaminase" in tx["methotrexate"]["stopped_because"]
    )
    assert "warfarin" not in tx and "colchicine" not in tx


def test_english_outcome():
    patient = _patient(EN_REPORT)
    assert any(o["direction"] == "resolved" and o["about"] == "Fever" for o in patient["outcomes"])


def test_case_series_gives_several_patients():
    text = (
        "Case 1: A 30-year-old man presented with fever and arthralgia.\n"
        "Case 2: A 52-year-old woman presented with a skin ulcer and no fever."
    )
    record = extract(text)
    assert len(record["patients"]) == 2
    first, second = record["patients"]
    assert (first["sex"], first["age"]["years"]) == ("male", 30)
    assert (second["sex"], second["age"]["years"]) == ("female", 52)
    assert "HP:0001945" in _codes(first)
    assert "HP:0001945" in _codes(second, excluded=True)
    assert "HP:0200042" in _codes(second)


def test_ulcer_size_series_and_follow_up():
    text = (
        "患者女，40岁。右髂部可见一直径约5cm的破溃。治疗1周，破溃处伤口缩小至直径约4cm。"
        "2015年11月5日随访时破溃处伤口直径约2.5cm，钙盐沉积稳定。"
    )
    patient = _patient(text)
    improved = [o for o in patient["outcomes"] if o["direction"] == "improved"]
    assert improved and [p["value"] for p in improved[0]["series"]] == [5, 4, 2.5]
    assert any(
        o["direction"] == "stable" and "随访" in (o.get("follow_up") or "") for o in patient["outcomes"]
    )


def test_abbreviation_defined_in_the_report_is_followed():
    text = "A 46-year-old woman had diabetic ketoacidosis (DKA). DKA resolved with insulin."
    patient = _patient(text)
    (dka,) = [f for f in patient["features"] if f["code"] == "HP:0001953"]
    # One fact for the finding, both places as its mentions; "DKA resolved" is the same DKA. The
    # defining mention shows its abbreviation.
    assert [m["text"] for m in dka["mentions"]] == ["diabetic ketoacidosis (DKA)", "DKA"]
    assert [m["assertion"] for m in dka["mentions"]] == ["present", "resolved"]
    assert dka["assertion"] == "present" and dka["evidence"]["text"] == "diabetic ketoacidosis (DKA)"


def test_a_bracketed_plain_word_after_a_finding_is_no_abbreviation():
    # "(bilateral)", "(mild)" describe the finding; the later "bilateral" and "mild" name nothing.
    text = (
        "A 60-year-old man had pleural effusion (bilateral) and ascites (mild). "
        "Both knees were mild in size, the bilateral wrists were normal."
    )
    patient = _patient(text)
    assert [f["evidence"]["text"] for f in patient["features"]] == ["pleural effusion", "ascites"]
    assert all("mentions" not in f for f in patient["features"])


def test_an_abbreviation_stands_for_the_name_whose_word_it_begins_with():
    text = "A 30-year-old woman had graft-versus-host disease (GVHD). The GVHD was treated with steroids."
    (gvhd,) = _patient(text)["diagnoses"]
    assert gvhd["evidence"]["text"] == "graft-versus-host disease (GVHD)"
    assert [m["text"] for m in gvhd["mentions"]] == ["graft-versus-host disease (GVHD)", "GVHD"]


@pytest.mark.parametrize("junk", ["", "   ", "\x00\x01\x02", "�" * 50, "1234567890", "lorem ipsum dolor"])
def test_bad_input_gives_a_valid_empty_record(junk):
    record = extract(junk)
    assert record["parser_version"] == PARSER_VERSION
    assert isinstance(record["patients"], list)
    for patient in record["patients"]:
        assert not patient["treatments"]


def test_large_input_is_bounded():
    text = ("患者女，40岁，发热。" + "无关文字" * 50) * 20000  # ~4.5 M characters
    record = extract(text)
    assert record.get("truncated_at")
    assert record["patients"][0]["age"]["years"] == 40


def test_case_series_with_heading_lines_and_relatives_as_patients():
    text = (
        "Abstract\nWe describe two siblings with familial Mediterranean fever.\n"
        "Case presentation\nPatient 1\nA 12-year-old boy had recurrent fever. Colchicine 0.5 mg twice daily "
        "was started and increased to 1 mg twice daily.\n"
        "Patient 2\nHis 8-year-old sister had febrile attacks and no hepatosplenomegaly.\n"
        "Discussion\nAnakinra is an alternative."
    )
    record = extract(text)
    assert len(record["patients"]) == 2
    boy, sister = record["patients"]
    assert (boy["sex"], sister["sex"]) == ("male", "female")
    assert "HP:0001945" in _codes(sister)  # the sister is a patient here, not family history
    assert "HP:0001433" in _codes(sister, excluded=True)
    assert all(any(d["code"] == "ORPHA:342" for d in p["diagnoses"]) for p in record["patients"])
    colchicine = boy["treatments"][0]
    assert colchicine["dose_changes"][0]["change"] == "increased"
    assert colchicine["dose_changes"][0]["dose"] == 1
    assert not any(t["agent"] == "anakinra" for p in record["patients"] for t in p["treatments"])


def test_chinese_words_containing_negation_characters_do_not_negate():
    patient = _patient("患者男，56岁，因四肢近端肌无力伴皮疹3个月入院。")
    assert "HP:0000988" in _codes(patient)  # 肌无力 holds 无 but the rash is present


def test_titer_is_not_read_as_the_number_one():
    patient = _patient("患者女，30岁。抗核抗体1∶320阳性。")
    ana = next(m for m in patient["measurements"] if m["analyte"] == "ANA")
    assert (ana["value"], ana["unit"], ana["titer"], ana["interpretation"]) == (
        320,
        "titer",
        "1:320",
        "positive",
    )


def test_implausible_vital_sign_is_not_the_patients():
    patient = _patient(
        "A 60-year-old man underwent ablation with a maximum temperature of 48 °C at the catheter tip."
    )
    assert "HP:0001945" not in _codes(patient)


def test_chinese_case_series_with_headings_and_prescription_clauses():
    text = (
        "临床资料\n例1 患儿，女，8个月，因咳嗽、发热3天入院。予头孢曲松钠0.5g静脉滴注，每日1次。"
        "诊断：肺炎，低钠血症。\n"
        "例2 患儿，男，3岁，因抽搐1次入院。其母有糖尿病史。\n讨论\n丙戊酸钠可用于治疗。"
    )
    record = extract(text)
    assert len(record["patients"]) == 2
    first, second = record["patients"]
    assert first["age"]["years"] == pytest.approx(8 / 12, abs=0.01) and first["sex"] == "female"
    assert second["age"]["years"] == 3 and second["sex"] == "male"
    ceftriaxone = first["treatments"][0]
    assert (ceftriaxone["agent"], ceftriaxone["route"], ceftriaxone["frequency"]) == (
        "ceftriaxone",
        "intravenous",
        "once daily",
    )
    assert {"HP:0002902"} <= {d["code"] for d in first["diagnoses"]}  # every item after 诊断：
    assert "HP:0000819" not in _codes(second)  # the mother's diabetes
    assert not second["treatments"]  # valproate is named only in the discussion


def test_marker_suffixes_and_bracketed_signs_are_results():
    patient = _patient(
        "A 50-year-old man. Flow cytometry showed CD19- CD56+ cells; anti-HBs (-). The x-ray was done."
    )
    results = {(m["analyte"], m["interpretation"]) for m in patient["measurements"]}
    assert {("cd19", "negative"), ("cd56", "positive"), ("anti-HBs", "negative")} <= results
    assert not any(m["analyte"] == "x" for m in patient["measurements"])  # "x-ray" is a word


@pytest.mark.parametrize(
    "text",
    [
        "患者女，30岁。抗核抗体、抗dsDNA抗体均阴性。",
        "A 30-year-old woman. ANA and anti-dsDNA were both negative.",
    ],
)
def test_one_result_shared_by_a_list_of_tests(text):
    patient = _patient(text)
    assert [(m["analyte"], m["interpretation"]) for m in patient["measurements"]] == [
        ("ANA", "negative"),
        ("anti-dsDNA", "negative"),
    ]
    assert {"HP:0003493", "HP:0020151"} <= _codes(patient, excluded=True)


def test_family_outcomes_durations_and_neighbouring_routes():
    text = (
        "A 58-year-old woman presented with a 3-month history of progressive dyspnea. Her mother died of "
        "breast cancer. She was given loperamide 2 mg as needed and topical mupirocin. Serum CEA was "
        "48.6 ng/mL (normal <5 ng/mL)."
    )
    patient = _patient(text)
    assert not any(o["direction"] == "died" for o in patient["outcomes"])
    assert not any(d["code"] == "HP:0002094" and d["status"] == "history" for d in patient["diagnoses"])
    routes = {t["agent"]: t["route"] for t in patient["treatments"]}
    assert routes == {"loperamide": None, "mupirocin": "topical"}
    assert [m["analyte"] for m in patient["measurements"]] == ["CEA"]  # the reference range is no result


def test_chinese_prescription_forms():
    text = (
        "患者女，35岁。予甲氨蝶呤10 mg每周1次口服，阿司匹林肠溶片100mg qd，静脉滴注丙种球蛋白20g/d×5d，"
        "依诺肝素4000IU皮下注射q12h，外用他克莫司软膏。因出现闭经停用甲氨蝶呤。"
    )
    tx = _patient(text)["treatments"]
    by_agent = {}
    for t in tx:
        by_agent.setdefault(t["agent"], []).append(t)
    mtx = by_agent["methotrexate"][0]
    assert (mtx["dose"], mtx["unit"], mtx["route"], mtx["frequency"]) == (10, "mg", "oral", "once weekly")
    aspirin = by_agent["acetylsalicylic acid"][0]
    assert (aspirin["route"], aspirin["frequency"]) == ("oral", "once daily")  # not the next drug's drip
    ivig = by_agent["intravenous immunoglobulin"][0]
    assert (ivig["route"], ivig["duration"]) == ("intravenous", "5 days")
    assert by_agent["enoxaparin"][0]["frequency"] == "every 12 hours"
    assert by_agent["tacrolimus"][0]["route"] == "topical"
    assert by_agent["methotrexate"][-1]["stopped_because"] == "amenorrhea"


def test_result_after_a_list_of_tests_and_noun_qualifiers():
    text = (
        "A 76-year-old woman. Serum total bilirubin, CEA and CA19-9 were all within normal ranges. "
        "Laboratory data revealed an elevation of alanine aminotransferase."
    )
    results = {(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert {
        ("total bilirubin", "normal"),
        ("CEA", "normal"),
        ("CA 19-9", "normal"),
        ("ALT", "high"),
    } <= results


def test_blood_pressure_pairs_and_two_letter_tests():
    patient = _patient(
        "A 34-year-old woman. Blood pressure was 180/110 mmHg; later BP 85/50 mmHg, Hb 9.1 g/dL."
    )
    bp = [m for m in patient["measurements"] if m["analyte"] == "blood pressure"]
    assert [(m["value"], m["value2"], m["interpretation"]) for m in bp] == [
        (180, 110, "high"),
        (85, 50, "low"),
    ]
    assert any(m["analyte"] == "hemoglobin" and m["interpretation"] == "low" for m in patient["measurements"])


def test_diagnosis_status_from_dates_and_cues():
    text = (
        "患者女，40岁。1994年外院诊断为“系统性红斑狼疮”，但仍有雷诺现象。既往无高血压病史。"
        "2015年7月入院。诊断：CREST综合征。"
    )
    status = {(d["code"], d["status"]) for d in _patient(text)["diagnoses"]}
    assert ("ORPHA:536", "history") in status  # diagnosed two decades before this admission
    assert ("ORPHA:220402", "final") in status
    assert not any(code == "HP:0030880" for code, _ in status)  # "仍有" is not a past diagnosis


def test_diagnosis_lists_and_suspected_diagnoses():
    text = (
        "A 46-year-old woman was diagnosed with DKA and thyroid storm. "
        "Methimazole was discontinued because methimazole-induced neutropenia was suspected."
    )
    status = {(d["code"], d["status"]) for d in _patient(text)["diagnoses"]}
    assert ("HP:0000836", "final") in status  # the second item of "diagnosed with A and B"
    assert ("HP:0001875", "differential") in status


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("A male neonate born at 38 weeks developed poor feeding.", 0.0),
        ("A newborn girl developed poor feeding on day 2 of life.", 0.0),
        # an age in numbers wins, and "newborn screening" names no newborn patient
        ("The newborn screening of a 5-year-old boy was normal.", 5.0),
        ("A boy had an abnormal newborn screen.", None),
    ],
)
def test_a_neonate_is_in_the_first_days_of_life(text, years):
    age = extract(text)["patients"][0].get("age")
    assert (age or {}).get("years") == years
