"""Treatments on short reports of our own: doses by weight and surface, daily splits, routes only
where stated or implied by the form, stop reasons, no diagnostic or procedural agents, and one
fact per agent that keeps every mention."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract


def _treatments(text: str) -> dict[str, dict]:
    record = extract(text)
    assert record["patients"], record
    facts = record["patients"][0]["treatments"]
    by_agent = {t["agent"]: t for t in facts}
    assert len(by_agent) == len(facts), "one fact per agent"
    return by_agent


def test_weight_and_surface_based_doses_keep_their_units():
    tx = _treatments(
        "A 4-year-old boy with Kawasaki disease was given IVIG 2 g/kg over 12 hours. His sister's "
        "lymphoma was treated elsewhere. He later received rituximab 375 mg/m2 weekly."
    )
    ivig = tx["intravenous immunoglobulin"]
    assert (ivig["dose"], ivig["unit"]) == (2, "g/kg")
    assert (tx["rituximab"]["dose"], tx["rituximab"]["unit"], tx["rituximab"]["frequency"]) == (
        375,
        "mg/m2",
        "once weekly",
    )
    tx = _treatments("患儿男，3岁。予丙种球蛋白2 g/kg静滴，阿司匹林30 mg/(kg·d)分3次口服。")
    assert (tx["intravenous immunoglobulin"]["unit"], tx["intravenous immunoglobulin"]["route"]) == (
        "g/kg",
        "intravenous",
    )
    aspirin = tx["acetylsalicylic acid"]
    assert (aspirin["dose"], aspirin["unit"], aspirin["frequency"], aspirin["route"]) == (
        10,
        "mg/kg",
        "three times daily",
        "oral",
    )
    assert aspirin["daily_dose"] == {"value": 30, "unit": "mg/kg"}


def test_a_days_dose_in_divided_doses():
    tx = _treatments("患者女，45岁。泼尼松60 mg/d，分3次口服。")
    prednisone = tx["prednisone"]
    assert (prednisone["dose"], prednisone["unit"], prednisone["frequency"]) == (
        20,
        "mg",
        "three times daily",
    )
    assert prednisone["daily_dose"] == {"value": 60, "unit": "mg"}
    tx = _treatments("A 52-year-old man was started on hydroxyurea 1500 mg daily in three divided doses.")
    assert (tx["hydroxycarbamide"]["dose"], tx["hydroxycarbamide"]["frequency"]) == (500, "three times daily")


def test_route_only_when_stated_or_implied_by_the_form():
    tx = _treatments(
        "A 61-year-old woman received hydrocortisone by intravenous infusion and levothyroxine 50 ug daily; "
        "later prednisolone tablets and topical mupirocin."
    )
    assert tx["hydrocortisone"]["route"] == "intravenous"
    assert tx["levothyroxine"]["route"] is None
    assert tx["prednisolone"]["route"] == "oral"  # tablets
    assert tx["mupirocin"]["route"] == "topical"


def test_stop_reasons_in_several_forms():
    cases = [
        "A 30-year-old woman with Graves disease. Methimazole was stopped because of suspected neutropenia.",
        "A 30-year-old woman. Because of suspected neutropenia, methimazole was withheld.",
        "A 30-year-old woman. Methimazole-induced neutropenia was suspected; methimazole was discontinued.",
        "患者女，30岁。因出现中性粒细胞减少停用甲巯咪唑。",
    ]
    for text in cases:
        fact = _treatments(text)["thiamazole"]
        assert fact["stopped_because"] == "neutropenia", text
        assert fact["change"] == "stopped", text


def test_diagnostic_and_procedural_agents_are_not_treatments():
    tx = _treatments(
        "A 47-year-old man underwent a glucagon stimulation test and an oral glucose tolerance test. The "
        "biopsy was taken under local anaesthesia with lidocaine and conscious sedation. He is allergic to "
        "penicillin; the isolate was resistant to clindamycin and vancomycin. Serum albumin was 30 g/L. "
        "He was treated with octreotide 100 ug three times daily."
    )
    assert set(tx) == {"octreotide"}


def test_one_fact_per_agent_keeps_every_mention():
    text = (
        "A 55-year-old man. Prednisone was started. After two weeks prednisone 40 mg daily was tapered to "
        "20 mg. Prednisone was discontinued because of hyperglycemia."
    )
    record = extract(text)
    facts = record["patients"][0]["treatments"]
    assert [t["agent"] for t in facts] == ["prednisone"]
    prednisone = facts[0]
    assert (prednisone["dose"], prednisone["unit"], prednisone["frequency"]) == (40, "mg", "once daily")
    assert prednisone["evidence"]["text"] == "prednisone"  # the clearest mention: it has the dose
    assert [m["text"] for m in prednisone["mentions"]] == ["Prednisone", "prednisone", "Prednisone"]
    for m in prednisone["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
    assert prednisone["stopped_because"] == "hyperglycemia"
    assert [(c["change"], c["dose"], c["unit"]) for c in prednisone["dose_changes"]] == [
        ("decreased", 20, "mg")
    ]


@pytest.mark.parametrize(
    ("text", "agent", "route"),
    [
        # A class written right against its agent describes it: one treatment, with the route.
        ("病患為45歲男性。給予靜脈注射抗生素ceftriaxone 2 g q24h。", "ceftriaxone", "intravenous"),
        ("病患為45歲男性。給予口服類固醇prednisolone 30 mg/day。", "prednisolone", "oral"),
        ("患者男，45岁。予激素（甲泼尼龙40 mg/d）静脉滴注。", "methylprednisolone", "intravenous"),
        # ivgtt, the Latin abbreviation of an intravenous drip in Chinese reports.
        ("患者男，45岁。予头孢曲松2.0 g ivgtt qd。", "ceftriaxone", "intravenous"),
    ],
)
def test_a_class_against_its_agent_and_ivgtt(text, agent, route):
    patient = extract(text)["patients"][0]
    assert [(t["agent"], t["route"]) for t in patient["treatments"]] == [(agent, route)]


def test_a_class_and_an_agent_in_a_list_stay_two_treatments():
    patient = extract("患者男，45岁。予抗生素、甲泼尼龙治疗。")["patients"][0]
    assert [t["agent"] for t in patient["treatments"]] == ["antibiotics", "methylprednisolone"]


def test_chinese_supportive_agents_and_a_drug_class_are_treatments():
    text = "患者男，30岁。予静脉注射免疫球蛋白，并用辅酶Q10、果糖二磷酸钠、乌司他丁，口服降脂药物。"
    agents = {t["agent"] for t in extract(text)["patients"][0]["treatments"]}
    expected = {"intravenous immunoglobulin", "ubidecarenone", "fosfructose", "ulinastatin"}
    assert expected | {"lipid-lowering drugs"} <= agents


def test_immunoglobulin_named_as_a_panel_before_its_results_is_no_treatment():
    record = extract("患者女，40岁。查免疫球蛋白：IgG 18.5 g/L，IgA 2.1 g/L。")
    patient = record["patients"][0]
    assert not patient["treatments"]
    assert {m["analyte"] for m in patient["measurements"]} == {"IgG", "IgA"}


def test_a_stop_reason_in_a_clause_of_its_own_before_the_drug():
    text = "患者予羟氯喹0.2 g bid口服。因出现视物模糊，停用羟氯喹。"
    treatment = extract(text)["patients"][0]["treatments"][0]
    assert treatment["agent"] == "hydroxychloroquine"
    assert treatment["stopped_because"] == "blurred vision"


@pytest.mark.parametrize(
    "text",
    [
        "Thrombolysis was not given because he presented late. Aspirin 100 mg daily was started.",
        "He did not receive heparin. Aspirin 100 mg daily was started.",
        "Steroids were not started. She refused insulin. No anticoagulation was given. Aspirin 100 mg daily.",
        "患者未予溶栓治疗，未使用糖皮质激素，拒绝使用胰岛素。予阿司匹林100 mg qd。",
        "激素未使用。予阿司匹林100 mg qd。",
    ],
)
def test_a_drug_the_patient_was_not_given_is_no_treatment(text):
    agents = [t["agent"] for t in extract(text)["patients"][0]["treatments"]]
    assert agents == ["acetylsalicylic acid"]


def test_a_level_said_to_change_and_a_declined_course_are_no_treatments():
    text = (
        "She was treated with zoledronic acid 4 mg. Within 3 days her calcium normalized. She declined "
        "further chemotherapy. She received calcium 1 g daily."
    )
    treatments = {t["agent"]: t for t in extract(text)["patients"][0]["treatments"]}
    assert set(treatments) == {"zoledronic acid", "calcium"}
    # the supplement given is its only mention, not the level that normalized
    spans = treatments["calcium"].get("mentions") or [treatments["calcium"]["evidence"]]
    assert [s["start"] for s in spans] == [text.index("calcium 1 g")]


@pytest.mark.parametrize(
    "text",
    [
        "A 30-year-old woman was admitted. She received transfusions of red blood cells and platelets. "
        "Platelets were 45 x 10^9/L.",
        "患者，女，30岁。予输注红细胞、血小板。血小板30×10^9/L。",
        "患者，女，30歲。予輸注紅血球、血小板。血小板30×10^9/L。",
    ],
)
def test_blood_components_listed_after_a_transfusion_word_are_each_given(text):
    tx = _treatments(text)
    assert {"red blood cell transfusion", "platelet transfusion"} <= set(tx), tx
    # the count stays a measurement of the test, not a platelet transfusion
    record = extract(text)
    assert [m["value"] for m in record["patients"][0]["measurements"] if m["analyte"] == "platelets"] in (
        [45.0],
        [30.0],
    )


def test_platelets_given_inside_a_blood_transfusion_word_are_platelets():
    tx = _treatments("患者，男，50岁。予输血小板1治疗量。")
    assert set(tx) == {"platelet transfusion"}


def test_an_event_in_the_clause_before_a_stop_is_its_reason():
    tx = _treatments("患者，女，30岁。予环磷酰胺0.8 g静脉滴注。患者出现皮疹，停用环磷酰胺。")
    cyclophosphamide = tx["cyclophosphamide"]
    assert (cyclophosphamide["change"], cyclophosphamide["stopped_because"]) == ("stopped", "skin rash")


def test_a_dose_per_kilogram_and_day_is_daily_and_an_infusion_has_a_duration():
    tx = _treatments("患儿，男，3岁。予丙种球蛋白0.4 g/(kg·d)静脉滴注5天。")
    ivig = tx["intravenous immunoglobulin"]
    assert (ivig["dose"], ivig["frequency"], ivig["duration"]) == (0.4, "once daily", "5 days")


def test_a_blank_code_in_the_shared_lexicon_is_filled_by_the_supplement():
    tx = _treatments("A 40-year-old woman was started on mycophenolate mofetil 1 g twice daily.")
    assert tx["mycophenolate mofetil"]["code"] == "L04AA06"


def test_a_part_of_a_combination_named_after_its_dose_is_no_second_treatment():
    tx = _treatments(
        "A 54-year-old man was treated with trimethoprim-sulfamethoxazole 15 mg/kg/day (trimethoprim "
        "component) in three divided doses."
    )
    assert set(tx) == {"sulfamethoxazole and trimethoprim"}
    combination = tx["sulfamethoxazole and trimethoprim"]
    assert (combination["dose"], combination["frequency"], combination["daily_dose"]["value"]) == (
        5,
        "three times daily",
        15,
    )
    # named later on its own, the part is a treatment of its own
    tx = _treatments(
        "A 54-year-old man was treated with trimethoprim-sulfamethoxazole for two weeks. Three months "
        "later he was given trimethoprim 100 mg daily as prophylaxis."
    )
    assert set(tx) == {"sulfamethoxazole and trimethoprim", "trimethoprim"}


def test_a_route_the_drugs_own_name_states_is_that_drugs_alone():
    tx = _treatments("患儿，女，7岁。予静脉注射免疫球蛋白2 g/kg单次输注。")
    assert tx["intravenous immunoglobulin"]["route"] == "intravenous"
    tx = _treatments("A 60-year-old man was treated with intravenous fluids and calcitonin.")
    assert tx["intravenous fluids"]["route"] == "intravenous"
    assert tx["calcitonin"]["route"] is None  # not shared with the agent named beside it


def test_a_drug_avoided_is_no_treatment():
    tx = _treatments(
        "A 3-year-old girl with seizures was started on levetiracetam. Valproate was avoided because "
        "of possible mitochondrial disease."
    )
    assert set(tx) == {"levetiracetam"}


@pytest.mark.parametrize(
    "text, agents",
    [
        # the class names again the drug given before it, in a later sentence or the same one
        ("患者女，32岁。予地塞米松10 mg静脉滴注，共5天。激素治疗后体温恢复正常。", ["dexamethasone"]),
        ("患者男，40岁。予泼尼松60 mg/d口服。出院时激素已减至20 mg/d。", ["prednisone"]),
        ("患者男，50歲。給予萬古黴素1 g q12h靜脈滴注，抗生素治療2週後熱退。", ["vancomycin"]),
        # a class with no drug of its own given stays: antivirals beside an antibiotic
        ("患者女，60岁。予头孢曲松2 g静滴，并予抗病毒治疗。", ["ceftriaxone", "antivirals"]),
    ],
)
def test_a_class_names_the_drug_of_that_class_given(text, agents):
    assert list(_treatments(text)) == agents


def test_a_dose_change_stated_of_the_class_is_the_drugs():
    text = "患者男，40岁。予泼尼松60 mg/d口服。1个月后激素逐渐减量至20 mg/d。"
    prednisone = _treatments(text)["prednisone"]
    assert (prednisone["dose"], prednisone["route"]) == (60, "oral")
    assert [(c["dose"], c["unit"]) for c in prednisone.get("dose_changes", [])] == [(20, "mg")]
    assert len(prednisone["mentions"]) == 2  # the class's span is kept under the drug


def test_english_keeps_a_class_beside_its_drug():
    tx = _treatments("A 40-year-old man was given steroids; prednisone 40 mg daily was started.")
    assert set(tx) == {"corticosteroids", "prednisone"}


@pytest.mark.parametrize(
    "text, agent, expected",
    [
        # Taiwan's units and a frequency in the clause after the dose
        (
            "患者，女，30歲。給予amoxicillin 500毫克，一天三次口服，共7天。",
            "amoxicillin",
            {
                "dose": 500,
                "unit": "mg",
                "route": "oral",
                "frequency": "three times daily",
                "duration": "7 days",
            },
        ),
        (
            "患者，男，45歲。給予靜脈點滴ceftriaxone 2公克，每天一次。",
            "ceftriaxone",
            {"dose": 2, "unit": "g"},
        ),
        # the body the dose is by, written before the amount
        (
            "患者，女，7歲。給予靜脈免疫球蛋白每公斤2公克單次輸注。",
            "intravenous immunoglobulin",
            {"dose": 2, "unit": "g/kg", "route": "intravenous"},
        ),
        # ten thousands of units
        (
            "患者，男，55岁。予青霉素钠480万U静滴，每8小时1次。",
            "benzylpenicillin",
            {"dose": 4800000, "unit": "U"},
        ),
        ("患者，女，66岁。予肝素钠1万U皮下注射 q12h。", "heparin", {"dose": 10000, "route": "subcutaneous"}),
        # morning and evening; a route written as an abbreviation in a clause of its own
        ("患者，女，29岁。予硝苯地平30 mg，早晚各1次。", "nifedipine", {"frequency": "twice daily"}),
        ("患者，女，52岁。予卡托普利12.5 mg，每日2次，po。", "captopril", {"route": "oral"}),
        ("患者，男，70岁。予硝酸甘油0.5 mg舌下含服。", "glyceryl trinitrate", {"route": "sublingual"}),
        ("患者，男，20歲。每日服用isoniazid 300毫克。", "isoniazid", {"route": "oral", "dose": 300}),
        (
            "患者，女，42岁。予丙种球蛋白20 g/d静滴，连用5天。",
            "intravenous immunoglobulin",
            {"duration": "5 days"},
        ),
    ],
)
def test_more_chinese_ways_of_writing_the_administration(text, agent, expected):
    fact = _treatments(text)[agent]
    assert {key: fact[key] for key in expected} == expected


@pytest.mark.parametrize(
    "text, agent, reason",
    [
        ("患者，女，48岁。予秋水仙碱0.5 mg口服，每日2次，因腹泻停用。", "colchicine", "diarrhea"),
        (
            "患者，女，34岁。给予羟氯喹200 mg，2次/d，服药2个月后出现视物模糊，遂停药。",
            "hydroxychloroquine",
            "blurred vision",
        ),
    ],
)
def test_a_stop_and_its_reason_in_a_later_clause(text, agent, reason):
    fact = _treatments(text)[agent]
    assert (fact["change"], fact["stopped_because"]) == ("stopped", reason)


def test_a_stop_of_something_else_later_is_not_the_drugs():
    fact = _treatments("患者，男，50岁。予甲泼尼龙40 mg静滴，病情好转后停用呼吸机。")["methylprednisolone"]
    assert fact.get("change") is None and fact["stopped_because"] is None


@pytest.mark.parametrize(
    "text, agent, expected",
    [
        # the negative powers of Chinese journals
        (
            "患者，男，30岁。予泼尼松1 mg·kg-1·d-1口服。",
            "prednisone",
            {"unit": "mg/kg/d", "frequency": "once daily"},
        ),
        ("患者，女，50岁。予环磷酰胺750 mg·m-2静脉滴注，每月1次。", "cyclophosphamide", {"unit": "mg/m2"}),
        (
            "患者，男，5岁。予IVIG 2 g·kg⁻¹静脉滴注。",
            "intravenous immunoglobulin",
            {"dose": 2, "unit": "g/kg"},
        ),
        # the dose before the drug; Taiwan's tablets
        (
            "患者，女，60歲。醫師開立每日60毫克的prednisolone口服。",
            "prednisolone",
            {"dose": 60, "unit": "mg"},
        ),
        ("患者，女，40歲。給予levothyroxine 每日1錠。", "levothyroxine", {"unit": "tablet", "route": "oral"}),
    ],
)
def test_units_in_the_notation_of_chinese_journals(text, agent, expected):
    fact = _treatments(text)[agent]
    assert {key: fact[key] for key in expected} == expected


def test_an_administration_said_of_all_drugs_of_a_list():
    tx = _treatments("患者，男，40岁。予异烟肼0.3 g、利福平0.45 g、吡嗪酰胺1.5 g，均每日1次口服。")
    assert [(t["dose"], t["route"], t["frequency"]) for t in tx.values()] == [
        (0.3, "oral", "once daily"),
        (0.45, "oral", "once daily"),
        (1.5, "oral", "once daily"),
    ]
    # without 均 the frequency after the last drug is that drug's alone
    tx = _treatments("患者，女，40岁。予泼尼松30 mg、甲氨蝶呤10 mg每周1次。")
    assert (tx["prednisone"]["frequency"], tx["methotrexate"]["frequency"]) == (None, "once weekly")


def test_a_bracketed_administration_with_a_comma_is_the_drugs_before_the_next():
    tx = _treatments("患者，男，60岁。先用头孢唑肟钠（2 g/次，2次/d）加阿奇霉素（0.5 g/次，1次/d）。")
    assert [(a, t["dose"], t["frequency"]) for a, t in tx.items()] == [
        ("ceftizoxime", 2, "twice daily"),
        ("azithromycin", 0.5, "once daily"),
    ]


@pytest.mark.parametrize(
    "name, agent",
    [
        ("头孢米诺钠", "cefminox"),
        ("拉氧头孢", "latamoxef"),
        ("去甲万古霉素", "norvancomycin"),
        ("胞磷胆碱", "citicoline"),
    ],
)
def test_chinese_names_of_agents_common_in_chinese_reports(name, agent):
    assert agent in _treatments(f"患者，男，50岁。予{name}静脉滴注，每日1次。")


def test_rare_disease_agents_are_treatments_with_their_codes():
    # Haem therapy, enzyme replacement and other agents of rare diseases whose names carry no INN
    # stem the drug dictionary is read by.
    record = extract(
        "A 30-year-old woman received intravenous hemin 3 mg/kg daily for 4 days, then agalsidase beta "
        "1 mg/kg every 2 weeks, nitisinone and cholestyramine."
    )
    given = {t["agent"]: t.get("code") for t in record["patients"][0]["treatments"]}
    assert given == {
        "hemin": "B06AB01",
        "agalsidase beta": "A16AB04",
        "nitisinone": "A16AX04",
        "colestyramine": "C10AC01",
    }


def test_parenteral_nutrition_is_given_and_an_amino_acid_screen_is_not():
    tx = _treatments("患者，男，60岁。予静脉输注脂肪乳注射液250 ml、复方氨基酸注射液500 ml营养支持。")
    assert [(a, t["dose"], t["unit"]) for a, t in tx.items()] == [
        ("fat emulsion", 250, "mL"),
        ("amino acid injection", 500, "mL"),
    ]
    assert _treatments("患儿，男，1岁。入院后予补液。行血氨基酸分析及尿有机酸检测。").keys() == {
        "intravenous fluids"
    }
    # in English the words are mostly a measurement
    assert _treatments("A 2-year-old boy. Plasma amino acids showed raised concentrations.") == {}


@pytest.mark.parametrize(
    "text, agent, expected",
    [
        ("患者，女，30岁。予泼尼松30 mg，1天1次。", "prednisone", {"frequency": "once daily"}),
        ("患者，男，40岁。予硝普钠泵入控制血压。", "sodium nitroprusside", {"route": "intravenous"}),
        ("患者，女，50岁。予人免疫球蛋白20 g输注。", "intravenous immunoglobulin", {"route": "intravenous"}),
        # the form implies the route: an ointment the skin, eye drops the eye, a suppository the rectum
        (
            "患者，男，30岁。予他克莫司软膏外涂，每日2次。",
            "tacrolimus",
            {"route": "topical", "frequency": "twice daily"},
        ),
        ("患者，女，22岁。予左氧氟沙星滴眼液滴眼，每日4次。", "levofloxacin", {"route": "ophthalmic"}),
        ("患者，男，65岁。予双氯芬酸钠栓50 mg纳肛。", "diclofenac", {"route": "rectal", "dose": 50}),
    ],
)
def test_routes_a_chinese_report_writes_by_the_way_or_the_form(text, agent, expected):
    fact = _treatments(text)[agent]
    assert {key: fact[key] for key in expected} == expected


@pytest.mark.parametrize(
    "text, agent, expected",
    [
        # the dose in a clause of its own that names it a dose
        (
            "患者，女，30岁。予泼尼松治疗，剂量为60 mg/d，口服。",
            "prednisone",
            {"dose": 60, "unit": "mg", "route": "oral", "frequency": "once daily"},
        ),
        (
            "患者，男，40岁。予甲氨蝶呤治疗，起始剂量7.5 mg，每周1次。",
            "methotrexate",
            {"dose": 7.5, "frequency": "once weekly"},
        ),
    ],
)
def test_a_dose_stated_in_a_clause_after_the_treatment_word(text, agent, expected):
    fact = _treatments(text)[agent]
    assert {key: fact[key] for key in expected} == expected


@pytest.mark.parametrize(
    "text, agent",
    [
        ("患者，男，30岁。予甲硝唑0.5 g 静点 tid。", "metronidazole"),
        ("患者，女，20歲。住院後打點滴給予cefazolin 1 g q8h。", "cefazolin"),
    ],
)
def test_a_drip_is_intravenous(text, agent):
    assert _treatments(text)[agent]["route"] == "intravenous"


def test_a_stop_reason_named_as_a_disease_or_cut_at_its_clause():
    record = extract(
        "A 58-year-old woman took methotrexate 15 mg weekly. Methotrexate-induced pneumonitis was "
        "suspected and methotrexate was discontinued."
    )
    (mtx,) = [t for t in record["patients"][0]["treatments"] if t["agent"] == "methotrexate"]
    assert mtx["stopped_because"] == "pneumonitis"


def test_therapeutic_radiopharmaceuticals_are_treatments_tracers_are_not():
    given = extract("A 30-year-old woman with Graves disease was treated with radioactive iodine.")
    assert [t["agent"] for t in given["patients"][0]["treatments"]] == ["radioactive iodine"]
    zh = extract("患者女，30岁，甲亢，改为131I治疗。")
    assert [t["code"] for t in zh["patients"][0]["treatments"]] == ["V10XA01"]


def test_the_vehicle_of_a_premixed_infusion_is_part_of_its_name():
    tx = _treatments("患者，男，50岁。予盐酸莫西沙星氯化钠注射液0.4 g静滴，每日1次。")
    assert [(a, t["dose"], t["route"]) for a, t in tx.items()] == [("moxifloxacin", 0.4, "intravenous")]
    # saline the drug is given in is named on its own, and stays
    tx = _treatments("患者，男，50岁。予甲泼尼龙40 mg加入氯化钠注射液100 ml静滴。")
    assert list(tx) == ["methylprednisolone", "sodium chloride"]


@pytest.mark.parametrize(
    "text, agent",
    [
        ("患者，男，20歲。每日服用isoniazid 300毫克。", "isoniazid"),
        ("患者，女，60歲。醫師開立每日60毫克的prednisolone口服。", "prednisolone"),
    ],
)
def test_a_frequency_written_just_before_the_drug(text, agent):
    assert _treatments(text)[agent]["frequency"] == "once daily"


@pytest.mark.parametrize(
    "text, agent, dose",
    [
        ("患者，男，50歲。給予aspirin每天一顆口服。", "acetylsalicylic acid", 1),
        ("患者，女，40岁。予甲巯咪唑片每次半片，每日3次。", "thiamazole", 0.5),
        ("患者，女，40岁。予硝苯地平，一天两次，每次一片。", "nifedipine", 1),
    ],
)
def test_a_count_of_tablets_written_as_a_word(text, agent, dose):
    fact = _treatments(text)[agent]
    assert (fact["dose"], fact["unit"]) == (dose, "tablet")


def test_a_patch_of_rash_is_no_count_of_tablets():
    fact = _treatments("患者，女，30岁。予卤米松乳膏外用，局部一片红斑消退。")["halometasone"]
    assert fact["dose"] is None


def test_a_drugs_bracketed_abbreviation_is_a_mention_of_it():
    # The name stays as written and the abbreviation the report defines in brackets right after it
    # names the same drug: one fact per agent that keeps both spans, the dose read after either.
    text = (
        "A 52-year-old man was given tacrolimus (TAC) and azathioprine (AZA) 100 mg daily after his "
        "transplant. TAC was later stopped because of tremor."
    )
    tx = _treatments(text)
    aza = tx["azathioprine"]
    assert [m["text"] for m in aza["mentions"]] == ["azathioprine", "AZA"]
    assert (aza["dose"], aza["unit"]) == (100, "mg")
    assert [m["text"] for m in tx["tacrolimus"]["mentions"]] == ["tacrolimus", "TAC", "TAC"]


def test_folinic_acid_and_metyrapone_are_known_agents():
    tx = _treatments(
        "A 61-year-old woman with rectal cancer received fluorouracil, leucovorin and oxaliplatin every "
        "2 weeks. Her hypercortisolism was treated with metyrapone 250 mg three times daily."
    )
    assert "calcium folinate" in tx
    assert (tx["metyrapone"]["dose"], tx["metyrapone"]["frequency"]) == (250, "three times daily")


def test_blood_components_after_an_infusion_or_a_hyphenated_plasma():
    tx = _treatments(
        "A 39-year-old woman with bleeding required transfusion of fresh-frozen plasma and platelets. "
        "Later she was given an infusion of cryoprecipitate and platelet."
    )
    assert {"fresh frozen plasma", "platelet transfusion", "cryoprecipitate"} <= set(tx)
    assert len(tx["platelet transfusion"]["mentions"]) == 2


def test_a_lavage_fluid_a_drug_level_and_immunoglobulin_genes_are_not_treatments():
    tx = _treatments(
        "A 62-year-old man on tacrolimus 2 mg twice daily underwent bronchoalveolar lavage of the "
        "right lower lobe with 120 mL saline. The tacrolimus trough concentration was 7.5 ng/mL. "
        "Clonal rearrangement of the immunoglobulin heavy chain gene was found."
    )
    assert set(tx) == {"tacrolimus"}
    assert (tx["tacrolimus"]["dose"], tx["tacrolimus"]["unit"]) == (2, "mg")
    assert [m["text"] for m in tx["tacrolimus"].get("mentions", [])] in ([], ["tacrolimus"])
    # fluids given to the patient stay
    assert "intravenous fluids" in _treatments("A 30-year-old woman was given 2 L of normal saline.")


def test_a_dose_after_of_and_a_decimal_comma():
    # "of" before a dose is no lab value ("glucose of 472 mg/dL" is); "0,6 ml" is 0.6 ml, not 6
    tx = _treatments(
        "A 71-year-old woman with a glucose of 320 mg/dL was given insulin. Anticoagulation with "
        "fraxiparine of 0,4 ml/day was started, and later enoxaparin of 40 mg/day."
    )
    assert (tx["nadroparin"]["dose"], tx["nadroparin"]["unit"]) == (0.4, "mL")
    assert (tx["enoxaparin"]["dose"], tx["enoxaparin"]["unit"]) == (40, "mg")
    assert "glucose" not in tx


def test_no_dose_from_a_concentration_measured_after_the_drug():
    # per litre or millilitre is a level measured, not a dose given
    tx = _treatments(
        "A 50-year-old man with hypokalaemia was given potassium chloride until the serum potassium "
        "was 4.3 mmol/L. Tacrolimus was continued; its level was 8.1 ng/mL. He later received "
        "potassium chloride 20 mmol/h."
    )
    assert (tx["potassium chloride"]["dose"], tx["potassium chloride"]["unit"]) == (20, "mmol")
    assert (tx["tacrolimus"]["dose"], tx["tacrolimus"]["unit"]) == (None, None)


def test_drug_abbreviations_reports_leave_undefined():
    tx = _treatments(
        "A 33-year-old man with tuberculosis received INH 300 mg/d and RMP 450 mg/d. Mucormycosis was "
        "treated with liposomal AmB 5 mg/kg daily. Pain in the right iliac fossa (RIF) was noted."
    )
    assert (tx["rifampicin"]["dose"], tx["rifampicin"]["unit"]) == (450, "mg")
    assert (tx["amphotericin b"]["dose"], tx["amphotericin b"]["unit"]) == (5, "mg/kg")
    assert set(tx) == {"isoniazid", "rifampicin", "amphotericin b"}


@pytest.mark.parametrize(
    ("text", "agents"),
    [
        (
            "A 60-year-old man with DLBCL received six cycles of R-CHOP.",
            {"rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"},
        ),
        ("患者男，60岁，予XELOX方案化疗。", {"capecitabine", "oxaliplatin"}),
        (
            "A 30-year-old man with tuberculosis was started on HRZE.",
            {"isoniazid", "rifampicin", "pyrazinamide", "ethambutol"},
        ),
    ],
)
def test_a_regimen_named_by_its_acronym_gives_its_drugs(text, agents):
    assert {t["agent"] for t in extract(text)["patients"][0]["treatments"]} >= agents


def test_a_word_that_only_starts_like_a_regimen_is_none():
    assert not extract("A 60-year-old man. The CHOPS score was 3.")["patients"][0]["treatments"]


@pytest.mark.parametrize(
    ("text", "agents"),
    [
        (
            "A 45-year-old woman received four cycles of AC, then weekly paclitaxel.",
            {"doxorubicin", "cyclophosphamide"},
        ),
        ("A 62-year-old man was given EP chemotherapy.", {"etoposide", "cisplatin"}),
        ("A 58-year-old man. The VMP regimen was started.", {"bortezomib", "melphalan", "prednisone"}),
        ("患者男，55岁，予EP方案化疗4个周期。", {"etoposide", "cisplatin"}),
        (
            "患者女，48岁，行EC化疗，後改為TP方案。",
            {"epirubicin", "cyclophosphamide", "paclitaxel", "cisplatin"},
        ),
    ],
)
def test_a_short_regimen_acronym_beside_a_regimen_word_gives_its_drugs(text, agents):
    assert {t["agent"] for t in extract(text)["patients"][0]["treatments"]} >= agents


@pytest.mark.parametrize(
    "text",
    [
        "A 50-year-old man. His AC joint was tender; a VAD was implanted later.",
        "A 70-year-old man with PAD. GC levels and the EP study were normal.",
        "患者男，60岁。TP 65 g/L，GP检查阴性。",
    ],
)
def test_a_short_acronym_with_no_regimen_word_names_no_drug(text):
    agents = {t["agent"] for t in extract(text)["patients"][0]["treatments"]}
    assert not agents & {
        "doxorubicin",
        "cyclophosphamide",
        "etoposide",
        "cisplatin",
        "gemcitabine",
        "bortezomib",
    }


def test_a_drug_named_in_an_organism_or_an_illness_is_not_given():
    # "methicillin-resistant", "steroid-refractory", "steroid-sparing": the drug is what the
    # organism resists, the illness withstood or the one spared
    tx = _treatments(
        "A 40-year-old man had a wound culture that grew methicillin-resistant Staphylococcus aureus, "
        "and vancomycin was started. His steroid-refractory colitis was treated with infliximab. "
        "Azathioprine was added as a steroid-sparing agent."
    )
    assert set(tx) == {"vancomycin", "infliximab", "azathioprine"}


def test_a_pair_of_tests_named_before_one_level_word_is_measured():
    tx = _treatments("A 70-year-old woman with anaemia. Vitamin B12 and folate levels were normal.")
    assert tx == {}


@pytest.mark.parametrize(
    ("text", "agent", "route"),
    [
        ("A 50-year-old man applied clobetasol propionate 0.05% cream twice daily.", "clobetasol", "topical"),
        ("A 66-year-old woman used timolol 0.5% eye drops twice daily.", "timolol", "ophthalmic"),
        ("A 6-year-old boy was given diazepam 5 mg rectally.", "diazepam", "rectal"),
        ("A 30-year-old man received intrathecal methotrexate 12 mg.", "methotrexate", "intrathecal"),
        ("A 70-year-old man took nitroglycerin 0.4 mg sublingually.", "glyceryl trinitrate", "sublingual"),
    ],
)
def test_a_strength_in_per_cent_and_the_form_it_is_given_in(text, agent, route):
    patient = extract(text)["patients"][0]
    assert not patient["measurements"]  # "0.05%" is the cream's strength, no level measured
    (fact,) = [t for t in patient["treatments"] if t["agent"] == agent]
    assert fact["route"] == route


def test_a_stop_said_late_in_the_drugs_sentence_part_keeps_its_reason():
    tx = _treatments(
        "A 48-year-old woman with bullous pemphigoid. Methotrexate 10 mg weekly was introduced as a "
        "second-line agent in May but was discontinued after 2 months because of elevated liver enzymes."
    )
    assert tx["methotrexate"]["stopped_because"] == "elevated circulating hepatic transaminase concentration"


def test_an_insulin_is_named_by_its_own_inn():
    tx = _treatments("A 16-year-old girl with type 1 diabetes received insulin glargine 20 units at bedtime.")
    assert set(tx) == {"insulin glargine"}


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("A 67-year-old woman received red cell transfusions.", "red blood cell transfusion"),
        ("A 70-year-old man needed blood transfusions.", "red blood cell transfusion"),
        ("A 5-year-old girl with leukaemia needed platelet transfusions.", "platelet transfusion"),
    ],
)
def test_transfusions_named_in_the_plural(text, agent):
    assert set(_treatments(text)) == {agent}


@pytest.mark.parametrize(
    "text",
    [
        "A 72-year-old man with atrial fibrillation, not on anticoagulation, had a stroke.",
        "A 60-year-old woman was not taking aspirin.",
    ],
)
def test_a_drug_the_patient_was_not_on_is_no_treatment(text):
    assert _treatments(text) == {}


def test_a_route_after_followed_by_is_the_next_drugs():
    tx = _treatments(
        "A 56-year-old man received pulse methylprednisolone 1 g daily for 3 days, followed by oral "
        "prednisone 1 mg/kg/day."
    )
    assert (tx["methylprednisolone"]["route"], tx["prednisone"]["route"]) == (None, "oral")


def test_ammonia_scavengers_and_antidotes_are_agents():
    tx = _treatments(
        "A male neonate with hyperammonaemia was treated with intravenous sodium benzoate and sodium "
        "phenylacetate, and arginine hydrochloride. Pralidoxime 30 mg/kg was given."
    )
    assert set(tx) == {"sodium benzoate", "sodium phenylacetate", "arginine", "pralidoxime"}


@pytest.mark.parametrize(
    ("text", "agent", "route"),
    [
        ("A 50-year-old man received morphine 10 mg per os.", "morphine", "oral"),
        ("A 9-year-old boy received intranasal desmopressin.", "desmopressin", "nasal"),
        (
            "A 60-year-old woman had an intra-articular injection of triamcinolone.",
            "triamcinolone",
            "intra-articular",
        ),
        ("A 40-year-old man received a subcutaneous injection of adalimumab.", "adalimumab", "subcutaneous"),
        ("A 70-year-old man received an intravenous bolus of furosemide.", "furosemide", "intravenous"),
        # "stage IV" is a Roman four, no route
        ("A 54-year-old woman with stage IV disease received cisplatin.", "cisplatin", None),
    ],
)
def test_routes_before_the_words_of_giving_and_more_english_routes(text, agent, route):
    assert _treatments(text)[agent]["route"] == route


@pytest.mark.parametrize(
    ("text", "agent", "code"),
    [
        ("患儿，女，6岁。给予伊米苷酶60 U/kg静脉滴注，每2周1次。", "imiglucerase", "A16AB02"),
        ("患儿，男，8月。予阿糖苷酶α 20 mg/kg治疗。", "alglucosidase alfa", "A16AB07"),
        ("患者，男，50歲。予氯苯唑酸治療。", "tafamidis", "N07XX08"),
        ("A 4-year-old girl with PKU started sapropterin 20 mg/kg daily.", "sapropterin", "A16AX07"),
    ],
)
def test_rare_disease_drugs_by_their_chinese_and_english_names(text, agent, code):
    assert {(t["agent"], t["code"]) for t in extract(text)["patients"][0]["treatments"]} >= {(agent, code)}


def test_a_stop_reason_with_a_decimal_value_is_read_whole():
    tx = _treatments(
        "A 67-year-old man received gentamicin. Gentamicin was stopped because of a rise in creatinine "
        "to 1.9 mg/dL."
    )
    assert tx["gentamicin"]["stopped_because"] == "a rise in creatinine to 1.9 mg/dL"


@pytest.mark.parametrize(
    ("text", "routes"),
    [
        # a route written once before coordinated drugs is each one's …
        ("A 45-year-old man had failed topical calcipotriol and betamethasone.", ("topical", "topical")),
        ("A 60-year-old man received intravenous vancomycin and meropenem.", ("intravenous", "intravenous")),
        # … unless the next drug has its own, or is not joined to the first
        (
            "A 60-year-old man received oral prednisone and intravenous cyclophosphamide.",
            ("oral", "intravenous"),
        ),
        (
            "A 60-year-old man received intravenous methylprednisolone, then prednisone.",
            ("intravenous", None),
        ),
    ],
)
def test_a_route_before_coordinated_drugs(text, routes):
    facts = extract(text)["patients"][0]["treatments"]
    assert tuple(t["route"] for t in facts) == routes


@pytest.mark.parametrize(
    "text",
    [
        "A 40-year-old woman with Graves disease. Radioactive iodine was discussed but declined.",
        "A 60-year-old man. Methotrexate was offered but declined by the patient.",
    ],
)
def test_a_treatment_discussed_or_offered_but_declined_was_not_given(text):
    assert extract(text)["patients"][0]["treatments"] == []


@pytest.mark.parametrize(
    ("text", "stopped", "reason"),
    [
        (
            "A 35-year-old woman. She developed a pruritic rash, and methimazole was switched to "
            "propylthiouracil.",
            "thiamazole",
            "skin rash",
        ),
        ("A 50-year-old man. Methotrexate was replaced by leflunomide.", "methotrexate", None),
        ("患者，女，35岁。甲巯咪唑改为丙硫氧嘧啶。", "thiamazole", None),
    ],
)
def test_a_drug_switched_for_another_is_stopped(text, stopped, reason):
    tx = _treatments(text)
    assert tx[stopped].get("change") == "stopped"
    assert tx[stopped]["stopped_because"] == reason
    assert len(tx) == 2 and all(t.get("change") is None for agent, t in tx.items() if agent != stopped)
