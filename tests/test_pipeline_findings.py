"""Features and diagnoses end to end on short reports of our own: one fact per finding per patient,
assertions, diagnosis status, and what is no feature (issue 11)."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract
from ingest.pipeline.merging import merge_facts, per_mention


def _patient(text: str) -> dict:
    record = extract(text)
    assert record["patients"], record
    return record["patients"][0]


def _feature(patient: dict, code: str) -> dict:
    (feature,) = [f for f in patient["features"] if f["code"] == code]
    return feature


def _codes(patient: dict) -> set[str]:
    return {f["code"] for f in patient["features"]}


def test_one_fact_per_finding_keeps_every_mention():
    text = (
        "A 61-year-old woman had a skin ulcer on the left shin. The ulcer was debrided. "
        "A second skin ulcer appeared on the right heel. Both skin ulcers healed slowly."
    )
    patient = _patient(text)
    ulcer = _feature(patient, "HP:0200042")
    assert ulcer["evidence"]["text"] == "skin ulcer"
    assert ulcer["evidence"]["start"] == text.index("skin ulcer")
    spans = [(m["start"], m["end"]) for m in ulcer["mentions"]]
    assert len(spans) >= 3 and spans == sorted(set(spans))
    for m in ulcer["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]


def test_a_finding_stated_absent_then_present_is_present():
    text = "A 30-year-old man had no fever on admission. On day 3 he developed a fever of 39 °C."
    fever = _feature(_patient(text), "HP:0001945")
    assert (fever["excluded"], fever["assertion"]) == (False, "present")
    assert fever["evidence"]["start"] == text.index("fever of")  # the first clear mention
    # the temperature the fever was measured at implies it too: a mention of its own
    assert [(m["text"], m["assertion"]) for m in fever["mentions"]] == [
        ("fever", "negated"),
        ("fever", "present"),
        ("39 °C", "present"),
    ]


def test_a_finding_only_stated_absent_is_excluded():
    text = "A 30-year-old man denied chest pain, palpitations or syncope."
    patient = _patient(text)
    for code in ("HP:0100749", "HP:0001962", "HP:0001279"):
        feature = _feature(patient, code)
        assert (feature["excluded"], feature["assertion"], feature["onset"]) == (True, "negated", None)


def test_the_general_term_goes_when_a_specific_one_names_the_same_finding():
    text = "A 55-year-old man presented with chest pain. The pain radiated to the left arm."
    patient = _patient(text)
    assert "HP:0012531" not in _codes(patient)  # Pain
    chest_pain = _feature(patient, "HP:0100749")
    assert [m["text"] for m in chest_pain["mentions"]] == ["chest pain", "pain"]


def test_words_without_a_code_are_no_features():
    text = "A 50-year-old woman had a lesion in the liver with necrosis and wall thickening. A cyst was seen."
    patient = _patient(text)
    assert all(f["code"] for f in patient["features"])
    uncoded = {u["label"] for u in patient["uncoded_findings"]}
    assert {"lesion", "necrosis", "thickening", "cyst"} <= uncoded


def test_common_negated_examination_words_are_coded_or_kept_uncoded():
    # bedside words for coded findings: an adjective ("cyanosed"), the usual short names of a sign
    text = (
        "A 60-year-old man was pale but not cyanosed. The abdomen showed no guarding. "
        "There was no gallop and no meningismus."
    )
    patient = _patient(text)
    for code in ("HP:0000961", "HP:0032546", "HP:0033113", "HP:0031179"):
        assert _feature(patient, code)["excluded"] is True, code
    # general words without a code are kept apart, stated absent, and never become features
    text = (
        "A 55-year-old woman had a biopsy. There was no recurrence, no infarct and no pulmonary "
        "congestion, and no adverse events occurred."
    )
    patient = _patient(text)
    uncoded = {u["label"]: u for u in patient["uncoded_findings"]}
    for label in ("recurrence", "infarct", "pulmonary congestion", "adverse event"):
        assert uncoded[label]["excluded"] is True, label
    assert all(f["code"] for f in patient["features"])
    text = (
        "A 48-year-old man denied B symptoms and respiratory symptoms. The mucosa showed no erosion; "
        "the ECG showed no ischemic changes, and there was no haemodynamic compromise or skin changes."
    )
    patient = _patient(text)
    assert _feature(patient, "HP:0025142")["excluded"] is True  # Constitutional symptom
    uncoded = {u["label"]: u for u in patient["uncoded_findings"]}
    for label in (
        "respiratory symptoms",
        "erosion",
        "ischaemic changes",
        "haemodynamic instability",
        "skin changes",
    ):
        assert uncoded[label]["excluded"] is True, label


def test_generic_terms_need_more_than_a_loose_word():
    text = "A 45-year-old woman had pain, swelling, a mass and some bleeding. She reported an allergy."
    patient = _patient(text)
    generic = {"HP:0012531", "HP:0000969", "HP:0002664", "HP:0001892", "HP:0012393"}
    assert not _codes(patient) & generic
    assert {u["code"] for u in patient["uncoded_findings"]} >= {"HP:0012531", "HP:0002664"}
    # a specific phrase, or a clear statement of absence, is coded
    assert "HP:0010741" in _codes(_patient("A 70-year-old man had pedal edema."))  # Pedal edema
    assert _feature(_patient("A 70-year-old man had no bleeding."), "HP:0001892")["excluded"] is True


def test_a_procedure_is_no_feature():
    patient = _patient("A 32-year-old woman with proteinuria was delivered by Caesarian section at 38 weeks.")
    assert "HP:0011410" not in _codes(patient)
    assert _codes(patient) == {"HP:0000093"}  # Proteinuria


def test_onset_only_where_the_text_gives_one():
    text = "患者女，40岁。2015年出现关节痛。此后逐渐出现口干。2019年3月入院，查体见皮疹。"
    patient = _patient(text)
    assert _feature(patient, "HP:0002829")["onset"] == "2015"  # arthralgia, dated in its sentence
    assert _feature(patient, "HP:0000217")["onset"] is None  # dry mouth: no year given for it
    assert _feature(patient, "HP:0000988")["onset"] == "2019"


def test_infix_negation_names_the_specific_finding():
    patient = _patient("患者男，58岁。查体：颈静脉无怒张，双下肢无水肿，肝脾未触及肿大。")
    for code in ("HP:0030848", "HP:0010741", "HP:0001433"):
        assert _feature(patient, code)["excluded"] is True
    assert "HP:0000969" not in _codes(patient)  # not also a bare "oedema"


def test_diagnosis_status_in_both_languages():
    def statuses(text: str) -> dict[str, str]:
        return {d["code"]: d["status"] for d in _patient(text)["diagnoses"]}

    assert statuses("患儿男，3岁。入院后诊断为不完全川崎病。")["ORPHA:2331"] == "final"
    assert statuses("患儿男，3岁。初步考虑川崎病。")["ORPHA:2331"] == "differential"
    assert statuses("患儿男，3岁。川崎病？")["ORPHA:2331"] == "differential"
    listed = statuses(
        "A 40-year-old man. Differential diagnosis: Kawasaki disease, Behçet disease and sarcoidosis."
    )
    assert set(listed.values()) == {"differential"} and "ORPHA:2331" in listed
    told_apart = statuses("患者男，30岁。最终诊断为系统性红斑狼疮。需与成人Still病、川崎病相鉴别。")
    assert told_apart["ORPHA:2331"] == "differential" and told_apart["ORPHA:536"] == "final"
    assert statuses("患者男，50岁。临床表现符合急性胰腺炎。")["HP:0001735"] == "final"
    assert statuses("患者男，50岁。急性胰腺炎诊断成立。")["HP:0001735"] == "final"
    assert statuses("患者男，50岁。急性胰腺炎可能性大。")["HP:0001735"] == "differential"
    assert statuses("患儿男，3岁。超声心动图未见异常，排除川崎病。")["ORPHA:2331"] == "excluded"
    assert statuses("A 4-year-old boy was diagnosed with Kawasaki disease.")["ORPHA:2331"] == "final"
    assert (
        statuses("A 4-year-old boy. Findings were consistent with Kawasaki disease.")["ORPHA:2331"] == "final"
    )
    assert statuses("A 4-year-old boy. Kawasaki disease was suspected.")["ORPHA:2331"] == "differential"
    assert statuses("A 4-year-old boy. Kawasaki disease was ruled out.")["ORPHA:2331"] == "excluded"
    assert statuses("A 40-year-old man with a history of Kawasaki disease.")["ORPHA:2331"] == "history"


def test_a_diagnosis_named_several_times_is_one_fact_and_never_also_excluded():
    text = (
        "A 4-year-old boy. Kawasaki disease was suspected. Measles was ruled out. "
        "He was diagnosed with Kawasaki disease and treated for Kawasaki disease; Kawasaki disease resolved."
    )
    patient = _patient(text)
    kawasaki = [d for d in patient["diagnoses"] if d["code"] == "ORPHA:2331"]
    assert len(kawasaki) == 1
    assert kawasaki[0]["status"] == "final" and "excluded" not in kawasaki[0]
    assert len(kawasaki[0]["mentions"]) == 4


def test_a_final_diagnosis_is_never_an_excluded_feature():
    text = (
        "A 2-year-old girl. Atrial septal defect and ventricular septal defect were ruled out, "
        "and the diagnosis of cor triatriatum was confirmed."
    )
    patient = _patient(text)
    assert _feature(patient, "HP:0001631")["excluded"] is True  # atrial septal defect
    cor = _feature(patient, "HP:0010774")
    assert cor["excluded"] is False
    assert any(d["code"] == "HP:0010774" and d["status"] == "final" for d in patient["diagnoses"])


def test_merge_helper_for_other_fact_kinds():
    facts = [
        {"agent": "prednisone", "dose": 60, "evidence": {"start": 40, "end": 50, "text": "prednisone"}},
        {"agent": "prednisone", "dose": None, "evidence": {"start": 5, "end": 15, "text": "Prednisone"}},
        {"agent": "aspirin", "dose": 100, "evidence": {"start": 20, "end": 27, "text": "aspirin"}},
    ]
    merged = merge_facts(facts, key=lambda t: t["agent"], rank=lambda t: t["dose"] is None)
    assert [t["agent"] for t in merged] == ["prednisone", "aspirin"]
    assert merged[0]["dose"] == 60  # the clearest mention, though not the first
    assert [m["start"] for m in merged[0]["mentions"]] == [5, 40]


def test_per_mention_view_gives_each_mention_its_own_assertion():
    record = extract(
        "A 30-year-old man had no fever on admission. On day 3 he developed a fever. A lesion was seen."
    )
    view = per_mention(record)["patients"][0]["features"]
    fevers = [(f["evidence"]["text"], f["excluded"]) for f in view if f["code"] == "HP:0001945"]
    assert fevers == [("fever", True), ("fever", False)]
    assert any(f["label"] == "lesion" for f in view)


def test_an_organ_stated_not_enlarged_excludes_its_enlargement():
    patient = _patient("患者女，62岁。查体：肝、脾肋下未触及，甲状腺不大，浅表淋巴结未触及。")
    for code in ("HP:0002240", "HP:0001744", "HP:0000853", "HP:0002716"):
        assert _feature(patient, code)["excluded"] is True
    patient = _patient("A 62-year-old woman. The liver and spleen were not palpable.")
    assert _feature(patient, "HP:0002240")["excluded"] is True
    assert _feature(patient, "HP:0001744")["excluded"] is True


def test_a_finding_a_result_implies_carries_an_assertion_too():
    patient = _patient("A 30-year-old woman. ANA was negative. ESR was 80 mm/h.")
    ana = _feature(patient, "HP:0003493")  # Antinuclear antibody positivity
    assert (ana["excluded"], ana["assertion"]) == (True, "negated")
    esr = _feature(patient, "HP:0003565")  # Elevated erythrocyte sedimentation rate
    assert (esr["excluded"], esr["assertion"]) == (False, "present")


def test_a_result_implying_the_general_term_joins_the_named_specific_one():
    patient = _patient("A 3-year-old boy had metabolic acidosis; arterial pH was 7.21.")
    assert "HP:0001941" not in _codes(patient)  # Acidosis: the pH speaks of the metabolic acidosis
    assert [m["text"] for m in _feature(patient, "HP:0001942")["mentions"]] == ["metabolic acidosis", "7.21"]
    # two results, two findings: a lymphocyte count does not stand for the white cell count
    patient = _patient("A 70-year-old man. WBC was 50 x10^9/L and lymphocytes 45 x10^9/L.")
    assert {"HP:0001974", "HP:0100827"} <= _codes(patient)


def test_items_of_a_diagnosis_list_are_diagnoses():
    for text in (
        "患者男，63岁。\n评估及诊断：\n1. 肾衰竭（肾功能严重受损）。\n2. 高血压，自行用药。",
        "A 63-year-old man.\nFinal diagnosis:\n1. Renal insufficiency.\n2. Hypertension.",
    ):
        dx = {d["code"]: d["status"] for d in _patient(text)["diagnoses"]}
        assert dx.get("HP:0000083") == "final", text  # Renal insufficiency
    # a numbered sentence elsewhere is no diagnosis
    dx = _patient("A 63-year-old man. He had fever.\n1. Renal insufficiency was noted.")["diagnoses"]
    assert not dx


def test_a_dated_history_names_the_current_disease_not_a_past_one():
    text = (
        "A 52-year-old man with a 10-year history of limited cutaneous systemic sclerosis presented "
        "with nodules. He has a history of asthma."
    )
    status = {d["label"].lower(): d["status"] for d in extract(text)["patients"][0]["diagnoses"]}
    assert status["limited cutaneous systemic sclerosis"] == "final"
    assert status["asthma"] == "history"


def test_clinical_english_the_hpo_labels_lack():
    # Wording of examination, imaging and ECG findings as case reports write it.
    text = (
        "A 58-year-old man had polyarthralgias and visual disturbances for a month. On examination "
        "there were weak breath sounds at the right base and dystonic posturing of the left hand. "
        "The ECG showed frequent premature ventricular complexes and negative T waves in V1-V3. "
        "CT showed pulmonary consolidation, lytic bone lesions and bone destruction of the pelvis; "
        "a skin biopsy of the hyperpigmentation was done. He also had bilateral coxarthrosis."
    )
    codes = _codes(_patient(text))
    assert {
        "HP:0002829",  # Arthralgia
        "HP:0000505",  # Visual impairment
        "HP:4000214",  # Diminished breath sounds
        "HP:0001332",  # Dystonia
        "HP:0006682",  # Premature ventricular contraction
        "HP:0010872",  # T-wave inversion
        "HP:0032177",  # Parenchymal consolidation
        "HP:0002797",  # Osteolysis
        "HP:0000953",  # Hyperpigmentation of the skin
        "HP:0008843",  # Hip osteoarthritis
    } <= codes


def test_consolidation_of_a_treatment_is_no_finding():
    text = "A 40-year-old woman with leukaemia in remission received consolidation chemotherapy."
    assert "HP:0032177" not in _codes(_patient(text))


def test_the_adjective_a_clinician_writes_for_the_patient_names_the_finding():
    text = (
        "A 72-year-old quadriplegic man was admitted. He was oliguric, acidotic, hyponatraemic "
        "and neutropenic, and his speech was dysarthric. He was not agitated."
    )
    patient = _patient(text)
    assert {"HP:0002445", "HP:0100520", "HP:0001941", "HP:0002902", "HP:0001875", "HP:0001260"} <= {
        f["code"] for f in patient["features"] if not f["excluded"]
    }
    assert _feature(patient, "HP:0000713")["excluded"]  # Agitation, stated absent


def test_adjectives_that_also_name_a_drug_or_a_solution_stay_unread():
    text = "A 50-year-old man on oral hypoglycemic agents received hypotonic saline."
    assert not _patient(text)["features"]


def test_a_finding_of_a_named_part_is_the_finding_the_part_names():
    text = (
        "A 64-year-old woman had pain in the joints and weakness of both legs. Echocardiography "
        "showed hypertrophy of the left ventricle and stenosis of the aortic valve. Fundoscopy "
        "showed atrophy of the optic nerve. There was no enlargement of the liver."
    )
    patient = _patient(text)
    present = {f["code"]: f["evidence"]["text"] for f in patient["features"] if not f["excluded"]}
    assert present["HP:0002829"] == "pain in the joints"  # Arthralgia
    assert present["HP:0001712"] == "hypertrophy of the left ventricle"
    assert present["HP:0001650"] == "stenosis of the aortic valve"
    assert present["HP:0000648"] == "atrophy of the optic nerve"
    assert _feature(patient, "HP:0002240")["excluded"]  # Hepatomegaly, stated absent
    # the bare nouns inside the phrases are no findings of their own
    assert not {"HP:0012531", "HP:0001324"} & set(present)


def test_a_finding_of_a_part_the_vocabulary_does_not_name_stays_as_it_was():
    text = "A 30-year-old man had swelling of the right ring finger after an insect bite."
    patient = _patient(text)
    assert "ring finger swelling" not in {f["evidence"]["text"] for f in patient["features"]}


def test_disease_abbreviations_written_without_their_definition():
    text = (
        "A 66-year-old man with stage IV NSCLC and OSA developed PRES. He also had GERD and "
        "was lymphopenic, with worsening renal function."
    )
    patient = _patient(text)
    assert {"MONDO:0005233", "MONDO:0007147", "MONDO:0044033", "MONDO:0007186"} <= {
        d["code"] for d in patient["diagnoses"]
    }
    assert {"HP:0001888", "HP:0000083"} <= _codes(patient)  # Lymphopenia, Renal insufficiency


def test_the_side_of_a_named_part_stays_in_the_evidence_but_not_in_the_name():
    patient = _patient("A 50-year-old man had swelling of the right ankle and pain of the left hip.")
    assert {(f["code"], f["evidence"]["text"]) for f in patient["features"]} == {
        ("HP:0001785", "swelling of the right ankle"),  # Ankle swelling
        ("HP:0030838", "pain of the left hip"),  # Hip pain
    }


def test_a_lump_mass_or_nodule_in_a_named_organ():
    text = (
        "A 45-year-old woman presented with a lump in her right breast and a nodule in the thyroid. "
        "Ultrasound showed a small amount of intraperitoneal fluid."
    )
    present = {f["code"]: f["evidence"]["text"] for f in _patient(text)["features"]}
    assert present["HP:0032408"] == "lump in her right breast"  # Breast mass
    assert present["HP:0025388"] == "nodule in the thyroid"  # Thyroid nodule
    assert present["HP:0001541"] == "intraperitoneal fluid"  # Ascites


@pytest.mark.parametrize(
    "text",
    ["患者男，40岁，最终死于多脏器功能衰竭。", "A 40-year-old man developed multi-organ failure and died."],
)
def test_multiple_organ_failure_is_a_diagnosis_in_both_languages(text):
    record = extract(text)
    assert [d["code"] for d in record["patients"][0]["diagnoses"]] == ["MONDO:0043726"]


def test_a_participle_before_a_named_part_is_the_finding_of_that_part():
    text = (
        "A 59-year-old man had a dilated left atrium and a hypertrophied left ventricle, an "
        "atrophic kidney and a thickened gallbladder wall. He had no dilated cardiomyopathy."
    )
    present = {f["label"]: f["evidence"]["text"] for f in _patient(text)["features"] if not f["excluded"]}
    assert present["Left atrial enlargement"] == "dilated left atrium"
    assert present["Left ventricular hypertrophy"] == "hypertrophied left ventricle"
    assert present["Renal atrophy"] == "atrophic kidney"
    assert present["Gallbladder wall thickening"] == "thickened gallbladder wall"


def test_the_abbreviation_of_a_part_is_not_the_finding_of_that_part():
    # "LV" abbreviates the left ventricle, not its dilatation: it starts no word but the second.
    text = "A 40-year-old woman had a dilated left ventricle (LV). The LV ejection fraction was 35%."
    (dilated,) = [f for f in _patient(text)["features"] if f["label"] == "Left ventricular dilatation"]
    assert [m["text"] for m in dilated.get("mentions", [dilated["evidence"]])] == ["dilated left ventricle"]


def test_heart_chambers_by_their_echocardiography_abbreviations():
    text = (
        "A 70-year-old man had LVH with a dilated LV, RV dilatation and LA enlargement on "
        "echocardiography. He had a history of RA."
    )
    labels = {f["label"] for f in _patient(text)["features"]}
    assert {
        "Left ventricular hypertrophy",
        "Left ventricular dilatation",
        "Right ventricular dilatation",
        "Left atrial enlargement",
    } <= labels
    assert "Right atrial enlargement" not in labels  # "RA" alone names no chamber


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 60-year-old man. CT showed multiple liver metastases.", "HP:0002896"),
        ("患者男，60岁。增强CT示肝内多发转移灶。", "HP:0002896"),
        ("患者男，60岁。骨扫描示多发骨转移。", "HP:0010622"),
        ("A 60-year-old man. MRI showed brain metastases.", "HP:0030692"),
    ],
)
def test_a_metastasis_is_a_neoplasm_of_the_organ_it_grows_in(text, code):
    assert code in {f["code"] for f in _patient(text)["features"]}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 40-year-old woman had morning stiffness of both hands.", "HP:0001387"),
        ("A 40-year-old man had gum bleeding.", "HP:0000225"),
        ("A 40-year-old man complained of leg cramps.", "HP:0003394"),
    ],
)
def test_everyday_english_for_formal_terms(text, code):
    assert code in {f["code"] for f in _patient(text)["features"]}


@pytest.mark.parametrize(
    "text",
    [
        "A 45-year-old woman had fever and lymphadenopathy. "
        "Differential diagnoses included lymphoma and sarcoidosis.",
        "患者女，45岁，发热、淋巴结肿大。鉴别诊断需考虑结核、淋巴瘤及结节病。",
    ],
)
def test_a_finding_in_a_list_of_differentials_is_a_differential_diagnosis(text):
    # lymphoma is an HPO term: named after a differential head it is a differential, not a feature alone
    found = {d["code"]: d["status"] for d in _patient(text)["diagnoses"]}
    assert found.get("HP:0002665") == "differential"
    assert found.get("ORPHA:797") == "differential"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 60-year-old woman was diagnosed with stage IVB non-small cell lung cancer.", "HP:0030358"),
        ("A 55-year-old man was diagnosed with metastatic non-small cell lung cancer.", "HP:0030358"),
    ],
)
def test_a_stage_or_extent_between_the_cue_and_the_disease_keeps_the_diagnosis(text, code):
    assert [(d["code"], d["status"]) for d in _patient(text)["diagnoses"]] == [(code, "final")]


def test_hpo_synonyms_that_name_something_else_in_a_report():
    # "eye drops" are no ptosis; "albuminocytologic dissociation" is the CSF's, not the mind's;
    # a wall that moves too little is the heart's, not a movement disorder
    patient = _patient(
        "A 40-year-old woman with glaucoma used timolol eye drops. CSF showed albuminocytologic "
        "dissociation. Echocardiography showed anterior wall hypokinesia."
    )
    assert _codes(patient) == {"HP:0000501", "HP:0002922", "HP:0012667"}


def test_a_bare_ulcer_seen_at_endoscopy_is_not_the_skins():
    patient = _patient(
        "A 24-year-old man had bloody diarrhoea. Colonoscopy showed continuous inflammation with "
        "superficial ulcerations. He also had painful ulcers on both shins."
    )
    ulcers = [f for f in patient["features"] if f["code"] == "HP:0200042"]
    assert [m["text"] for f in ulcers for m in f.get("mentions") or [f["evidence"]]] == ["ulcers"]
    assert "ulcerations" in [f["evidence"]["text"] for f in patient["uncoded_findings"]]


@pytest.mark.parametrize(
    "text",
    [
        "A 50-year-old man had a cough. His CRP was not elevated.",
        "A 50-year-old man had a cough. ALT was not significantly raised.",
        "A 50-year-old man had a cough. Haemoglobin was not decreased.",
    ],
)
def test_a_level_denied_is_no_abnormal_level(text):
    # "not elevated" is a normal level: no elevated CRP, no anaemia stated present
    patient = _patient(text)
    assert not [f for f in patient["features"] if f.get("from_measurement") and not f["excluded"]]
    assert [m["interpretation"] for m in patient["measurements"]] == ["normal"]


def test_hepatitis_c_is_the_infection_not_a_bare_hepatitis():
    # "hepatitis C" named alone was read as its first word: a hepatitis stated present
    patient = _patient(
        "A 50-year-old man had jaundice. Serologies for hepatitis B and hepatitis C were negative."
    )
    assert "HP:0012115" not in _codes(patient)
    excluded = {d["code"] for d in patient["diagnoses"] if d.get("excluded")}
    assert {"MONDO:0005344", "MONDO:0005231"} <= excluded


def test_a_finding_named_again_by_the_head_word_before_of():
    # "her weakness improved" after "weakness of the lower limbs" is that weakness, not asthenia
    patient = _patient(
        "A 38-year-old woman had ascending weakness of the lower limbs. She received intravenous "
        "immunoglobulin. Her weakness gradually improved."
    )
    assert _codes(patient) == {"HP:0007340"}
    assert [o["about_code"] for o in patient["outcomes"]] == ["HP:0007340"]


def test_clinical_english_for_vegetations_cavities_and_cracked_lips():
    patient = _patient(
        "A 29-year-old man. Echocardiography showed a 15-mm vegetation on the tricuspid valve. Chest "
        "radiograph showed a cavitary lesion in the right upper lobe. He had cracked lips."
    )
    assert _codes(patient) == {"HP:6000326", "HP:0033655", "HP:0031250"}


def test_malnutrition_is_not_cachexia():
    codes = {f["code"] for f in _patient("A 70-year-old man had severe malnutrition.")["features"]}
    assert "HP:0004395" in codes and "HP:0004326" not in codes, codes


def test_laboratory_abnormalities_name_no_finding():
    patient = _patient("A 32-year-old woman with HELLP syndrome. Her laboratory abnormalities resolved.")
    assert "HP:0001939" not in _codes(patient)


@pytest.mark.parametrize(
    ("text", "code", "status"),
    [
        # a diagnosis the patient was wrongly given is none of theirs
        ("A 40-year-old man. His rash was mistaken for psoriasis.", "MONDO:0005083", "excluded"),
        # a diagnosis that stays possible is a differential
        (
            "A 40-year-old man. Autoimmune encephalitis remained a possibility.",
            "MONDO:0020640",
            "differential",
        ),
    ],
)
def test_a_misdiagnosis_and_a_remaining_possibility(text, code, status):
    assert [(d["code"], d["status"]) for d in _patient(text)["diagnoses"]] == [(code, status)]


def test_a_diagnosis_suspected_and_confirmed_is_final():
    patient = _patient(
        "A 3-day-old boy with hyperammonaemia. Ornithine transcarbamylase deficiency was suspected and "
        "confirmed by genetic testing."
    )
    assert [d["status"] for d in patient["diagnoses"]] == ["final"]


def test_clinical_english_for_lung_function_joint_motion_and_abdominal_discomfort():
    patient = _patient(
        "A 60-year-old man. Pulmonary function tests showed a restrictive pattern. He had limited range "
        "of motion of the left knee and right upper quadrant discomfort."
    )
    assert _codes(patient) == {"HP:0002091", "HP:0001376", "HP:0002027"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 30-year-old man had a generalized tonic-clonic seizure.", "HP:0002069"),
        ("A 50-year-old woman had jaundice and pale stools.", "HP:0011985"),
        ("A 20-year-old man had a maculopapular rash.", "HP:0040186"),
        ("A 6-year-old girl had a vesicular rash on the trunk.", "HP:0200037"),
        ("A 70-year-old man had a systolic murmur at the apex.", "HP:0031664"),
        ("A 55-year-old man with cirrhosis had spider angiomas.", "HP:0012522"),
        ("A 65-year-old man had loss of vibration sense in both feet.", "HP:0002495"),
        ("A 2-year-old boy had dysmorphic features.", "HP:0001999"),
        ("A 40-year-old woman had vaginal bleeding.", "HP:0034263"),
    ],
)
def test_clinical_english_of_signs_the_hpo_labels_write_otherwise(text, code):
    assert code in _codes(_patient(text))


def test_dullness_to_percussion_is_no_lethargy():
    patient = _patient("A 60-year-old man. There was dullness to percussion at the right lung base.")
    assert "HP:0001254" not in _codes(patient)


def test_a_finding_named_with_its_abbreviation_inside_its_name():
    from ingest.pipeline import extract

    text = (
        "A 70-year-old man. He had left ventricular (LV) systolic dysfunction; tacrolimus (FK506) levels "
        "were low."
    )
    patient = extract(text)["patients"][0]
    features = {f["code"]: f["evidence"]["text"] for f in patient["features"]}
    assert features["HP:0025169"] == "left ventricular (LV) systolic dysfunction"
    # a drug's own bracket: the drug stays the treatment stage's to read
    assert "tacrolimus" in {t["agent"] for t in patient["treatments"]} or any(
        m["analyte"].startswith("tacrolimus") for m in patient["measurements"]
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 70-year-old woman on methadone. ECG showed QTc prolongation.", "HP:0005184"),
        ("A 60-year-old man. ECG showed QT prolongation.", "HP:0001657"),
        ("A 40-year-old woman. MRI showed white matter lesions.", "HP:0007042"),
        ("A 72-year-old man. CT revealed a small lacunar infarct in the left basal ganglia.", "HP:0032325"),
        ("A 25-year-old obese woman with headaches had optic disc swelling.", "HP:0001085"),
    ],
)
def test_clinical_english_of_ecg_imaging_and_fundus_findings(text, code):
    assert code in _codes(_patient(text))


def test_non_caseating_granulomas_are_the_specific_term():
    patient = _patient("A 45-year-old woman. Lymph node biopsy showed non-caseating granulomas.")
    assert _codes(patient) == {"HP:0012220"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 50-year-old man. Lymph nodes were not palpable.", "HP:0002716"),
        ("A 50-year-old man. The liver, spleen and lymph nodes were not enlarged.", "HP:0002716"),
        ("A 30-year-old woman with headache. Meningeal signs were absent.", "HP:0031179"),
    ],
)
def test_lymph_nodes_not_palpable_and_meningeal_signs_absent(text, code):
    assert (code, True) in {(f["code"], f["excluded"]) for f in _patient(text)["features"]}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 40-year-old man with diabetes was diagnosed with rhinocerebral mucormycosis.", "MONDO:0019136"),
        ("A 70-year-old woman was diagnosed with shingles.", "MONDO:0005609"),
        ("A 6-year-old boy was diagnosed with varicella.", "MONDO:0005700"),
        ("A 30-year-old man was diagnosed with acute hepatitis E.", "MONDO:0005788"),
        ("A 45-year-old man was diagnosed with Pott disease.", "MONDO:0043836"),
        ("A 70-year-old woman was diagnosed with Clostridioides difficile infection.", "MONDO:0000705"),
        ("A 35-year-old man was diagnosed with acquired immunodeficiency syndrome.", "MONDO:0012268"),
    ],
)
def test_english_names_of_infections_the_sources_gave_in_chinese_only(text, code):
    assert code in {d["code"] for d in _patient(text)["diagnoses"]}


def test_walking_aids_are_no_aids():
    patient = _patient("A 19-year-old woman could walk only with ankle-foot orthotic aids.")
    assert not patient["diagnoses"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A 16-year-old girl had increased thirst and polyuria.", "HP:0001959"),
        ("A 45-year-old woman with Raynaud phenomenon had skin thickening of the fingers.", "HP:0001072"),
        ("A 60-year-old man had exertional chest pain.", "HP:0001681"),
        ("A 50-year-old woman had proximal muscle tenderness.", "HP:0003326"),
    ],
)
def test_clinical_english_of_thirst_skin_angina_and_muscle_tenderness(text, code):
    assert code in _codes(_patient(text))


def test_a_deficiency_named_with_a_drugs_abbreviation_inside_is_no_drug_given():
    from ingest.pipeline import extract

    patient = extract("A 10-year-old boy. He had growth hormone (GH) deficiency.")["patients"][0]
    assert "HP:0034323" in {f["code"] for f in patient["features"]}
    assert patient["treatments"] == []


def test_a_weakness_a_strength_grade_implies_stays_beside_a_weakness_of_another_part():
    from ingest.pipeline import extract

    text = "A 24-year-old woman. She had bilateral facial weakness and muscle strength of 3/5 in the legs."
    codes = {f["code"] for f in extract(text)["patients"][0]["features"]}
    assert {"HP:0001349", "HP:0001324"} <= codes  # facial diplegia, and the legs' muscle weakness


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Deep tendon reflexes were absent.", "HP:0001284"),  # areflexia
        ("The liver was enlarged.", "HP:0002240"),
        ("The spleen was slightly enlarged.", "HP:0001744"),
        ("Her left ventricle was dilated.", "HP:4000141"),
        ("Vibration sense was absent at the ankles.", "HP:0002495"),
        ("Knee reflexes were brisk.", "HP:0001348"),
        ("The thyroid gland was diffusely enlarged.", "HP:0000853"),  # goitre, and no thyroid given
        ("Her speech was slurred.", "HP:0001350"),
        ("The neck was stiff.", "HP:0025258"),
        ("Jugular venous pressure was elevated.", "HP:0030848"),
        ("Sensation to pinprick was reduced distally.", "HP:0007328"),
        ("Temperature sensation was reduced on the left.", "HP:0010829"),  # no low body temperature
    ],
)
def test_a_finding_written_as_a_predicate_of_its_part(sentence, code):
    from ingest.pipeline import extract

    patient = extract(f"A 24-year-old woman. {sentence}")["patients"][0]
    assert {(f["code"], f["excluded"]) for f in patient["features"]} == {(code, False)}
    assert patient["treatments"] == []


def test_a_predicate_that_names_no_finding_gives_none():
    from ingest.pipeline import extract

    patient = extract("A 24-year-old woman. The dose was reduced and the pain was decreased.")["patients"][0]
    assert not [f for f in patient["features"] if f["code"] != "HP:0012531"]  # at most the pain itself
