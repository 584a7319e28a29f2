"""Measurements on short reports of our own: only tests the vocabulary knows (or a named test
phrase), values in the many ways reports write them, device settings left out, and what a normal
result says about the finding its test looks for."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract


def _patient(text: str) -> dict:
    record = extract(text)
    assert record["patients"], record
    return record["patients"][0]


def _results(patient: dict) -> list[tuple]:
    return [(m["analyte"], m["value"], m["unit"], m["interpretation"]) for m in patient["measurements"]]


def test_no_measurement_is_named_by_a_stray_word():
    patient = _patient(
        "A 44-year-old man. Some of them were abnormal. An abnormal gait was noted and they were positive "
        "for CD68. His family history was unremarkable."
    )
    analytes = {m["analyte"] for m in patient["measurements"]}
    assert not analytes & {"an", "them", "they", "family history", "history", "a"}
    assert "cd68" in analytes  # "positive for CD68": the test is named after the result


def test_reference_intervals_are_no_results():
    patient = _patient(
        "A 50-year-old woman. Serum amylase (227 IU/L, normal range 43-116 IU/L) and lipase "
        "(378 IU/L; reference interval 7-60 IU/L) were raised; vitamin D 30.4 ng/mL (20–50 ng/mL)."
    )
    values = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert ("amylase", 227) in values and ("lipase", 378) in values
    assert all(v not in (116, 60, 50) for _, v in values)
    assert not any(m["analyte"] is None and m["interpretation"] == "normal" for m in patient["measurements"])


def test_values_in_brackets_decimal_commas_and_units_as_words():
    patient = _patient(
        "A 61-year-old man with elevated blood pressure (150/100 mmHg). The cardiac index was 1,6 L/min/m2 "
        "and leukocytes were 36 790 per microliter; serum prolactin was very high—7443 µg/L (N<20)."
    )
    results = _results(patient)
    assert ("blood pressure", 150, "mmHg", "high") in results
    assert ("diastolic blood pressure", 100, "mmHg", "high") in results
    assert ("cardiac index", 1.6, "L/min/m2", "low") in results
    assert any(r[0] == "prolactin" and r[1] == 7443 for r in results)


def test_respectively_lists_pair_values_with_tests():
    patient = _patient(
        "A 70-year-old man. His blood pressure, pulse rate and respiratory rate were 170/100 mm Hg, "
        "92/min and 24/min, respectively."
    )
    assert [(m["analyte"], m["value"]) for m in patient["measurements"]] == [
        ("blood pressure", 170),
        ("diastolic blood pressure", 100),
        ("pulse rate", 92),
        ("respiratory rate", 24),
    ]
    patient = _patient("患者男，62岁。血钾、血钠分别为3.1、128 mmol/L。")
    assert _results(patient) == [("potassium", 3.1, "mmol/L", "low"), ("sodium", 128, "mmol/L", "low")]


def test_examination_symbols_are_read_only_with_their_units():
    patient = _patient(
        "患者女，33岁。查体：T 38.5 ℃，P 110次/min，R 22次/min，BP 100/60 mmHg。K+ 2.9 mmol/L，"
        "BE -6.2 mmol/L，HCO3- 15.1 mmol/L。P 3级。"
    )
    results = _results(patient)
    assert ("body temperature", 38.5, "C", "high") in results
    assert ("pulse rate", 110, "/min", "high") in results
    assert ("respiratory rate", 22, "/min", "high") in results
    assert ("potassium", 2.9, "mmol/L", "low") in results
    assert ("base excess", -6.2, "mmol/L", None) in results
    assert ("bicarbonate", 15.1, "mmol/L", "low") in results
    assert sum(1 for r in results if r[0] == "pulse rate") == 1  # "P 3级" has no pulse unit


def test_device_settings_are_not_patient_measurements():
    patient = _patient(
        "A 58-year-old man underwent catheter ablation. Energy was delivered at a power of 30 W with a "
        "maximum temperature of 43 °C and an impedance drop of 10 %. His temperature was 37.9 °C the "
        "next day."
    )
    temperatures = [m["value"] for m in patient["measurements"] if m["analyte"] == "body temperature"]
    assert temperatures == [37.9]
    assert not any(m["unit"] == "%" for m in patient["measurements"])


def test_values_from_one_to_another_and_fractions_of_per_cent_tests():
    patient = _patient("A 45-year-old woman. Her LVEF increased from 0.25 to 0.58 over a year.")
    assert _results(patient) == [("LVEF", 0.25, None, "low"), ("LVEF", 0.58, None, "normal")]
    patient = _patient("患者男，50岁。肌酐由110升至320 μmol/L。")
    assert _results(patient) == [
        ("creatinine", 110, "umol/L", "normal"),
        ("creatinine", 320, "umol/L", "high"),
    ]


def test_chinese_lists_grades_and_shares():
    patient = _patient(
        "患者男，28岁。全血C反应蛋白（CRP）、白介素-6（IL-6）及血清铁蛋白均明显升高。尿常规：尿酮体++，"
        "尿蛋白2+。血常规：WBC 12.1×10^9/L，中性粒细胞比值88%。评分：SOFA 9分。"
    )
    results = _results(patient)
    for analyte in ("CRP", "IL-6", "ferritin"):
        assert (analyte, None, None, "high") in results
    assert ("urine ketones", None, None, "positive") in results
    assert ("urine protein", None, None, "positive") in results
    assert ("neutrophil percentage", 88, "%", "high") in results  # above the usual 40-75 %
    assert ("SOFA score", 9, "score", None) in results
    evidence = {m["analyte"]: m["evidence"]["text"] for m in patient["measurements"]}
    assert evidence["urine ketones"] == "++" and evidence["urine protein"] == "2+"


@pytest.mark.parametrize(
    "text",
    ["A 66-year-old man. Troponin was within normal limits.", "患者男，66岁。肌钙蛋白在正常范围。"],
)
def test_a_stated_normal_result_excludes_what_its_test_looks_for(text):
    patient = _patient(text)
    assert [(m["analyte"], m["interpretation"]) for m in patient["measurements"]] == [("troponin", "normal")]
    troponin = patient["measurements"][0]
    assert troponin["code"] == "HP:0410174"
    assert [e["code"] for e in troponin["excludes"]] == ["HP:0410174"]
    implied = [f for f in patient["features"] if f.get("from_measurement") == "troponin"]
    assert [(f["code"], f["excluded"]) for f in implied] == [("HP:0410174", True)]


def test_a_two_sided_test_within_its_table_interval_implies_nothing():
    patient = _patient("A 40-year-old woman. Serum calcium 2.3 mmol/L; potassium was normal.")
    assert ("calcium", 2.3, "mmol/L", "normal") in _results(patient)
    assert not [f for f in patient["features"] if f.get("from_measurement")]
    assert not any(m.get("excludes") for m in patient["measurements"])


def test_substances_given_or_inside_drug_names_are_not_tests():
    patient = _patient(
        "A 30-year-old man received intravenous glucose (50 g) and antithymocyte globulin (ATG) 10 mg/kg."
    )
    assert not patient["measurements"]
    assert {t["agent"] for t in patient["treatments"]} >= {"glucose"}


def test_a_test_at_the_end_of_a_findings_name_keeps_its_value():
    patient = _patient(
        "A 72-year-old man. Tests showed elevated troponin up to 908 pg/mL (normal value <14 pg/mL)."
    )
    assert ("troponin", 908, "pg/mL", "high") in _results(patient)
    assert [m["analyte"] for m in patient["measurements"]] == ["troponin"]  # no "tests … elevated" besides


def test_specimens_antibody_classes_and_criteria_before_the_value():
    patient = _patient(
        "患者女，41岁。抗MOG抗体IgG（判断标准：<1:10为阴性）：脑脊液12.5 u/mL，结果阳性；"
        "血清>40.00 u/mL，亦为阳性。"
    )
    assert [
        (m["analyte"], m["value"], m["comparator"], m.get("specimen"), m["interpretation"])
        for m in patient["measurements"]
    ] == [("anti-MOG", 12.5, None, "CSF", "positive"), ("anti-MOG", 40, ">", "serum", "positive")]


def test_a_time_after_a_test_is_not_its_value():
    patient = _patient(
        "A 50-year-old man. The serum thyroglobulin level at 4 weeks after surgery was 17.2 ng/mL."
    )
    assert [(m["analyte"], m["value"]) for m in patient["measurements"]] == [("thyroglobulin", 17.2)]


# ------------------------------------------------------------------ results that imply findings (issue 11)
def _present(text: str) -> set[str]:
    record = extract(text)
    return {f["code"] for p in record["patients"] for f in p["features"] if not f["excluded"]}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # A conventional (US) unit against an SI reference: 4.2 mg/dL bilirubin is about 72 umol/L.
        ("A 50-year-old man. Total bilirubin was 4.2 mg/dL.", "HP:0002904"),
        ("A 50-year-old man. Serum creatinine was 3.1 mg/dL.", "HP:0003259"),
        ("患者男，45岁。血常规：中性粒细胞比例88.5%。", "HP:0011897"),
        ("患者女，70岁。前白蛋白95 mg/L。", "HP:0031085"),
        ("患者男，33岁。血压70/40 mmHg。", "HP:0002615"),
        ("患者男，33岁。血脂肪酶超过正常上限3倍。", "HP:0032932"),
    ],
)
def test_a_result_implies_its_finding(text, code):
    assert code in _present(text)


def test_units_convert_by_scale_and_molar_mass():
    from ingest.pipeline.quantities import to_unit

    assert to_unit(2.0, "mg/dL", "mg/L") == pytest.approx(20.0)
    assert to_unit(1.0, "mg/dL", "umol/L", "total bilirubin") == pytest.approx(17.1, rel=0.01)
    assert to_unit(90.0, "mg/dL", "mmol/L", "glucose") == pytest.approx(5.0, rel=0.01)
    assert to_unit(1.0, "mg/dL", "umol/L", "an analyte of unknown mass") is None
    assert to_unit(1.0, "U/L", "mmol/L", "glucose") is None


def test_normal_values_imply_nothing():
    assert "HP:0011897" not in _present("患者男，45岁。中性粒细胞比例62%。")
    assert "HP:0002615" not in _present("患者男，33岁。血压120/80 mmHg。")


def test_chinese_test_names_written_with_a_hyphen_are_read():
    # The hyphen beside a Chinese character is no space the normaliser drops: both ways are names.
    patient = _patient(
        "患者男，61岁。入院后查D-二聚体 4.2 mg/L，25-羟维生素D 9 ng/mL，胰岛素样生长因子-1 30 ng/mL；"
        "复查D二聚体 1.1 mg/L。"
    )
    values = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert {("D-dimer", 4.2), ("D-dimer", 1.1), ("25-hydroxyvitamin D", 9), ("IGF-1", 30)} <= values


def test_electrolytes_named_by_their_element_alone():
    # 钾 alone is no vocabulary name (it is inside 氯化钾): read only with a concentration unit.
    patient = _patient(
        "患者女，47岁。电解质：钾 2.7 mmol/L，钠 128 mmol/L；血清鈣 7.9 mg/dL。予氯化钾 1 g 口服，3次/d。"
    )
    results = {(m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert {("potassium", 2.7, "low"), ("sodium", 128, "low"), ("calcium", 7.9, "low")} <= results
    assert not any(m["value"] == 1 for m in patient["measurements"])  # the dose of 氯化钾 is no result
    assert [t["agent"] for t in patient["treatments"]] == ["potassium chloride"]


def test_what_was_measured_may_stand_between_a_chinese_test_and_its_value():
    patient = _patient(
        "患者男，39岁。24小时尿蛋白定量为2.6 g，血清铁蛋白水平 860 ng/mL，白血球數值 15,200/μL。"
    )
    values = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert {("urine protein", 2.6), ("ferritin", 860), ("WBC", 15200)} <= values


def test_cultures_and_smears_read_by_what_they_found():
    patient = _patient(
        "患者男，70岁。痰培养检出肺炎克雷伯菌；痰涂片未找到抗酸杆菌；血培养未检出细菌；尿培养无细菌生长。"
    )
    results = {(m["analyte"], m["interpretation"]) for m in patient["measurements"]}
    assert {
        ("sputum culture", "positive"),
        ("acid-fast bacilli", "negative"),
        ("blood culture", "negative"),
        ("urine culture", "negative"),
    } <= results


@pytest.mark.parametrize(
    ("text", "analyte", "code"),
    [
        ("N末端脑钠肽前体 8600 pg/mL", "NT-proBNP", "HP:0031185"),
        ("铜蓝蛋白 0.06 g/L", "ceruloplasmin", "HP:0010837"),
        ("大便隐血阳性", "fecal occult blood", "HP:6000221"),
        ("β-羟丁酸 4.8 mmol/L", "beta-hydroxybutyrate", "HP:0033419"),
        ("脑脊液糖 1.2 mmol/L", "CSF glucose", "HP:0011972"),
        ("抗链球菌溶血素O 640 IU/mL", "antistreptolysin O", "HP:6000348"),
    ],
)
def test_more_chinese_tests_and_what_their_results_imply(text, analyte, code):
    patient = _patient(f"患者女，30岁。入院后化验：{text}。")
    assert analyte in {m["analyte"] for m in patient["measurements"]}
    assert code in {f["code"] for f in patient["features"] if not f["excluded"]}


def test_bare_test_words_inside_a_urine_or_csf_panel_are_the_specimens_tests():
    patient = _patient(
        "患者女，33岁。尿常规：蛋白（++），潜血（+），红细胞20个/HP；血常规：白细胞11.8×10^9/L。"
        "脑脊液检查：白细胞30×10^6/L，蛋白0.9 g/L，糖2.0 mmol/L。"
    )
    results = {(m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert {
        ("urine protein", None, "positive"),
        ("urine occult blood", None, "positive"),
        ("urine red blood cells", 20, "high"),
        ("WBC", 11.8, "high"),  # after 血常规 the blood count again
        ("CSF cell count", 30, "high"),  # x10^6/L against the usual 0-8
        ("CSF protein", 0.9, "high"),
        ("CSF glucose", 2.0, "low"),
    } <= results


def test_a_panel_with_one_result_for_all_of_it_takes_in_nothing_after():
    patient = _patient(
        "患者男，28岁。尿常规正常，白细胞12.6×10^9/L。Urinalysis: protein 2+, glucose negative."
    )
    analytes = {(m["analyte"], m["interpretation"]) for m in patient["measurements"]}
    assert ("WBC", "high") in analytes and "urine white blood cells" not in {a for a, _ in analytes}
    assert {("urine protein", "positive"), ("urine glucose", "negative")} <= analytes


def test_a_history_said_to_be_unremarkable_is_no_result():
    patient = _patient("A 61-year-old woman. Her past medical history was unremarkable. Her ALT was normal.")
    assert [m for m in patient["measurements"] if m["interpretation"] == "normal"] == [
        m for m in patient["measurements"] if m["analyte"] == "ALT"
    ]
    assert len(patient["measurements"]) == 1


def test_results_written_as_a_fixed_phrase():
    text = (
        "A 58-year-old man. He had lost 6 kg in three months, after a body weight gain of 4.5 kg the "
        "year before. On examination strength was 3/5 in the left arm and 4+/5 in the left leg. A third "
        "of the dose, 1/5 of the volume, was given."
    )
    patient = _patient(text)
    found = {
        (m["analyte"], m["value"], m["unit"], text[m["evidence"]["start"] : m["evidence"]["end"]])
        for m in patient["measurements"]
    }
    assert ("body weight change", -6, "kg", "6 kg") in found  # a loss is a negative change
    assert ("body weight change", 4.5, "kg", "4.5 kg") in found
    assert ("muscle strength", 3, "grade", "3/5") in found
    assert ("muscle strength", 4, "grade", "4+/5") in found
    # a fraction in a sentence about no strength is no grade
    assert all(f[3] != "1/5" for f in found)


def test_a_value_in_brackets_after_a_result_is_that_result_in_another_unit():
    text = (
        "A 33-year-old man. His temperature was 102.2°F (39°C) and his lymphocyte count 8% (410/µL); "
        "a leukocyte count of 14,500/mm3 (neutrophils: 88%). Urea 12 mmol/L (2.5–7.8 mmol/L), "
        "ferritin 950 ng/mL (normal 300 ng/mL), lipase 90 U/L (60 U/L)."
    )
    patient = _patient(text)
    found = {
        (m["analyte"], m["value"], m["unit"]): text[m["evidence"]["start"] : m["evidence"]["end"]]
        for m in patient["measurements"]
    }
    assert found[("body temperature", 39, "C")] == "39°C"
    assert found[("neutrophils", 88, "%")] == "88%"
    assert any(k[1] == 410 for k in found)
    # a range, a reference word or the same unit again: a reference interval, not a result
    assert not any(k[1] in (2.5, 7.8, 300, 60) for k in found)


def test_a_ratio_index_or_score_written_as_a_bare_number():
    text = (
        "A 70-year-old woman. Her Mini-Mental State Examination score was 21/30 and the mitral E/A ratio "
        "was 0.7, with an Oswestry disability index of 48. The score of the team was praised. Her body "
        "mass index of 31 kg/m2 was high."
    )
    patient = _patient(text)
    found = {
        text[m["evidence"]["start"] : m["evidence"]["end"]]: (m["analyte"], m["value"])
        for m in patient["measurements"]
    }
    assert found["21/30"] == ("MMSE score", 21)  # a score the vocabulary knows, by its name
    assert found["0.7"] == ("mitral e/a ratio", 0.7)
    assert found["48"][1] == 48
    assert all(value != 31 or analyte == "BMI" for analyte, value in found.values())


def test_counts_per_field_percentiles_and_nyha_class():
    text = (
        "A 2-year-old girl. She weighed 8.1 kg (<5th percentile) and her length was below the 10th "
        "centile. Urine sediment had 20-30 leukocytes per high-power field. The tumour had 8 mitoses/10 "
        "HPF. Her mother had heart failure in NYHA functional class II. She took 2 sachets per day."
    )
    patient = _patient(text)
    found = {
        text[m["evidence"]["start"] : m["evidence"]["end"]]: (m["analyte"], m["value"])
        for m in patient["measurements"]
    }
    # a growth percentile is named by its measure ("weighed 8.1 kg (<5th percentile)")
    assert found["<5th percentile"] == ("weight percentile", 5)
    assert found["below the 10th centile"] == ("height percentile", 10)
    assert found["20-30 leukocytes per high-power field"] == ("count per microscope field", 20)
    assert found["8 mitoses/10 HPF"] == ("count per microscope field", 8)
    assert found["II"] == ("NYHA functional class", 2)
    assert not any("sachets" in span for span in found)


def test_murmur_grades_performance_status_and_attenuation():
    text = (
        "A 67-year-old woman. Auscultation found a grade 4/6 holosystolic murmur and a II/VI early "
        "diastolic murmur. Her ECOG performance status was 1. CT showed a cyst of 8 HU. Three of six "
        "students, 2/6, passed."
    )
    patient = _patient(text)
    found = {
        text[m["evidence"]["start"] : m["evidence"]["end"]]: (m["analyte"], m["value"], m["unit"])
        for m in patient["measurements"]
    }
    assert found["grade 4/6"] == ("heart murmur grade", 4, "/6")
    assert found["II/VI"] == ("heart murmur grade", 2, "/6")
    assert found["1"] == ("ECOG performance status", 1, None)
    assert found["8 HU"][1:] == (8, "HU")
    assert "2/6" not in found  # no murmur in that sentence


def test_bedside_abbreviations_of_common_tests():
    patient = _patient(
        "A 52-year-old man. T. bili 4.0 mg/dL, hs-cTnI 1.2 ng/mL and temp 39.2 °C. He was a temp worker."
    )
    found = {(m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert any(a and "bilirubin" in a and v == 4.0 and i == "high" for a, v, i in found)
    assert any(a and a.startswith("troponin") and v == 1.2 for a, v, i in found)
    assert ("body temperature", 39.2, "high") in found
    assert len(found) == 3  # "a temp worker": no result


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("患者男，40岁。BMI 36.3 kg/m2。", "HP:0025500"),  # class II obesity
        ("A 52-year-old man; BMI 27.5 kg/m2.", "HP:0025502"),  # overweight
        ("患者女，35岁，体重指数 42 kg/m2。", "HP:0025501"),  # class III obesity
    ],
)
def test_a_high_bmi_is_graded(text, code):
    assert code in _present(text)


def test_further_values_of_one_test_each_a_measurement():
    # a list of values after one test: each is its own result, a unit written once serves them all
    patient = _patient(
        "A newborn girl. Apgar scores were 3, 5, and 8 at 1, 5, and 10 minutes. "
        "Serial troponin levels were 0.2, 0.9 and 2.4 ng/mL."
    )
    results = _results(patient)
    assert [v for a, v, _, _ in results if a == "Apgar score"] == [3, 5, 8]  # not the minutes
    assert [(v, u) for a, v, u, _ in results if a == "troponin"] == [
        (0.2, "ng/mL"),
        (0.9, "ng/mL"),
        (2.4, "ng/mL"),
    ]
    # … but a number with another unit, or a word after it, is no value of the test
    patient = _patient(
        "A 30-year-old man. Pulse 96, 22 breaths/min. Temperature 38.2 °C, 104 beats/min. "
        "Haemoglobin 9.1 g/dL, 3 days later 7.9 g/dL. INR was 1,24."
    )
    results = _results(patient)
    assert [v for a, v, _, _ in results if a == "pulse rate"] == [96]
    assert [v for a, v, _, _ in results if a == "body temperature"] == [38.2]
    assert [v for a, v, _, _ in results if a == "hemoglobin"] == [9.1]
    assert not any(v == 24 for _, v, _, _ in results)  # a decimal comma, not a list


def test_a_change_word_between_test_and_value():
    patient = _patient(
        "A 61-year-old man. His LVEF was reduced to 25%. Later the LVEF improved to 45%. "
        "The platelet count declined to 20 x 10^9/L."
    )
    results = _results(patient)
    assert ("LVEF", 25, "%", "low") in results
    assert any(a == "LVEF" and v == 45 for a, v, _, _ in results)
    assert any(a == "platelets" and v == 20 for a, v, _, _ in results)


def test_ecg_intervals_rates_in_words_and_values_below_a_detection_limit():
    patient = _patient(
        "A 70-year-old woman. The ECG showed a QTc of 520 ms. Respiratory rate 26 breaths per minute. "
        "TSH was <0.01 mIU/L. She had 2 MS relapses."
    )
    results = _results(patient)
    assert ("QTc", 520, "ms", "high") in results
    assert ("respiratory rate", 26, "/min", "high") in results
    assert ("TSH", 0.01, "mIU/L", "low") in results  # below the interval's lower limit
    assert {f["code"] for f in patient["features"]} >= {"HP:0005184", "HP:0031098"}
    assert not any(u == "ms" and v == 2 for _, v, u, _ in results)  # "MS" is a disease here


def test_electrolytes_in_milliequivalents_are_compared_with_their_interval():
    patient = _patient(
        "A 66-year-old man. Serum sodium 118 mEq/L, potassium 2.8 mEq/L, bicarbonate 14 mEq/L and "
        "calcium 4.0 mEq/L."
    )
    results = _results(patient)
    assert ("sodium", 118, "mEq/L", "low") in results
    assert ("potassium", 2.8, "mEq/L", "low") in results
    assert ("calcium", 4.0, "mEq/L", "low") in results  # 2 mEq per mmol: 2.0 mmol/L
    assert {"HP:0002902", "HP:0002900", "HP:0002901"} <= {f["code"] for f in patient["features"]}


def test_a_test_of_urine_or_csf_is_not_the_blood_test():
    # the specimen right before the test, or a panel whose items run on over semicolons
    patient = _patient(
        "A 59-year-old woman. Spot urine sodium was 9 mmol/L and CSF glucose 1.1 mmol/L. "
        "The urinalysis results were as follows: sodium, 12 mEq/L; potassium, 9 mEq/L; chloride, 40 mEq/L. "
        "Serum potassium was 5.9 mmol/L."
    )
    analytes = [(m["analyte"], m["value"]) for m in patient["measurements"]]
    assert ("urine sodium", 9) in analytes and ("CSF glucose", 1.1) in analytes
    assert {("urine sodium", 12), ("urine potassium", 9), ("urine chloride", 40)} <= set(analytes)
    assert ("potassium", 5.9) in analytes
    codes = {f["code"] for f in patient["features"]}
    assert "HP:0002902" not in codes and "HP:0001943" not in codes  # no hyponatraemia, no hypoglycaemia
    assert "HP:0002153" in codes  # the serum potassium is high


def test_counts_per_microlitre_in_powers_of_ten():
    patient = _patient("A 40-year-old man. WBC 2.1 × 10^3/μL, platelets 45 x 10^3/uL, RBC 3.1 × 10^6/μL.")
    results = _results(patient)
    assert ("WBC", 2.1, "10^9/L", "low") in results
    assert ("platelets", 45, "10^9/L", "low") in results
    assert ("RBC", 3.1, "10^12/L", "low") in results


def test_a_finding_followed_by_its_tests_value_names_the_test():
    patient = _patient(
        "A 33-year-old woman was febrile to 39.4 °C and tachycardic to 140 bpm, with hypoglycaemia "
        "(27 mg/dL) and hyponatraemia (sodium 118 mmol/L). Fever had lasted for 3 days."
    )
    results = _results(patient)
    assert ("body temperature", 39.4, "C", "high") in results
    assert ("heart rate", 140, "/min", "high") in results
    assert ("glucose", 27, "mg/dL", "low") in results
    assert [v for a, v, _, _ in results if a == "sodium"] == [118]  # the named test has the value
    assert not any(v == 3 for _, v, _, _ in results)  # "for 3 days" is no temperature
    codes = {f["code"] for f in patient["features"]}
    assert {"HP:0001945", "HP:0001649", "HP:0001943"} <= codes  # the findings stay


def test_vital_sign_symbols_without_units_in_a_vital_signs_list():
    results = _results(_patient("A 70-year-old man. On arrival BP 150/95, HR 112, RR 24, T 38.6."))
    assert ("heart rate", 112, None, "high") in results
    assert ("respiratory rate", 24, None, "high") in results
    assert ("body temperature", 38.6, None, "high") in results
    # outside such a list a bare symbol is nothing
    assert _results(_patient("A 50-year-old man. Patient P 3 of the series had HR 2.")) == []


def test_echocardiographic_dimensions():
    patient = _patient(
        "A 52-year-old man. Echocardiography showed an LVEDD of 68 mm, LVESD 55 mm, interventricular "
        "septal thickness 9 mm, a left atrial diameter of 48 mm, TAPSE 12 mm and LV mass index 130 g/m2."
    )
    results = _results(patient)
    for analyte, value, unit in (
        ("LV end-diastolic diameter", 68, "mm"),
        ("LV end-systolic diameter", 55, "mm"),
        ("interventricular septal thickness", 9, "mm"),
        ("left atrial diameter", 48, "mm"),
        ("TAPSE", 12, "mm"),
        ("LV mass index", 130, "g/m2"),
    ):
        assert (analyte, value, unit, None) in results, analyte  # no adult interval for a child's heart


def test_a_weight_change_in_brackets_after_its_words():
    results = _results(_patient("A 47-year-old man. Weight loss (8 kg in 2 months) was noted."))
    assert ("body weight change", -8, "kg", "low") in results
    results = _results(_patient("A 47-year-old man. Weight loss (see above) and fever; 5 kg were given."))
    assert not any(a == "body weight change" for a, _, _, _ in results)


def test_a_change_in_size_or_number_is_no_test_result():
    text = (
        "The nodules had decreased in size. The mass increased in size to 4 cm. The lesions increased "
        "in number. Troponin was increased."
    )
    analytes = [m["analyte"] for m in extract(text)["patients"][0]["measurements"]]
    assert analytes == ["troponin"]


def test_a_growth_percentile_is_of_its_measure_and_implies_its_finding():
    text = (
        "Her height was 118 cm (>97th centile). His weight was below the 3rd percentile. Head "
        "circumference was 42 cm (<3rd centile). The swelling was at the 50th percentile of the series."
    )
    patient = _patient(text)
    percentiles = {
        m["analyte"]: m["interpretation"] for m in patient["measurements"] if "percentile" in m["analyte"]
    }
    assert percentiles == {
        "height percentile": "high",
        "weight percentile": "low",
        "head circumference percentile": "low",
        "percentile": None,  # of no measure named before it: kept, named only "percentile"
    }
    codes = {f["code"] for f in patient["features"]}
    assert {"HP:0000098", "HP:0004325", "HP:0000252"} <= codes  # tall stature, low weight, microcephaly


def test_two_letter_test_abbreviations_are_read_only_with_a_unit_of_the_test():
    results = _results(
        _patient(
            "患者男，61岁。肾功能：Cr 186 μmol/L，UA 512 μmol/L。血脂：TC 6.8 mmol/L，TG 3.2 mmol/L。"
            "PT 14.5 s，TT 21.3 s。TP 56 g/L。补体C3 0.45 g/L，C4 0.06 g/L。T3 1.1 nmol/L。"
            "MRI示C3-C4椎间盘突出，C4 5 mm。"
        )
    )
    got = {(a, v, u) for a, v, u, _ in results}
    assert {
        ("creatinine", 186, "umol/L"),
        ("uric acid", 512, "umol/L"),
        ("total cholesterol", 6.8, "mmol/L"),
        ("triglycerides", 3.2, "mmol/L"),
        ("PT", 14.5, "s"),
        ("thrombin time", 21.3, "s"),
        ("total protein", 56, "g/L"),
        ("C4", 0.06, "g/L"),
        ("total T3", 1.1, "nmol/L"),
    } <= got
    assert sum(1 for a, *_ in results if a == "C4") == 1  # "C4 5 mm" is a vertebra, not complement
    english = _results(_patient("A 40-year-old man. He had PT 3 times weekly. UA 2+ protein."))
    assert not any(a in ("PT", "uric acid") for a, *_ in english)


def test_a_result_word_before_its_noun_is_said_of_that_noun():
    record = extract("A 3-year-old girl was born at term to healthy parents after an uneventful pregnancy.")
    measured = {m["analyte"]: m["interpretation"] for m in record["patients"][0]["measurements"]}
    assert measured == {"pregnancy": "normal"}


def test_powers_of_ten_sediment_fields_and_the_change_before_a_value():
    results = _results(
        _patient(
            "患者女，45岁。HBV-DNA 3.2×10⁵ copies/mL，EB病毒DNA 2.3×10^4拷贝/mL，WBC 2.8×10⁹/L。"
            "尿沉渣：红细胞 45个/HP，管型 2个/LP。复查血肌酐较前下降至112 μmol/L，ALT较前明显下降为56 U/L。"
            "白细胞明显升高，血红蛋白 90 g/L。"
        )
    )
    got = {(a, v, u) for a, v, u, _ in results}
    assert {
        ("HBV DNA", 320000, "copies/mL"),
        ("EBV DNA", 23000, "copies/mL"),
        ("WBC", 2.8, "10^9/L"),  # a count's power of ten is its unit's
        ("urine red blood cells", 45, "/HPF"),
        ("urine casts", 2, "/LPF"),
        ("creatinine", 112, "umol/L"),
        ("ALT", 56, "U/L"),
        ("hemoglobin", 90, "g/L"),
    } <= got
    assert ("WBC", None, None, "high") in results  # "明显" before no value leaves the result word


def test_a_chinese_specimen_word_right_before_a_test_makes_it_that_specimens():
    results = _results(
        _patient(
            "患者男，58岁。尿肌酐 8000 μmol/L，尿钠 12 mmol/L，脑脊液IgG 156 mg/L，胸腔积液LDH 560 U/L，"
            "血清IgG 22 g/L，血尿酸 512 μmol/L。"
        )
    )
    got = {(a, v): i for a, v, _, i in results}
    # No blood interval for a urine or fluid value: 尿钠 12 is no hyponatraemia.
    assert got[("urine creatinine", 8000)] is None
    assert got[("urine sodium", 12)] is None
    assert ("CSF IgG", 156) in got and ("pleural fluid LDH", 560) in got
    assert got[("IgG", 22)] == "high"  # serum is what the blood test is measured in
    assert got[("uric acid", 512)] == "high"  # 血尿酸: 尿 inside the name, not a specimen


def test_a_titre_after_the_result_word_or_a_result_after_the_titre():
    patient = _patient(
        "患者女，28岁。抗核抗体（ANA）阳性，滴度1:1000，核型为均质型。肺炎支原体抗体阳性（1:160）。"
        "抗AQP4抗体IgG：血清滴度1:100，阳性。抗dsDNA抗体阴性（阴性界值1:10）。"
    )
    got = {m["analyte"]: (m["interpretation"], m.get("titer"), m["value"]) for m in patient["measurements"]}
    # a titre's value is its dilution's denominator
    assert got["ANA"] == ("positive", "1:1000", 1000)
    assert got["mycoplasma antibody"] == ("positive", "1:160", 160)
    assert got["anti-AQP4"] == ("positive", "1:100", 100)
    assert got["anti-dsDNA"] == ("negative", None, None)  # a cut-off in brackets is no titre
    english = _patient("A 30-year-old woman. Antinuclear antibody was positive at a titer of 1:320.")
    assert [(m["analyte"], m.get("titer")) for m in english["measurements"]] == [("ANA", "1:320")]


def test_tests_joined_by_slashes_pair_with_values_joined_by_slashes():
    results = _results(
        _patient(
            "患者男，66岁。肝功能GOT/GPT 156/210 U/L，BUN/Creatinine 45/2.3 mg/dL。血压 120/80 mmHg。"
            "ALT、AST分别为56、78 U/L，白细胞、血小板分别为3.2×10^9/L和56×10^9/L。"
        )
    )
    got = {(a, v, u) for a, v, u, _ in results}
    assert {
        ("AST", 156, "U/L"),
        ("ALT", 210, "U/L"),  # GPT is ALT: not 156, the first number
        ("BUN", 45, "mg/dL"),
        ("creatinine", 2.3, "mg/dL"),
        ("blood pressure", 120, "mmHg"),
        # two "respectively" lists in one sentence: each takes its own values
        ("ALT", 56, "U/L"),
        ("AST", 78, "U/L"),
        ("WBC", 3.2, "10^9/L"),
        ("platelets", 56, "10^9/L"),
    } <= got


def test_taiwan_blood_count_forms_and_total_co2_apart_from_bicarbonate():
    results = _results(
        _patient(
            "病人男性，60歲。WBC 15.6 K/μL，Seg 85%，Lym 10%，PLT 156 K/μL。"
            "尿液檢查：白血球 10/HPF，紅血球 25/HPF。"
            "總二氧化碳 7.5 mmol/L，碳酸氫根 12.5 mmol/L。血片：中性分葉核粒細胞 3%。"
        )
    )
    got = {(a, v, u) for a, v, u, _ in results}
    assert {
        ("WBC", 15.6, "10^9/L"),
        ("neutrophil percentage", 85, "%"),
        ("lymphocyte percentage", 10, "%"),
        ("platelets", 156, "10^9/L"),
        ("urine white blood cells", 10, "/HPF"),  # 白血球 in a urine panel is the urine's
        ("urine red blood cells", 25, "/HPF"),
        ("total CO2", 7.5, "mmol/L"),
        ("bicarbonate", 12.5, "mmol/L"),
        ("neutrophil percentage", 3, "%"),
    } <= got


def test_ecg_conduction_intervals_and_body_proportions():
    patient = _patient(
        "A 7-year-old boy. The ECG showed a QRS duration of 148 ms and a PR interval of 210 ms. "
        "His height was 112 cm and his arm span 121 cm. At birth he weighed 3100 g; birth length was 49 cm."
    )
    values = {(m["analyte"], m["value"], m["unit"]) for m in patient["measurements"]}
    assert {
        ("QRS duration", 148, "ms"),
        ("PR interval", 210, "ms"),
        ("arm span", 121, "cm"),
        ("birth length", 49, "cm"),
        ("height", 112, "cm"),
    } <= values


@pytest.mark.parametrize(
    ("text", "analyte", "value", "finding"),
    [
        (
            "A 3-year-old girl had developmental delay. Head circumference was 44 cm (-2.5 SD).",
            "head circumference SDS",
            -2.5,
            "HP:0000252",
        ),
        (
            "A 9-year-old boy was small. His height was 2.8 SD below the mean.",
            "height SDS",
            -2.8,
            "HP:0004322",
        ),
        ("A 12-year-old boy was seen. His BMI was 32 kg/m2 (+3.2 SDS).", "BMI SDS", 3.2, "HP:0001513"),
        ("患儿，女，3岁。身高85 cm（-2.5 SD）。", "height SDS", -2.5, "HP:0004322"),
        ("患兒，女，3歲。頭圍低於同齡兒均值2個標準差。", "head circumference SDS", -2.0, "HP:0000252"),
    ],
)
def test_a_growth_measure_as_a_standard_deviation_score_implies_its_finding(text, analyte, value, finding):
    patient = extract(text)["patients"][0]
    scores = [m for m in patient["measurements"] if m["analyte"] == analyte]
    assert [(m["value"], m["unit"]) for m in scores] == [(value, "SD")]
    assert finding in {f["code"] for f in patient["features"] if not f["excluded"]}


def test_a_standard_deviation_of_no_growth_measure_is_no_result():
    patient = extract("A 30-year-old woman was seen. Her IQ was 2 SD below the mean.")["patients"][0]
    assert not [m for m in patient["measurements"] if m.get("unit") == "SD"]


def test_a_value_after_the_result_word_is_the_tests():
    results = _results(
        _patient(
            "患者男，70岁。肌酐明显升高（386 μmol/L），C反应蛋白升高，为86 mg/L；降钙素原升高达12.5 ng/mL。"
            "血小板最低至12×10^9/L。白细胞升高（2周后复查），血糖升高3倍。"
        )
    )
    assert ("creatinine", 386, "umol/L", "high") in results
    assert ("CRP", 86, "mg/L", "high") in results
    assert ("procalcitonin", 12.5, "ng/mL", "high") in results
    assert ("platelets", 12, "10^9/L", "low") in results
    # no value in a unit of the test after the word: the word alone is the result
    assert ("WBC", None, None, "high") in results and ("glucose", None, None, "high") in results


@pytest.mark.parametrize(
    "text",
    [
        "A 30-year-old man had headache. CSF analysis showed protein 1.2 g/L (lymphocytes 90%).",
        "患者，男，30岁。脑脊液检查：蛋白1.2 g/L，淋巴细胞90%。",
    ],
)
def test_a_differential_inside_a_csf_panel_is_the_csfs(text):
    patient = extract(text)["patients"][0]
    measured = {m["analyte"] for m in patient["measurements"]}
    assert {"CSF lymphocytes", "CSF protein"} <= measured
    codes = {f["code"] for f in patient["features"]}
    assert "HP:0100827" not in codes  # no blood lymphocytosis
    assert "HP:0002922" in codes  # increased CSF protein


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_a_test_named_after_a_disease_or_a_drug_class_is_a_test(script):
    # Lupus anticoagulant names lupus and an anticoagulant: it is neither the disease nor a drug.
    text = {
        "simplified": "患者，女，35岁。狼疮抗凝血因子阳性，抗心脂抗体IgG 80。",
        "traditional": "患者，女，35歲。狼瘡抗凝血因子陽性，抗心脂抗體IgG 80。",
    }[script]
    patient = _patient(text)
    assert {m["analyte"]: m["interpretation"] for m in patient["measurements"]}[
        "lupus anticoagulant"
    ] == "positive"
    assert "anticardiolipin" in {m["analyte"] for m in patient["measurements"]}
    assert not patient["diagnoses"] and not patient["treatments"]


def test_cell_shares_of_a_marrow_smear_or_flow_count():
    # A cell type's share (占, 仅, 以…为主，占) is read; inside a marrow aspirate's panel the cells are
    # the marrow's, in a peripheral smear the blood's; a low share alone is no neutropenia.
    patient = _patient(
        "患者，男，71岁。骨髓涂片：增生活跃，原始细胞约占21%，以成熟淋巴细胞为主，占88.5%；外周血涂片：幼稚细胞9%，"
        "中性分叶核粒细胞仅4%。流式细胞术：异常B细胞占有核细胞的76.2%。"
    )
    values = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert {
        ("bone marrow blasts", 21),
        ("bone marrow lymphocytes", 88.5),
        ("blasts", 9),
        ("neutrophil percentage", 4),
        ("clonal B cells", 76.2),
    } <= values
    assert "HP:0001875" not in {f["code"] for f in patient["features"] if not f["excluded"]}
    traditional = _patient("患者，女，66歲。骨髓穿刺：漿細胞佔35%。")
    marrow = {(m["analyte"], m["value"]) for m in traditional["measurements"]}
    assert ("bone marrow plasma cells", 35) in marrow


def test_heart_chamber_and_vessel_sizes_on_imaging():
    patient = _patient(
        "A 63-year-old woman with dyspnea. Echocardiography showed a dilated right atrium of 68,4 mm and a "
        "left atrium of 49 mm; the inferior vena cava was dilated (27 mm) and a small pericardial effusion "
        "(maximal diameter, 6 mm) was seen. A thrombus in the right atrium of 2 cm was removed."
    )
    results = _results(patient)
    assert ("right atrial diameter", 68.4, "mm", None) in results
    assert ("left atrial diameter", 49, "mm", None) in results
    assert ("inferior vena cava diameter", 27, "mm", None) in results
    assert ("pericardial effusion depth", 6, "mm", None) in results
    # the thrombus's size is no size of the chamber it lies in
    assert not any(r[0] == "right atrial diameter" and r[1] == 2 for r in results)


def test_marker_expression_and_absent_results():
    patient = _patient(
        "A 58-year-old woman with a gastric mass. Tumour cells showed immunohistochemical expression of "
        "vimentin. Desmin was diffusely expressed, cytokeratin was not expressed and there was no expression "
        "of CK20. HBV DNA was not detected. Oligoclonal bands were absent. She expressed concern about "
        "surgery."
    )
    results = {(m["analyte"], m["interpretation"], m["evidence"]["text"]) for m in patient["measurements"]}
    assert ("vimentin", "positive", "expression") in results
    assert ("desmin", "positive", "expressed") in results
    assert ("cytokeratin", "negative", "not expressed") in results
    assert ("ck20", "negative", "no expression") in results
    assert ("HBV DNA", "negative", "not detected") in results  # not "detected", positive
    assert ("oligoclonal bands", "negative", "absent") in results
    assert sum(r[2] == "expressed" for r in results) == 1  # her concern is no marker result


def test_absence_of_a_test_before_it():
    patient = _patient("A 30-year-old woman. CSF analysis showed absence of oligoclonal bands.")
    assert ("oligoclonal bands", None, None, "negative") in _results(patient)


@pytest.mark.parametrize(
    ("text", "analyte", "interpretation"),
    [
        ("患者，男，52岁。痰培养示铜绿假单胞菌。", "sputum culture", "positive"),
        ("患者，男，52岁。血培养：表皮葡萄球菌生长。", "blood culture", "positive"),
        ("患者，女，40歲。尿培養為大腸埃希菌。", "urine culture", "positive"),
        ("患者，男，52岁。血培养示无细菌生长。", "blood culture", "negative"),
        ("患者，男，52岁。脑脊液培养未见细菌生长。", "CSF culture", "negative"),
    ],
)
def test_a_culture_is_positive_when_it_names_the_organism_it_grew(text, analyte, interpretation):
    results = {m["analyte"]: m["interpretation"] for m in _patient(text)["measurements"]}
    assert results.get(analyte) == interpretation


def test_titres_after_criteria_in_each_specimen_and_in_brackets():
    # The cut-offs in brackets are no result; the titre after them is, in each specimen named.
    patient = _patient(
        "患者，女，29岁。抗MOG抗体IgG（阴性界值：脑脊液1:1，血清1:10）：脑脊液滴度1:32，阳性；血清滴度1:320，阳性。"
        "抗心磷脂抗体阳性（滴度1:40）。"
    )
    measured = patient["measurements"]
    got = {(m["analyte"], m.get("specimen"), m["value"], m["interpretation"]) for m in measured}
    assert {("anti-MOG", "CSF", 32, "positive"), ("anti-MOG", "serum", 320, "positive")} <= got
    assert ("anticardiolipin", None, 40, "positive") in got
    assert not any(v in (1, 10) for _, _, v, _ in got)


def test_st_deviation_fluid_volumes_and_suv():
    patient = _patient(
        "A 66-year-old man with chest pain. The ECG showed ST-segment elevation of 2,5 mm in V3 and 1-mm "
        "ST-segment depression in aVF. CT showed a hydrothorax (650 mL); 1,900 mL of clear ascitic fluid "
        "was drained and the estimated blood loss was 300 mL. PET showed uptake with an SUVmax of 9.4. He "
        "received 500 mL of blood."
    )
    results = _results(patient)
    assert ("ST-segment elevation", 2.5, "mm", None) in results
    assert ("ST-segment depression", 1, "mm", None) in results
    assert ("pleural fluid volume", 650, "mL", None) in results
    assert ("ascites volume", 1900, "mL", None) in results
    assert ("blood loss", 300, "mL", None) in results
    assert ("SUVmax", 9.4, None, None) in results
    assert not any(r[1] == 500 for r in results)  # blood given is no blood lost


def test_expression_as_a_sign_and_absence_of_a_substance_are_no_results():
    patient = _patient(
        "A 52-year-old man with vocal cord paralysis, an expression of recurrent nerve injury. The "
        "acidosis was due to the absence of bicarbonate in the stool."
    )
    assert not any(m["interpretation"] == "positive" for m in patient["measurements"])
    assert not any(m["analyte"] == "bicarbonate" for m in patient["measurements"])


@pytest.mark.parametrize(
    ("text", "analyte", "value", "unit"),
    [
        ("患者，男，70岁。超声心动图：左室舒张末期内径58 mm。", "LV end-diastolic diameter", 58, "mm"),
        ("患者，男，70岁。肺功能：一秒率61%，一氧化碳弥散量48%。", "FEV1/FVC", 61, "%"),
        ("患者，男，70岁。肺功能：一秒率61%，一氧化碳弥散量48%。", "DLCO", 48, "%"),
        ("患者，女，80岁。入院时GCS评分9分，改良Rankin评分3分。", "GCS", 9, "score"),
        ("患者，女，80岁。入院时GCS评分9分，改良Rankin评分3分。", "mRS score", 3, "score"),
        ("患者，女，61岁。心电图：QTc间期498 ms。", "QTc", 498, "ms"),
        ("患者，女，61岁。骨密度：股骨颈T值-2.8。", "BMD T-score", -2.8, None),
        ("患者，男，66岁。血清游离κ轻链 412 mg/L。", "free kappa light chain", 412, "mg/L"),
        ("患者，女，33岁。结合珠蛋白0.05 g/L，破碎红细胞3%。", "haptoglobin", 0.05, "g/L"),
        ("患者，女，33岁。结合珠蛋白0.05 g/L，破碎红细胞3%。", "schistocytes", 3, "%"),
        ("患者，男，45岁。SpO2 95%（吸入氧浓度40%）。", "FiO2", 40, "%"),
        ("患者，男，45岁。eGFR 42 mL/(min·1.73 m2)。", "eGFR", 42, "mL/min/1.73m2"),
        ("患者，女，30岁。血浆肾素活性0.2 ng/(mL·h)。", "renin", 0.2, "ng/mL/h"),
    ],
)
def test_chinese_names_of_imaging_function_tests_and_bracketed_units(text, analyte, value, unit):
    got = {(m["analyte"], m["value"], m["unit"]) for m in _patient(text)["measurements"]}
    assert (analyte, value, unit) in got or (unit is None and any(g[:2] == (analyte, value) for g in got))


def test_bence_jones_and_a_broken_red_cell_is_no_red_cell_count():
    patient = _patient("患者，男，66岁。尿本周蛋白阳性；血涂片见破碎红细胞约4%；ADAMTS13抑制物阴性。")
    got = {(m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert ("Bence Jones protein", None, "positive") in got
    assert ("ADAMTS13 inhibitor", None, "negative") in got
    assert not any(a == "RBC" for a, _, _ in got)


def test_a_count_or_share_written_before_its_cells():
    patient = _patient(
        "A 39-year-old man with fever. The white blood cell count was 14,200/µL with 82% neutrophils and "
        "11% lymphocytes. CSF analysis showed 18 leukocytes/µL (75% lymphocytes). The tumor had spread "
        "to 3 of the 14 lymph nodes."
    )
    results = _results(patient)
    assert ("neutrophil percentage", 82, "%", "high") in results
    assert ("lymphocyte percentage", 11, "%", "low") in results
    assert ("CSF cell count", 18, "/uL", "high") in results
    assert ("CSF lymphocytes", 75, "%", None) in results
    assert not any(r[1] == 14 for r in results)  # lymph nodes are no lymphocytes


def test_a_result_word_after_by_or_with_is_said_of_the_test_after_it():
    patient = _patient(
        "A 61-year-old woman. Tuberculosis was ruled out by negative sputum cultures. "
        "The echocardiogram was done despite normal troponin. A nodule with increased size was seen."
    )
    analytes = {m["analyte"] for m in patient["measurements"]}
    assert "sputum culture" in analytes and "ruled out" not in analytes
    assert not analytes & {"size", "increased size", None}


def test_a_year_of_the_past_history_does_not_date_the_tests_that_follow():
    patient = _patient(
        "A 50-year-old man. His past history was notable for a myocardial infarction in 2009. "
        "On admission the CRP was 80 mg/L. In March 2021 the CRP was 12 mg/L."
    )
    whens = [m.get("when") for m in patient["measurements"] if m["analyte"] == "CRP"]
    assert None in whens and "2021" in whens and "2009" not in whens


def test_drug_strengths_controls_and_symptom_courses_are_no_results():
    patient = _patient(
        "A 47-year-old man. He was given sodium bicarbonate (8.4%) and a 4% icodextrin solution. The "
        "assay used water as a negative control and a known sample as a positive control. Her dyspnea "
        "decreased. The biopsy was positive for CD30 and the tumor was negative for ALK."
    )
    got = {(m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert not any(v in (8.4, 4) for _, v, _ in got)
    assert not any(a in (None, "dyspnea") for a, _, _ in got)
    assert ("cd30", None, "positive") in got or ("biopsy", None, "positive") in got
    assert any(i == "negative" for _, _, i in got)  # the tumor's stain stays a result


@pytest.mark.parametrize(
    ("text", "analyte", "value"),
    [
        (
            "患者，男，3岁。串联质谱：游离肉碱（C0）5.1 μmol/L，C5/C0 0.9（参考0.01～0.1）↑。",
            "C5/C0 ratio",
            0.9,
        ),
        ("患者，女，44岁。CD4/CD8 0.62。", "CD4/CD8 ratio", 0.62),
        ("患者，女，44岁。AST/ALT 2.4。", "AST/ALT ratio", 2.4),
        ("患者，男，50岁。BUN/Cr 28。", "BUN/Cr ratio", 28),
        ("患者，女，25岁。醛固酮/肾素比值 62。", "aldosterone/renin ratio", 62),
    ],
)
def test_two_tests_joined_by_a_slash_before_a_value_are_their_ratio(text, analyte, value):
    got = {(m["analyte"], m["value"]) for m in _patient(text)["measurements"]}
    assert (analyte, value) in got
    assert len(got) == (2 if "C0）" in text else 1)  # neither test alone takes the ratio's value


def test_tests_joined_by_a_slash_before_a_result_share_it():
    got = {
        (m["analyte"], m["interpretation"])
        for m in _patient("患者，男，30岁。HBsAg/HBeAg阳性。")["measurements"]
    }
    assert got == {("HBsAg", "positive"), ("HBeAg", "positive")}
    paired = {
        (m["analyte"], m["value"]) for m in _patient("患者，男，30岁。PT/APTT 15.2/45.6 s。")["measurements"]
    }
    assert not any(a.endswith("ratio") for a, _ in paired)


def test_sterile_cultures_shared_low_results_and_approximate_values():
    patient = _patient(
        "A 61-year-old woman with fever. Blood cultures were sterile and the urine culture showed no growth. "
        "Serum IgG and IgA were low. The Ki-67 labelling index was approximately 35%."
    )
    got = {(m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert ("blood culture", None, "negative") in got
    assert ("urine culture", None, "negative") in got
    assert ("IgG", None, "low") in got and ("IgA", None, "low") in got
    assert ("ki-67 labelling index", 35, None) in got  # "approximately" names no test


def test_a_second_value_after_when_the_first_was_taken():
    patient = _patient(
        "A 71-year-old man with melena. His hemoglobin was 5.8 g/dL on admission and 8.9 g/dL after "
        "transfusion; the creatinine was 1.2 mg/dL at baseline and 40 patients were screened."
    )
    results = _results(patient)
    assert ("hemoglobin", 5.8, "g/dL", "low") in results
    assert ("hemoglobin", 8.9, "g/dL", "low") in results
    assert not any(r[1] == 40 for r in results)


def test_a_body_fluid_panel_names_its_own_cells_and_chemistry():
    patient = _patient(
        "患者，男，58岁。腹水常规：白细胞 380×10^6/L，多核细胞 62%，总蛋白 14 g/L，ADA 9 U/L。"
        "胸水检查：有核细胞 1800×10^6/L，淋巴细胞 90%，腺苷脱氨酶 61 U/L。"
    )
    got = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert {
        ("ascites cell count", 380),
        ("ascites neutrophils", 62),
        ("ascites protein", 14),
        ("ascites adenosine deaminase", 9),
        ("pleural fluid cell count", 1800),
        ("pleural fluid lymphocytes", 90),
        ("pleural fluid adenosine deaminase", 61),
    } <= got
    assert not {a for a, _ in got} & {"WBC", "lymphocytes", "lymphocyte percentage", "total protein"}
    taiwan = _patient("患者，男，60歲。腹水檢查：白血球 450/μL，多形核白血球 35%。")
    assert ("ascites neutrophils", 35) in {(m["analyte"], m["value"]) for m in taiwan["measurements"]}


def test_differential_initials_results_and_peaks_after_a_result_word():
    patient = _patient(
        "患者，男，45岁。血常规：WBC 13.2×10^9/L，N 84.6%，L 9.8%。肌钙蛋白I检测结果为3.6 ng/mL。"
        "血肌酐进行性升高，最高达412 μmol/L。"
    )
    got = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert {
        ("neutrophil percentage", 84.6),
        ("lymphocyte percentage", 9.8),
        ("troponin I", 3.6),
        ("creatinine", 412),
    } <= got
    given = _patient("患者，男，40岁。予500 mL 5%葡萄糖。A litre: 1 L 5% dextrose.")
    assert not given["measurements"]  # a volume's litre is no lymphocyte share


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("A 30-year-old woman. 24-hour urine protein was 3.5 g/24 h.", "g/24h"),
        ("A 30-year-old woman. Urinary protein excretion of 4.2 g/24 hours.", "g/24h"),
        ("患者女，30岁。24小时尿蛋白定量 3.5 g/24h。", "g/24h"),
    ],
)
def test_a_24_hour_collection_keeps_its_per_day_unit(text, unit):
    assert {m["unit"] for m in _patient(text)["measurements"]} == {unit}


def test_a_dose_a_day_is_no_result():
    patient = _patient("A 30-year-old woman was given prednisone 60 mg/day and morphine 10 mg/24 h.")
    assert not patient["measurements"]


def test_prolonged_clotting_times_and_deranged_tests():
    patient = _patient(
        "A 55-year-old man with bleeding. The aPTT was prolonged and the ECG showed a prolonged QTc "
        "interval. Liver enzymes were deranged. He had a prolonged hospital stay."
    )
    got = {(m["analyte"], m["interpretation"]) for m in patient["measurements"]}
    assert ("APTT", "high") in got and ("QTc", "high") in got
    assert ("liver enzymes", "abnormal") in got
    assert not any("hospital" in (a or "") for a, _ in got)  # a long stay is no test


def test_multiples_of_the_upper_limit_and_bounded_scores():
    patient = _patient(
        "A 49-year-old woman with jaundice. Her ALT was 6 times the upper limit of normal and AST >8× ULN. "
        "The Child-Pugh score was less than 7."
    )
    results = _results(patient)
    assert ("ALT", 6, "xULN", "high") in results  # not "normal" from the words "of normal"
    assert ("AST", 8, "xULN", "high") in results
    assert ("Child-Pugh score", 7, None, None) in results


def test_immunohistochemistry_markers_with_their_results():
    patient = _patient(
        "患者，女，47岁。病理示弥漫大B细胞淋巴瘤。免疫组化：CD20（+），CD3（-），Bcl-2（+，80%），"
        "Ki-67约70%；MUM1阳性，CK（-），EBER原位杂交阴性。"
    )
    got = {(m["analyte"], m["value"], m["interpretation"]) for m in patient["measurements"]}
    assert {
        ("CD20", None, "positive"),
        ("CD3", None, "negative"),
        ("Bcl-2", 80, "positive"),
        ("Ki-67", 70, None),
        ("MUM1", None, "positive"),
        ("CK", None, "negative"),
        ("EBER", None, "negative"),
    } <= got
    traditional = _patient("患者，男，60歲。免疫組化染色：TTF-1（+），Napsin A（+），CK7陽性。")
    got = {(m["analyte"], m["interpretation"]) for m in traditional["measurements"]}
    assert {("TTF-1", "positive"), ("Napsin A", "positive"), ("CK7", "positive")} <= got
    # Outside a passage about staining a bracketed sign is no marker's.
    plain = _patient("患者，男，60岁。维生素C（+）片口服。")
    assert not any(m["analyte"] == "C" for m in plain["measurements"])


def test_a_range_as_the_result_and_a_stool_panel():
    patient = _patient(
        "患者，男，50岁。尿沉渣：红细胞8～10个/HP。血小板（40～55）×10^9/L。大便常规：白细胞10～15/HP，隐血阳性。"
    )
    got = {(m["analyte"], m["value"], m.get("value_high"), m["unit"]) for m in patient["measurements"]}
    assert {
        ("urine red blood cells", 8, 10, "/HPF"),
        ("platelets", 40, 55, "10^9/L"),
        ("fecal white blood cells", 10, 15, "/HPF"),
        ("fecal occult blood", None, None, None),
    } <= got
    assert not any(a == "WBC" for a, *_ in got)  # the stool's cells, not the blood count


def test_a_direction_written_before_the_test():
    patient = _patient(
        "A 77-year-old man with sepsis. He had a rising creatinine and pulse oximetry showed decreasing "
        "oxygen saturation."
    )
    got = {(m["analyte"], m["interpretation"], m["evidence"]["text"]) for m in patient["measurements"]}
    assert ("creatinine", "high", "rising") in got
    assert ("SpO2", "low", "decreasing") in got


def test_panels_named_with_one_result_and_lists_joined_by_enumeration_commas():
    patient = _patient(
        "患者，男，35岁。血常规、尿常规、肝肾功能未见明显异常。凝血功能正常，甲状腺功能大致正常。自身抗体谱阴性。"
        "血脂、血糖正常。ALT、AST升高。"
    )
    got = {(m["analyte"], m["interpretation"]) for m in patient["measurements"]}
    assert {
        ("complete blood count", "normal"),
        ("urinalysis", "normal"),
        ("liver and renal function", "normal"),
        ("coagulation tests", "normal"),
        ("thyroid function", "normal"),
        ("autoantibodies", "negative"),
        ("blood lipids", "normal"),
        ("glucose", "normal"),
        ("ALT", "high"),
        ("AST", "high"),
    } <= got
    # A panel's name before its items is no result of its own.
    listed = _patient("患者，男，35岁。血常规：WBC 12.3×10^9/L。尿常规：蛋白（++）。")
    assert {m["analyte"] for m in listed["measurements"]} == {"WBC", "urine protein"}


def test_sinus_rhythm_is_the_hearts_rhythm_on_an_ecg():
    patient = _patient("A 59-year-old man. The ECG showed normal sinus rhythm. The sinus tract was excised.")
    got = [(m["analyte"], m["evidence"]["text"]) for m in patient["measurements"]]
    assert got == [("heart rhythm", "normal sinus rhythm")]


def test_a_pnh_flow_count_and_antibody_classes_after_a_virus_antibody():
    patient = _patient("患者，男，30岁。流式细胞术：CD55/CD59缺失的红细胞占12%、粒细胞占65%。")
    got = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert got == {("PNH clone red cells", 12), ("PNH clone granulocytes", 65)}  # no red cell count
    serology = _patient("患者，女，44岁。巨细胞病毒IgG阳性、IgM阴性。血清IgM 1.2 g/L。")
    got = {(m["analyte"], m["interpretation"]) for m in serology["measurements"]}
    assert {("CMV IgG", "positive"), ("CMV IgM", "negative"), ("IgM", "normal")} <= got


def test_a_change_verb_with_its_amount_after_it_is_no_result():
    patient = _patient(
        "A 3-year-old boy had seizures. The ketogenic diet reduced seizure frequency by 50%. "
        "The biopsy was negative by immunohistochemistry."
    )
    assert [(m["analyte"], m["interpretation"]) for m in patient["measurements"]] == [("biopsy", "negative")]


@pytest.mark.parametrize(
    ("text", "analyte", "value", "unit"),
    [
        ("患者，男，50岁。白细胞计数为11.5×10^9个/L。", "WBC", 11.5, "10^9/L"),
        ("患者，男，50岁。WBC 11.5 G/L，白蛋白 35 g/L。", "WBC", 11.5, "10^9/L"),
        ("患者，男，50岁。WBC 11.5 G/L，白蛋白 35 g/L。", "albumin", 35, "g/L"),
        ("患者，男，50岁。HBV DNA 定量 3.4E+05 IU/mL。", "HBV DNA", 340000, "IU/mL"),
        ("患者，女，45歲。血球容積比 31%，D-雙合體 5.6 μg/mL。", "hematocrit", 31, "%"),
        ("患者，女，45歲。血球容積比 31%，D-雙合體 5.6 μg/mL。", "D-dimer", 5.6, "ug/mL"),
    ],
)
def test_count_units_with_ge_giga_per_litre_computer_exponents_and_taiwan_names(text, analyte, value, unit):
    assert (analyte, value, unit) in {
        (m["analyte"], m["value"], m["unit"]) for m in _patient(text)["measurements"]
    }


def test_oxygen_given_is_no_measurement():
    patient = _patient(
        "A 68-year-old man with pneumonia. He required 4 L/min of oxygen via nasal cannula and oxygen was "
        "later given at 10 L/min. His saturation was 90% on 2 L/min of supplemental O2."
    )
    results = _results(patient)
    assert not any(r[2] == "L/min" for r in results)
    assert ("SpO2", 90, "%", "low") in results


def test_apgar_scores_after_each_minute_and_minutes_are_no_values():
    patient = _patient("患儿，男，出生1天。Apgar评分1分钟3分，5分钟6分，10 min 8分。")
    got = [(m["analyte"], m["value"]) for m in patient["measurements"]]
    assert sorted(got) == [("Apgar score", 3), ("Apgar score", 6), ("Apgar score", 8)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("患者女，26岁，心悸、体重下降3个月。", []),  # weight loss (a feature), no low weight
        ("患者女，26岁。体重下降约6 kg。", [("body weight change", "low")]),  # 6 kg lost, not the weight
        ("患者女，26岁。体重偏低。", [("body weight", "low")]),  # a low weight is a level
        ("患者女，26岁。血小板减少。", [("platelets", "low")]),  # a blood count's fall is its level
    ],
)
def test_a_change_of_body_weight_is_no_level(text, expected):
    patient = _patient(text)
    assert [(m["analyte"], m["interpretation"]) for m in patient["measurements"]] == expected


def test_clinical_scores_of_many_specialties():
    patient = _patient(
        "患者，男，66岁。MMSE评分18分，MoCA 15分；HAMD评分28分；PASI评分24分；EDSS评分3.5分；SLEDAI评分16分；"
        "Child-Pugh评分9分（B级），MELD评分18分；CURB-65评分3分。"
    )
    got = {(m["analyte"], m["value"]) for m in patient["measurements"]}
    assert {
        ("MMSE score", 18),
        ("MoCA score", 15),
        ("HAMD score", 28),
        ("PASI score", 24),
        ("EDSS score", 3.5),
        ("SLEDAI score", 16),
        ("Child-Pugh score", 9),
        ("MELD score", 18),
        ("CURB-65 score", 3),
    } <= got


def test_a_result_word_dashed_onto_the_value():
    patient = _patient("A 31-year-old woman. Her serum prolactin was very high—6120 µg/L (N<20).")
    measured = patient["measurements"]
    got = {(m["analyte"], m["value"], m["interpretation"], m["evidence"]["text"]) for m in measured}
    assert ("prolactin", 6120, "high", "high—6120 µg/L") in got
    # a compound stays a compound: "high-power field" gives no result word
    patient = _patient("A 40-year-old man. The biopsy showed 12 mitoses per 10 high-power fields.")
    assert not any(m["interpretation"] == "high" for m in patient["measurements"])


@pytest.mark.parametrize(
    "text", ["患者，男，70岁。NYHA心功能III级。", "患者，男，70歲。心功能III級（NYHA分級）。"]
)
def test_the_nyha_class_in_chinese(text):
    assert ("NYHA functional class", 3) in {
        (m["analyte"], m["value"]) for m in _patient(text)["measurements"]
    }


def test_a_result_word_before_a_list_is_each_tests_evidence():
    patient = _patient(
        "A 36-year-old man. He had normal hemoglobin and platelet levels; elevated levels of anti-GAD "
        "antibody and insulin autoantibody were found."
    )
    got = {(m["analyte"], m["interpretation"], m["evidence"]["text"]) for m in patient["measurements"]}
    assert ("hemoglobin", "normal", "normal") in got
    assert ("platelets", "normal", "normal") in got  # the word, not the test's name
    assert ("insulin autoantibodies", "positive", "elevated") in got


def test_markers_listed_before_one_result_share_it():
    patient = _patient(
        "患者，男，60岁。免疫组化：肿瘤细胞CD20、CD79a、PAX5阳性，CD3、CD5阴性；CK、EMA（+）。"
    )
    got = {(m["analyte"], m["interpretation"]) for m in patient["measurements"]}
    assert {
        ("CD20", "positive"),
        ("CD79a", "positive"),
        ("PAX5", "positive"),
        ("CD3", "negative"),
        ("CD5", "negative"),
        ("CK", "positive"),
        ("EMA", "positive"),
    } <= got


def test_negative_for_a_list_of_tests_is_one_result_each():
    patient = _patient("A 42-year-old woman. She was negative for ANA and anti-dsDNA.")
    got = [(m["analyte"], m["interpretation"], m["evidence"]["text"]) for m in patient["measurements"]]
    assert ("ANA", "negative", "negative") in got and ("anti-dsDNA", "negative", "negative") in got
    assert len(got) == 2  # no second, unnamed "negative" of "ana"


def test_a_test_not_found_is_negative():
    patient = _patient("A 44-year-old man. HBsAg was not found and acid-fast bacilli were not identified.")
    got = {(m["analyte"], m["interpretation"], m["evidence"]["text"]) for m in patient["measurements"]}
    assert ("HBsAg", "negative", "not found") in got
    assert ("acid-fast bacilli", "negative", "not identified") in got


def test_digits_glued_to_a_test_name_are_no_value():
    patient = _patient("A 52-year-old man. His 1,25 OH vitamin D3 41.2 ng/mL was normal.")
    assert not any(m["value"] == 3 for m in patient["measurements"])
    assert any(m["value"] == 41.2 for m in patient["measurements"])


def test_how_much_a_test_changed_is_not_its_level():
    patient = _patient(
        "A 60-year-old man. Creatinine was reduced by 30% after treatment. "
        "Ejection fraction was reduced to 30%. His CRP was elevated."
    )
    assert [(m["analyte"], m["interpretation"]) for m in patient["measurements"]] == [
        ("LVEF", "low"),
        ("CRP", "high"),
    ]


@pytest.mark.parametrize(
    "text, analyte, interpretation",
    [
        # values given without the laboratory's interval, read against the table's usual one
        ("患者女，52岁。肝功能：直接胆红素48.6 μmol/L。", "direct bilirubin", "high"),
        ("患者男，61岁。凝血功能：APTT 62 s，PT 19.2 s。", "APTT", "high"),
        ("患者男，61岁。凝血功能：APTT 62 s，PT 19.2 s。", "PT", "high"),
        ("患者男，38岁。血氨 138 μmol/L。", "ammonia", "high"),
        ("患者女，24岁。网织红细胞 9.6%。", "reticulocytes", "high"),
        ("患者男，17岁。空腹C肽0.09 ng/ml。", "C-peptide", "low"),
        ("患者男，66岁。血清IgG4 9.2 g/L。", "IgG4", "high"),
        ("A 58-year-old man. His troponin I was 3.1 ng/mL.", "troponin I", "high"),
        # Chinese laboratories give the free thyroid hormones in pmol/L, the table in ng/dL and pg/mL
        ("患者女，33岁。甲状腺功能：FT4 52.3 pmol/L，FT3 21.6 pmol/L。", "free T4", "high"),
        ("患者女，33岁。甲状腺功能：FT4 52.3 pmol/L，FT3 21.6 pmol/L。", "free T3", "high"),
        ("患者女，41岁。FT4 14.8 pmol/L。", "free T4", "normal"),
        ("患者男，46岁。24小时尿蛋白定量 4.2 g/24h。", "urine protein", "high"),
        # an autoantibody titre of 1:80 or more with no cut-off written is a positive result
        ("患者女，29岁。抗核抗体滴度1∶640。", "ANA", "positive"),
        ("A 35-year-old woman. ANA 1:320 (speckled pattern).", "ANA", "positive"),
    ],
)
def test_values_without_a_stated_interval_are_read_against_the_usual_one(text, analyte, interpretation):
    got = {(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert (analyte, interpretation) in got, got


def test_a_low_titre_without_a_cut_off_is_left_unread():
    patient = _patient("患者女，29岁。抗核抗体滴度1∶40。")
    assert [(m["analyte"], m["interpretation"]) for m in patient["measurements"]] == [("ANA", None)]


def test_a_raised_antibody_is_a_positive_one():
    patient = _patient("A 30-year-old woman. Anti-dsDNA antibodies were elevated at 210 IU/mL.")
    assert [(f["code"], f["excluded"]) for f in patient["features"]] == [("HP:0020151", False)]


@pytest.mark.parametrize(
    ("text", "analyte", "code"),
    [
        # an antibody named in the plural is the antibody's test
        ("A 30-year-old woman. Acetylcholine receptor antibodies were positive.", "anti-AChR", "HP:6001064"),
        ("A 41-year-old woman. TPO antibodies were elevated at 450 IU/mL.", "anti-TPO", "HP:0025379"),
        # tests and units the table lacked
        ("A 24-year-old man. Fecal calprotectin was 1840 μg/g.", "fecal calprotectin", "HP:0034056"),
        ("A 50-year-old man on warfarin. INR was 4.3.", "INR", "HP:0008151"),
        ("A 45-year-old man. Transferrin saturation was 92%.", "transferrin saturation", "HP:0012463"),
    ],
)
def test_antibodies_in_the_plural_and_tests_the_table_lacked(text, analyte, code):
    patient = _patient(text)
    assert [(m["analyte"], m.get("code")) for m in patient["measurements"]] == [(analyte, code)]


def test_a_ratio_per_gram_of_creatinine_is_a_lab_unit():
    patient = _patient("A 40-year-old woman. Urine albumin-to-creatinine ratio was 1800 mg/g.")
    assert _results(patient) == [("urine albumin-to-creatinine ratio", 1800, "mg/g", "high")]  # usual < 30


@pytest.mark.parametrize(
    "text, expected",
    [
        # a short test name is a test in a list of tests, though no value in its unit follows it
        ("患者女，31岁。补体C3、C4降低。", {("C3", "low"), ("C4", "low")}),
        ("患者女，31岁。补体C3、C4均降低。", {("C3", "low"), ("C4", "low")}),
        # tests joined by a list word share the result after them, as with 、 and /
        ("患者男，8岁。血常规示白细胞及中性粒细胞升高。", {("WBC", "high"), ("neutrophils", "high")}),
        ("患者男，8岁。血常規示白血球及中性球升高。", {("WBC", "high"), ("neutrophils", "high")}),
        # an antibody named by its Latin antigen without 抗体
        ("患者女，27岁。抗ds-DNA阴性，抗Sm（+）。", {("anti-dsDNA", "negative"), ("anti-Sm", "positive")}),
    ],
)
def test_tests_of_a_list_share_its_result(text, expected):
    got = {(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert expected <= got, got


def test_a_vertebra_after_a_vertebra_is_no_test():
    assert _patient("患者男，60岁。颈椎MRI示C3、C4椎间盘突出。")["measurements"] == []


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("A 39-year-old woman. Her body weight decreased by 7 kg over four months.", -7),
        ("A 39-year-old woman. She had lost about 12 kg since the spring.", -12),
        ("A 39-year-old woman. A weight reduction of 4 kg followed the diet.", -4),
        ("患者，女，39岁。近4个月体重下降约7 kg。", -7),
        ("患者，女，39岁。半年来體重減輕8公斤。", -8),
    ],
)
def test_a_weight_loss_is_a_negative_change_and_the_finding_weight_loss(text: str, change: float) -> None:
    patient = _patient(text)
    changes = [m for m in patient["measurements"] if m["analyte"] == "body weight change"]
    assert [(m["value"], m["unit"], m["interpretation"]) for m in changes] == [(change, "kg", "low")]
    weight_loss = [f for f in patient["features"] if f["code"] == "HP:0001824"]
    assert weight_loss and not weight_loss[0]["excluded"]


@pytest.mark.parametrize(
    "text",
    [
        "A 39-year-old woman. She denied weight loss of more than 5 kg.",
        "A 39-year-old woman. Her mother had lost 10 kg before her death.",
        "患者，女，39岁。无体重下降5 kg以上。",
    ],
)
def test_a_weight_loss_denied_or_a_relatives_is_no_change_of_the_patient(text: str) -> None:
    patient = _patient(text)
    assert not [m for m in patient["measurements"] if m["analyte"] == "body weight change"]
    assert not [f for f in patient["features"] if f["code"] == "HP:0001824" and not f["excluded"]]


def test_a_weight_gain_is_a_positive_change_with_no_finding_of_its_own() -> None:
    patient = _patient("A 15-year-old boy. He gained 6 kg in a year; his weight increased by 2 kg more.")
    changes = sorted(m["value"] for m in patient["measurements"] if m["analyte"] == "body weight change")
    assert changes == [2, 6]
    assert not any(f.get("from_measurement") == "body weight change" for f in patient["features"])


@pytest.mark.parametrize(
    "text, analyte, interpretation",
    [
        # autoantibodies Chinese laboratories report in RU/mL (positive above 20 RU/mL)
        ("患者男，66岁。MPO-ANCA 98 RU/ml，PR3-ANCA 3 RU/ml。", "anti-MPO", "high"),
        ("患者男，66岁。MPO-ANCA 98 RU/ml，PR3-ANCA 3 RU/ml。", "anti-PR3", "normal"),
        ("患者男，49岁。抗PLA2R抗体 86 RU/ml。", "anti-PLA2R", "high"),
        ("患者女，58岁。尿白蛋白/肌酐比值 420 mg/g。", "urine albumin-to-creatinine ratio", "high"),
    ],
)
def test_antibodies_in_ru_and_urine_ratios_are_read_against_usual_intervals(text, analyte, interpretation):
    got = {(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert (analyte, interpretation) in got, got


def test_a_high_antibody_level_implies_its_positivity():
    patient = _patient("患者男，66岁。MPO-ANCA 98 RU/ml。")
    assert "HP:0033559" in {f["code"] for f in patient["features"] if not f["excluded"]}


@pytest.mark.parametrize(
    "text",
    [
        "患者，男，40岁。尿量明显减少。",  # a degree word inside 尿量减少: the test's low result
        "A 40-year-old man. His urine output decreased to 300 mL per day.",
    ],
)
def test_a_low_urine_output_is_oliguria(text):
    patient = _patient(text)
    assert "HP:0100520" in {f["code"] for f in patient["features"] if not f["excluded"]}, patient


def test_a_result_word_right_before_the_next_test_is_that_tests():
    patient = _patient(
        "A 19-year-old man with petechiae. Platelet count was 4 x 10^9/L with normal hemoglobin and "
        "white cell count."
    )
    assert _results(patient) == [
        ("platelets", 4, "10^9/L", "low"),
        ("hemoglobin", None, None, "normal"),
        ("WBC", None, None, "normal"),
    ]


def test_schistocytes_counted_or_stated_absent():
    assert [
        (f["code"], f["excluded"]) for f in _patient("A 30-year-old woman. Schistocytes were 4%.")["features"]
    ] == [("HP:0001981", False)]
    patient = _patient("A 19-year-old man. The smear showed large platelets without schistocytes.")
    assert ("HP:0001981", True) in [(f["code"], f["excluded"]) for f in patient["features"]]


@pytest.mark.parametrize(
    ("text", "grade", "weak"),
    [
        ("A 30-year-old man. Muscle strength was 4/5 in both legs.", 4, True),
        (
            "A 30-year-old man. Muscle strength was 5/5 in the lower limbs.",
            5,
            False,
        ),  # "lower" is a body part
        ("A 30-year-old man. On examination, strength was 3/5 in the right arm.", 3, True),
        ("患者男，30岁。查体：双下肢肌力4级。", 4, True),
    ],
)
def test_muscle_strength_is_a_grade_and_below_five_a_weakness(text, grade, weak):
    patient = _patient(text)
    strength = [m for m in patient["measurements"] if m["analyte"] == "muscle strength"]
    assert [(m["value"], m["unit"], m.get("value2")) for m in strength] == [(grade, "grade", None)]
    weakness = [f for f in patient["features"] if f["code"] == "HP:0001324" and not f["excluded"]]
    assert bool(weakness) == weak


def test_a_units_letter_ends_its_sentence():
    # "mmol/L." is no initial: the next sentence's result is not the potassium's
    patient = _patient("A 30-year-old man. Potassium 4.1 mmol/L. Strength was 4/5 in the lower extremities.")
    results = _results(patient)
    assert ("potassium", 4.1, "mmol/L", "normal") in results
    assert ("muscle strength", 4, "grade", "low") in results


@pytest.mark.parametrize(
    "text, analyte, interpretation",
    [
        # coagulation factors and anticoagulant proteins, copper, calcitonin, thyroid antibodies
        ("患者男，8岁。凝血因子Ⅷ活性 2%。", "factor VIII activity", "low"),
        ("患者女，36岁。蛋白C活性 35%，蛋白S活性 28%。", "protein S activity", "low"),
        ("患者女，36岁。抗凝血酶Ⅲ活性 45%。", "antithrombin activity", "low"),
        ("患者男，19岁。血清铜 4.8 μmol/L。", "serum copper", "low"),
        ("患者女，52岁。降钙素 860 pg/ml，降钙素原 0.3 ng/ml。", "calcitonin", "high"),
        ("患者女，52岁。降钙素 860 pg/ml，降钙素原 0.3 ng/ml。", "procalcitonin", "normal"),
        ("患者女，41岁。甲状腺球蛋白抗体 >4000 IU/ml。", "anti-thyroglobulin", "high"),
        ("患者女，30岁。抗β2糖蛋白Ⅰ抗体 64 RU/ml。", "anti-beta2 glycoprotein I", "high"),
        ("患者男，60岁。骨髓穿刺示浆细胞占28%。", "bone marrow plasma cells", "high"),
    ],
)
def test_coagulation_copper_and_hormone_tests_of_chinese_reports(text, analyte, interpretation):
    got = {(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert (analyte, interpretation) in got, got


@pytest.mark.parametrize(
    "text, analyte, interpretation",
    [
        # Taiwan's wording: electrolytes as ions, a culture that grew, glucose of the CSF in mg/dL
        ("病人為50歲男性。腎功能：鉀離子 6.2 mmol/L，鈉離子 128 mmol/L。", "potassium", "high"),
        ("病人為50歲男性。腎功能：鉀離子 6.2 mmol/L，鈉離子 128 mmol/L。", "sodium", "low"),
        ("病人為50歲男性。血液培養長出金黃色葡萄球菌。", "blood culture", "positive"),
        ("患者女，40岁。尿培养未长出细菌。", "urine culture", "negative"),
        ("病童為3歲男童。腦脊髓液檢查：葡萄糖 25 mg/dL。", "CSF glucose", "low"),
    ],
)
def test_taiwan_lab_wording(text, analyte, interpretation):
    got = {(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert (analyte, interpretation) in got, got


def test_a_rash_that_grew_is_no_culture():
    assert _patient("患者女，40岁。双下肢长出皮疹。")["measurements"] == []


@pytest.mark.parametrize(
    ("text", "analyte", "value", "unit"),
    [
        ("A 56-year-old man. MPO-ANCA was positive at 120 U/mL.", "anti-MPO", 120, "U/mL"),
        ("A 56-year-old man. PR3-ANCA was strongly positive at 85 IU/mL.", "anti-PR3", 85, "IU/mL"),
    ],
)
def test_a_value_after_a_result_word_is_the_named_tests(text, analyte, value, unit):
    # the value completes the test's result; the result word names no test of its own
    patient = _patient(text)
    assert [(m["analyte"], m["value"], m["unit"], m["interpretation"]) for m in patient["measurements"]] == [
        (analyte, value, unit, "positive")
    ]


@pytest.mark.parametrize(
    ("text", "analyte", "interpretation"),
    [
        ("患者女，40岁。抗环瓜氨酸肽（CCP）抗体阳性。", "anti-CCP", "positive"),
        ("患者男，46歲。抗磷脂酶A2受體（PLA2R）抗體312 RU/mL。", "anti-PLA2R", "high"),
        ("患者男，30岁。抗肾小球基底膜（GBM）抗体阴性。", "anti-GBM", "negative"),
        (
            "A 40-year-old woman. Anti-glomerular basement membrane (GBM) antibodies were negative.",
            "anti-GBM",
            "negative",
        ),
    ],
)
def test_a_test_named_with_its_abbreviation_inside_its_name(text, analyte, interpretation):
    # the bracketed abbreviation between the name's words: the whole name is the test
    got = [(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]]
    assert got == [(analyte, interpretation)]


def test_the_date_of_a_test_is_not_its_value():
    patient = _patient("患者男，61岁。血常规（2021-03-05）：WBC 2.1×10^9/L。CT（2020/8/19）示右肺结节。")
    assert _results(patient) == [("WBC", 2.1, "10^9/L", "low")]


def test_when_the_blood_was_drawn_may_stand_before_the_value():
    patient = _patient("患者男，61岁。血糖：空腹6.8 mmol/L。")
    assert _results(patient) == [("glucose", 6.8, "mmol/L", "high")]


@pytest.mark.parametrize(
    ("text", "analyte", "code"),
    [
        ("A 45-year-old woman. Serum angiotensin-converting enzyme was 98 U/L.", "ACE level", "HP:6000213"),
        ("A 45-year-old woman. ECG showed a ventricular rate of 38 beats/min.", "heart rate", "HP:0001662"),
    ],
)
def test_ace_level_and_a_ventricular_rate(text, analyte, code):
    assert [(m["analyte"], m.get("code")) for m in _patient(text)["measurements"]] == [(analyte, code)]


def test_lung_function_as_a_share_of_the_predicted_and_an_infants_length():
    patient = _patient("患者男，58岁。肺功能：FEV1/FVC 58%，DLCO占预计值 40%。")
    assert ("DLCO", 40, "%", "low") in _results(patient)
    assert ("FEV1/FVC", 58, "%", "low") in _results(patient)
    patient = _patient("患儿男，1岁。体重 8 kg，身长 70 cm。")
    assert ("height", 70, "cm", None) in _results(patient)


def test_an_egfr_below_sixty_is_decreased():
    assert _results(_patient("A 30-year-old woman. eGFR was 25 mL/min/1.73 m2.")) == [
        ("eGFR", 25, "mL/min/1.73m2", "low")
    ]
    assert _results(_patient("A 30-year-old woman. Her eGFR was 95 mL/min/1.73 m2.")) == [
        ("eGFR", 95, "mL/min/1.73m2", "normal")
    ]


def test_a_value_raised_or_recovered_to_another_is_a_second_result():
    patient = _patient("患者女，60岁。治疗后右眼视力由0.1提高至0.6，血红蛋白由60 g/L回升至98 g/L。")
    values = [(m["analyte"], m["value"]) for m in patient["measurements"]]
    assert values == [("visual acuity", 0.1), ("visual acuity", 0.6), ("hemoglobin", 60), ("hemoglobin", 98)]


@pytest.mark.parametrize(
    "text",
    [
        "A 6-year-old girl. Platelet aggregation was reduced.",
        "患儿，女，6岁。血小板聚集功能降低。",
        "患儿，女，6岁。外周血白细胞β-葡萄糖脑苷脂酶活性明显降低。",
    ],
)
def test_a_result_of_another_quantity_of_the_cells_is_not_their_count(text):
    patient = _patient(text)
    assert not [m for m in patient["measurements"] if m["analyte"] in ("platelets", "WBC")]
    assert not {f["code"] for f in patient["features"]} & {"HP:0001873", "HP:0001882"}
    assert not patient["treatments"]  # 葡萄糖 inside an enzyme's name is no glucose given


@pytest.mark.parametrize(
    "text, expected",
    [
        # a test the vocabulary does not know, named by its own words up to 试验/反应
        ("患者女，35岁。行新斯的明试验阳性。", ("新斯的明试验", "positive")),
        ("患者女，35岁。冰敷试验（+）。", ("冰敷试验", "positive")),
        ("病人為45歲男性。外斐反應陰性。", ("外斐反应", "negative")),
    ],
)
def test_a_test_the_vocabulary_lacks_is_named_by_its_own_words(text, expected):
    got = {(m["analyte"], m["interpretation"]) for m in _patient(text)["measurements"]}
    assert expected in got, got


def test_a_known_test_before_the_head_word_is_read_once():
    patient = _patient("患者女，35岁。Coombs试验阳性，结核菌素试验强阳性。")
    assert sorted(m["analyte"] for m in patient["measurements"]) == [
        "direct antiglobulin test",
        "tuberculin skin test",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "A 58-year-old woman. Warfarin was started with a target INR of 2.0-3.0.",
        "A 58-year-old man. His HbA1c target was <7%.",
        "患者，女，58岁。华法林抗凝，目标INR 2.0-3.0。",
        "患者，女，58歲。華法林抗凝，INR控制在2.0～3.0。",
    ],
)
def test_a_target_value_is_no_result(text):
    patient = _patient(text)
    assert patient["measurements"] == []
    assert not [f for f in patient["features"] if f.get("from_measurement")]


def test_a_result_beside_its_target_is_still_a_result():
    results = _results(_patient("A 58-year-old man. His HbA1c target was <7%; HbA1c was 9.1%."))
    assert results == [("HbA1c", 9.1, "%", "high")]


@pytest.mark.parametrize(
    "text",
    [
        "患者，男，62岁。基因检测示EGFR 19号外显子缺失突变。诊断：肺腺癌，EGFR突变阳性。",
        "A 62-year-old man. Next-generation sequencing revealed an EGFR exon 19 deletion.",
        "A 62-year-old man. An EGFR mutation was found.",
    ],
)
def test_a_gene_written_in_capitals_before_genetic_words_is_no_test(text):
    # EGFR the gene, not eGFR the filtration rate
    assert not [m for m in _patient(text)["measurements"] if m["analyte"] == "eGFR"]


def test_egfr_with_a_value_is_still_the_filtration_rate():
    assert _results(_patient("A 62-year-old man. EGFR was 45 mL/min."))[0][:2] == ("eGFR", 45)
