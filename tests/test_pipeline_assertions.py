"""Negation, family history and uncertainty cues in English and Chinese."""

from __future__ import annotations

import pytest

from ingest.pipeline.assertions import assertion_of


def _ctx(sentence: str, mention: str, language: str):
    i = sentence.index(mention)
    return assertion_of(sentence, i, i + len(mention), language)


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        ("He denied fever, chills or night sweats.", "night sweats", True),
        ("There was no lymphadenopathy or hepatosplenomegaly.", "hepatosplenomegaly", True),
        ("The patient had fever but no rash.", "fever", False),
        ("The patient had fever but no rash.", "rash", True),
        ("Blood cultures were negative.", "Blood cultures", True),
        ("She presented without dyspnea.", "dyspnea", True),
        ("The cough did not improve and she developed a rash.", "rash", False),
        ("No change in the size of the mass was noted.", "mass", False),
    ],
)
def test_english_negation(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        ("既往无高血压、糖尿病病史", "糖尿病", True),
        ("局部可见黄白色沉积物,无化脓、红肿,无发热,双手指遇冷发白", "发热", True),
        ("局部可见黄白色沉积物,无化脓、红肿,无发热,双手指遇冷发白", "遇冷发白", False),
        ("患者无明显诱因出现发热", "发热", False),
        ("否认肝炎、结核病史", "结核", True),
        ("抗核抗体阴性", "抗核抗体", True),
        ("患者出现关节痛", "关节痛", False),
    ],
)
def test_chinese_negation(sentence, mention, negated):
    assert _ctx(sentence, mention, "zh").negated is negated


def test_family_history_is_not_the_patient():
    assert _ctx("Her mother had systemic lupus erythematosus.", "lupus", "en").family
    assert _ctx("其母亲患有糖尿病", "糖尿病", "zh").family
    assert not _ctx("She had diabetes.", "diabetes", "en").family


def test_uncertainty():
    assert _ctx("A possible sarcoidosis was considered.", "sarcoidosis", "en").uncertain
    assert _ctx("考虑为可能的结节病", "结节病", "zh").uncertain


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        (
            "Patent foramen ovale (PFO), atrial septal defect and anomalous veins were ruled out.",
            "atrial septal defect",
            True,
        ),
        ("Hypertension, proteinuria, and hand-foot syndrome were not observed.", "Hypertension", True),
        ("He had fever, and the cultures were negative.", "fever", False),
        ("Fever and cough were present.", "Fever", False),
        (
            "Therapy with nifedipine was not tolerated secondary to orthostatic hypotension.",
            "orthostatic hypotension",
            False,
        ),
    ],
)
def test_english_list_negation_and_causal_scope(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


# --- clause scope (issue 11): a cue stops where its clause does, in both languages -------------


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # a list after the cue: every item is negated, however long a list of short items
        (
            "He denied fever, chills, night sweats, weight loss, cough, haemoptysis, chest pain or dyspnoea.",
            "dyspnoea",
            True,
        ),
        ("He had no fever during the first days of his stay in our ward and later a rash.", "rash", False),
        ("On admission she had no cough, wheezing or chest tightness.", "wheezing", True),
        ("On admission she had no cough, wheezing or chest tightness.", "chest tightness", True),
        # a new predicate ends the cue's clause
        ("A woman with no relevant medical history presenting with syncope.", "syncope", False),
        ("He had no prior surgery and was admitted for jaundice.", "jaundice", False),
        # a cue that negates a verb does not reach the finding after it
        ("The diarrhoea did not settle and vomiting developed on day 4.", "vomiting", False),
        ("It was never possible to control the hyperkalaemia.", "hyperkalaemia", False),
        ("There was no improvement in his dyspnoea.", "dyspnoea", False),
        ("Imaging excluded a structural cause of the seizures.", "seizures", False),
        # … but does through a verb that states a finding
        ("The child did not develop any rash.", "rash", True),
        ("The abdomen was not distended.", "distended", True),
        # after a copula's "not", every item of a list of descriptive words is negated …
        ("He looked pale, not icteric or cyanosed.", "cyanosed", True),
        ("She was not febrile, tachycardic or hypotensive.", "hypotensive", True),
        # … but "and" may join another clause
        ("The rash was not itchy and erythema spread.", "erythema", False),
        # a result word after a comma starts an item of its own
        ("There was no sign of bleeding, raised lactate and low platelets.", "low platelets", False),
        # … and so does a result word that begins the mention itself
        ("There was no sign of bleeding, elevated creatinine and low albumin.", "elevated creatinine", False),
        ("There was no sign of bleeding, elevated creatinine and low albumin.", "bleeding", True),
        # after a comma, "consistent with" sums up what came before; it is no item of the list
        ("No nodal spread was seen, consistent with a stage I carcinoma.", "carcinoma", False),
        ("The tumour was without nodal spread, consistent with a stage I carcinoma.", "carcinoma", False),
        ("The tumour was without nodal spread, consistent with a stage I carcinoma.", "nodal spread", True),
        ("There were no findings suggestive of pneumonia.", "pneumonia", True),
        # a place after the negated noun is not negated
        ("Ultrasound showed no flow within the renal cyst.", "renal cyst", False),
        # "non-" negates only the word it is attached to
        ("Biopsy showed non-caseating granulomas typical of sarcoidosis.", "sarcoidosis", False),
        ("The abdomen was soft and non-tender.", "tender", True),
        # "negative for" says what the tested thing lacks
        ("The lymphoma was negative for CD10.", "lymphoma", False),
        ("Hepatitis C serology was negative.", "Hepatitis C", True),
        # the many ways of saying a looked-for finding was not found
        ("Lymphadenopathy was not appreciated.", "Lymphadenopathy", True),
        ("Hepatomegaly could not be detected.", "Hepatomegaly", True),
        ("Proteinuria was never observed.", "Proteinuria", True),
        ("Oedema was not noted in the legs.", "Oedema", True),
        ("Hepatomegaly, splenomegaly and ascites were not appreciated.", "Hepatomegaly", True),
        ("She remained free from seizures.", "seizures", True),
        # "ruling out" states the absence, "for ruling out" only the purpose
        ("The stain was negative, thus ruling out a lymphoma.", "lymphoma", True),
        ("A biopsy was taken for ruling out a lymphoma.", "lymphoma", False),
        ("Pulses were absent in the left foot.", "Pulses", False),
        ("Serology: HIV: negative; syphilis: positive.", "HIV", True),
        ("Serology: HIV: negative; syphilis: positive.", "syphilis", False),
        ("Two days later the haematuria had resolved, but proteinuria persisted.", "proteinuria", False),
    ],
)
def test_english_clause_scope(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # a verb that states a finding right after the cue is the cue's own, no new clause
        ("She never developed jaundice during the admission.", "jaundice", True),
        ("He has never had a seizure.", "seizure", True),
        ("The boy left hospital without showing any sign of rash.", "rash", True),
        # … a verb that states no finding still starts a clause of its own
        ("Without receiving antibiotics, the fever resolved.", "fever", False),
        # … but "and the …" after "ruled out" starts one
        ("Lupus was ruled out and the diagnosis of sarcoidosis was made.", "sarcoidosis", False),
        # a finding that did not come back
        ("The fever did not recur after the drug was stopped.", "fever", True),
        ("Her seizures never returned.", "seizures", True),
        ("The hypercalcaemia did not return to normal.", "hypercalcaemia", False),
        # the finding's name with "free" after it
        ("At one year he remains seizure-free.", "seizure", True),
        ("She was pain free on discharge.", "pain", True),
        # a list with an article is the subject of a plural verb: every item is negated …
        ("Calcification and a dilated pancreatic duct were not seen.", "Calcification", True),
        ("Ascites, a pleural effusion and an enlarged spleen were absent.", "Ascites", True),
        # … but before a singular verb, the item with the article is the subject alone
        ("He had fever and a murmur was not heard.", "fever", False),
        ("She had a cough and a rash resolved.", "cough", False),
        # a finding that did not happen, a note without its copula, a list entry "none"
        ("Seizures did not develop after the operation.", "Seizures", True),
        ("The rash did not develop into ulcers.", "rash", False),
        ("Ascites not seen on ultrasound.", "Ascites", True),
        ("A new pleural effusion not seen on the prior CT was noted.", "pleural effusion", False),
        ("Lymphadenopathy: none.", "Lymphadenopathy", True),
        ("Evidence of malignancy was lacking.", "malignancy", True),
        # a review of systems of twenty items: every one is negated, however far from the cue
        (
            "She denied fever, chills, night sweats, weight loss, anorexia, cough, haemoptysis, chest pain, "
            "palpitations, shortness of breath, orthopnoea, abdominal pain, nausea, vomiting, diarrhoea, "
            "constipation, melaena, haematuria, dysuria or skin rash.",
            "skin rash",
            True,
        ),
        # an item of a list may hold a word that elsewhere takes the negation for itself …
        ("Systems review was negative for fever, visual changes, chest pain and dyspnoea.", "dyspnoea", True),
        # … but the first item after the cue still does
        ("There was no change in the rash, fever or cough.", "cough", False),
    ],
)
def test_english_cue_verbs_free_and_subject_lists(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


def test_findings_stated_absent_by_their_usual_clinical_words():
    from ingest.pipeline import extract

    record = extract(
        "A 60-year-old man. The abdomen was soft without organomegaly. After extubation there were no "
        "signs of laryngeal spasm. There were no palpable lymph nodes.",
        language="en",
    )
    excluded = {f["label"] for f in record["patients"][0]["features"] if f["excluded"]}
    assert {"Visceromegaly", "Laryngospasm", "Lymphadenopathy"} <= excluded


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        ("咽部无充血，扁桃体肿大", "扁桃体肿大", False),  # a comma ends the clause
        ("咽部无充血，扁桃体肿大", "充血", True),
        ("无咳嗽、咳痰及胸闷", "胸闷", True),  # a list after 无
        ("患者未出现抽搐", "抽搐", True),  # 出现 inside the cue 未出现 ends nothing
        ("患儿不伴呕吐", "呕吐", True),
        ("酸中毒始终未能纠正", "酸中毒", False),  # the negation is 纠正's
        ("补液后仍未能纠正低钠血症", "低钠血症", False),
        ("最终诊断为不完全性肠梗阻", "肠梗阻", False),  # 不 belongs to 不完全
        ("四肢不肿", "肿", True),  # 不 right before the finding
        ("头颅MRI平扫未见异常", "头颅MRI", True),
        ("梅毒：阴性；结核：阳性", "梅毒", True),
        ("梅毒：阴性；结核：阳性", "结核", False),
    ],
)
def test_chinese_clause_scope(sentence, mention, negated):
    assert _ctx(sentence, mention, "zh").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "language", "value"),
    [
        ("He had a fever of 39 °C.", "fever", "en", "present"),
        ("She had no fever.", "fever", "en", "negated"),
        ("His father had gout.", "gout", "en", "family"),
        ("Pulmonary embolism was suspected.", "Pulmonary embolism", "en", "hypothetical"),
        (
            "Heparin was started to prevent deep vein thrombosis.",
            "deep vein thrombosis",
            "en",
            "hypothetical",
        ),
        ("She had a history of asthma.", "asthma", "en", "historical"),
        ("The rash resolved within a week.", "rash", "en", "resolved"),
        ("MRI showed complete resolution of the oedema.", "oedema", "en", "resolved"),
        ("Nausea, vomiting and dizziness disappeared.", "Nausea", "en", "resolved"),
        ("患儿发热", "发热", "zh", "present"),
        ("其父有痛风", "痛风", "zh", "family"),
        ("结核不能排除", "结核", "zh", "hypothetical"),
        ("考虑肺栓塞可能", "肺栓塞", "zh", "hypothetical"),
        ("既往有哮喘", "哮喘", "zh", "historical"),
        ("治疗3天后皮疹消退", "皮疹", "zh", "resolved"),
        ("恶心、呕吐均消失", "恶心", "zh", "resolved"),
        ("激素治疗后未再出现发热", "发热", "zh", "resolved"),
        ("尚不能排除淋巴瘤", "淋巴瘤", "zh", "hypothetical"),
        ("除外结核后开始治疗", "结核", "zh", "negated"),
        ("暂不考虑结核", "结核", "zh", "negated"),
        ("双侧病理征未引出", "病理征", "zh", "negated"),
        ("We could not exclude tuberculosis.", "tuberculosis", "en", "hypothetical"),
        ("Tuberculosis could not be ruled out.", "Tuberculosis", "en", "hypothetical"),
        ("诊断：①肺炎 ②结核可能 ③贫血", "贫血", "zh", "present"),  # an item number ends the clause
        ("诊断：1 肺炎 2 结核可能 3 贫血", "贫血", "zh", "present"),
        ("诊断：1 肺炎 2 结核可能 3 贫血", "结核", "zh", "hypothetical"),
        # "to be told apart from": a differential, for every item of the list before the cue
        ("本病需与结核相鉴别", "结核", "zh", "hypothetical"),
        ("需与肺炎、结核及淋巴瘤等鉴别", "肺炎", "zh", "hypothetical"),
        ("需与肺炎、结核及淋巴瘤等鉴别", "淋巴瘤", "zh", "hypothetical"),
        ("肺炎、结核待排", "肺炎", "zh", "hypothetical"),
        ("Lymphoma, sarcoidosis and tuberculosis were considered.", "Lymphoma", "en", "hypothetical"),
        ("Lymphoma and sarcoidosis could not be excluded.", "Lymphoma", "en", "hypothetical"),
        # … unless an item has a verb of its own: the list ends before it
        ("She had fever, and tuberculosis was suspected.", "fever", "en", "present"),
        ("患者发热、咳嗽加重，结核待排", "发热", "zh", "present"),
        # a head opens a list of differentials: commas inside the list break no clause for it
        (
            "The differential diagnosis included lymphoma, tuberculosis, and sarcoidosis.",
            "sarcoidosis",
            "en",
            "hypothetical",
        ),
        (
            "Differential diagnosis: gout, septic arthritis and pseudogout.",
            "pseudogout",
            "en",
            "hypothetical",
        ),
        (
            "The differential diagnosis included gout; septic arthritis was confirmed.",
            "septic arthritis",
            "en",
            "present",
        ),
        ("鉴别诊断：痛风、化脓性关节炎及假性痛风。", "假性痛风", "zh", "hypothetical"),
        ("鉴别诊断包括痛风、化脓性关节炎，最终确诊为假性痛风。", "假性痛风", "zh", "present"),
        # "which was excluded" says it of the mention (or the list) before it
        (
            "Crohn disease, which was excluded by colonoscopy, was considered.",
            "Crohn disease",
            "en",
            "negated",
        ),
        ("Gout and pseudogout, which were ruled out by aspiration.", "Gout", "en", "negated"),
        ("He had anemia, which was treated with iron.", "anemia", "en", "present"),
        # no recurrence: the finding was there and has not come back
        ("随访1年无再发血栓", "血栓", "zh", "resolved"),
        ("术后2年未复发肺栓塞", "肺栓塞", "zh", "resolved"),
        ("患者无血栓", "血栓", "zh", "negated"),
    ],
)
def test_assertion_values(sentence, mention, language, value):
    assert _ctx(sentence, mention, language).value == value


@pytest.mark.parametrize(
    ("sentence", "mention", "family"),
    [
        # whose child the patient is: the parents name no relative's finding …
        (
            "We report a boy, the first child of non-consanguineous parents, referred for seizures.",
            "seizures",
            False,
        ),
        ("The second child of a healthy mother had seizures.", "seizures", False),
        ("A boy born to healthy parents, with seizures since birth.", "seizures", False),
        # … unless the words after them are said of them
        ("He was born to a mother with epilepsy.", "epilepsy", True),
        ("A girl born to parents who had diabetes.", "diabetes", True),
        ("His mother had seizures.", "seizures", True),
    ],
)
def test_the_patients_parentage_is_no_family_history(sentence, mention, family):
    assert _ctx(sentence, mention, "en").family is family


def test_a_relative_who_only_tells_leaves_the_finding_to_the_patient():
    assert not _ctx("Her mother noticed a rash on the child's legs.", "rash", "en").family
    assert not _ctx("其母发现患儿皮疹", "皮疹", "zh").family
    assert _ctx("His brother has epilepsy.", "epilepsy", "en").family


@pytest.mark.parametrize(
    ("sentence", "mention", "historical"),
    [
        # A dated history heads the present illness, every item of its list.
        (
            "She presented with a 3-day history of fever, productive cough and pleuritic chest pain.",
            "fever",
            False,
        ),
        (
            "She presented with a 3-day history of fever, productive cough and pleuritic chest pain.",
            "pleuritic chest pain",
            False,
        ),
        ("He gave a two-week history of headache, vomiting or neck stiffness.", "neck stiffness", False),
        ("He gave a 6 months' history of weight loss and night sweats.", "night sweats", False),
        # An undated history is the past.
        ("She has a history of asthma, hypertension and gout.", "hypertension", True),
    ],
)
def test_a_dated_history_is_the_present_illness_across_its_list(sentence, mention, historical):
    assert _ctx(sentence, mention, "en").historical is historical


@pytest.mark.parametrize(
    ("text", "present", "absent_or_gone"),
    [
        # The prefix negates the quality; the finding the other words name is present.
        ("He had non-bloody diarrhea.", "HP:0002014", "HP:0025085"),  # diarrhoea, not bloody diarrhoea
        ("She had a non-productive cough.", "HP:0012735", "HP:0031245"),  # cough, not productive cough
        ("Bilateral non-purulent conjunctivitis was noted.", "HP:0000509", None),
        ("患儿伴非血性腹泻。", "HP:0002014", "HP:0025085"),
    ],
)
def test_a_prefix_that_negates_a_quality_leaves_the_finding_present(text, present, absent_or_gone):
    from ingest.pipeline import extract

    features = extract(text)["patients"][0]["features"]
    assert {f["code"]: f["assertion"] for f in features}.get(present) == "present"
    assert absent_or_gone not in {f["code"] for f in features}
    assert not any(f["excluded"] for f in features)


def test_a_term_that_holds_the_prefix_and_a_one_word_finding_keep_their_reading():
    from ingest.pipeline import extract

    features = extract("There was non-pitting edema. The abdomen was non-tender.")["patients"][0]["features"]
    codes = {f["code"]: f["excluded"] for f in features}
    assert codes["HP:6000507"] is False  # Non-pitting edema, a term of its own
    assert codes["HP:0012531"] is True  # "non-tender": no pain, stated absent


@pytest.mark.parametrize(
    ("sentence", "mention", "historical"),
    [
        ("有高血压及2型糖尿病病史10年", "高血压", True),
        ("有高血压及2型糖尿病病史10年", "2型糖尿病", True),
        ("既往糖尿病、高血压、冠心病等病史", "糖尿病", True),
        ("既往糖尿病、高血压、冠心病等病史", "高血压", True),
        # an item with a verb of its own starts a clause the history word does not reach back over
        ("发热、咳嗽伴胸痛史2天", "发热", False),
        ("头痛及呕吐3天", "头痛", False),
    ],
)
def test_a_chinese_history_word_reaches_back_over_its_list(sentence, mention, historical):
    assert _ctx(sentence, mention, "zh").historical is historical


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        ("There was no cough, and a fever developed on day 3.", "fever", False),
        ("He denied cough, and a rash appeared two days later.", "rash", False),
        ("There was no cough, and fever was noted.", "fever", False),
        # a list stays a list: a plural verb, "or", or no verb of its own
        ("No fever and chills were reported.", "chills", True),
        ("She had no cough or fever developed.", "fever", True),
        ("No nausea, vomiting, and diarrhea.", "diarrhea", True),
    ],
)
def test_a_finding_after_and_with_a_verb_of_its_own_starts_a_clause(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # "with out", as authors writing in a second language split "without"
        ("She had nausea with out vomiting or diarrhoea.", "diarrhoea", True),
        ("She had nausea with out vomiting or diarrhoea.", "nausea", False),
        ("He was seen with outpatient visits for his cough.", "cough", False),
    ],
)
def test_a_split_without_negates_what_follows(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # "have" right after a verb's negation states every item of the list after it
        ("The boy did not have fever or cough.", "cough", True),
        ("She has not had headaches or seizures since May.", "seizures", True),
        ("He had never had syncope or palpitations.", "palpitations", True),
        # … but "have to" is another verb
        ("She did not have to stop the drug because of nausea.", "nausea", False),
    ],
)
def test_have_after_a_verb_negation_reaches_its_list(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # a place the negated thing would come from or lie around is not negated
        ("There was no pus or bleeding from the ulcer.", "ulcer", False),
        ("MRI showed no oedema around the tumour.", "tumour", False),
        ("There was no pus or bleeding from the ulcer.", "bleeding", True),
        # … only in the mention's own item of a list
        ("There was no discharge from the ear, fever or headache.", "headache", True),
        # nor the event that dates it
        ("There were no seizures after the stroke.", "stroke", False),
        ("She had no fever until the onset of diarrhoea.", "diarrhoea", False),
        ("He reported no headache since the fall.", "headache", True),
    ],
)
def test_a_place_or_an_event_after_the_negated_noun_is_not_negated(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # after a comma, a determiner or a pronoun starts a clause with a subject of its own
        ("Without antibiotics, the pneumonia progressed.", "pneumonia", False),
        ("There was no cough, her dyspnoea was worse.", "dyspnoea", False),
        ("There was no cough, wheeze or dyspnoea.", "dyspnoea", True),
    ],
)
def test_a_new_subject_after_a_comma_ends_the_negation(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "family"),
    [
        # where the patient's variant came from is no relative's finding
        ("A deletion of maternal origin confirmed Angelman syndrome.", "Angelman syndrome", False),
        ("The variant, inherited from his mother, confirmed Marfan syndrome.", "Marfan syndrome", False),
        ("Paternal uniparental disomy confirmed Silver-Russell syndrome.", "Silver-Russell syndrome", False),
        # … while a relative named by the side of the family still is one
        ("Her maternal aunt had breast cancer.", "breast cancer", True),
        ("His mother had Marfan syndrome.", "Marfan syndrome", True),
    ],
)
def test_the_parent_a_variant_came_from_is_no_family_history(sentence, mention, family):
    assert _ctx(sentence, mention, "en").family is family


@pytest.mark.parametrize(
    ("sentence", "mention", "value"),
    [
        # "denied" after the finding
        ("Chest pain was denied.", "Chest pain", "negated"),
        ("Asthma and eczema were denied by the mother.", "Asthma", "negated"),
        # the part or the way of the finding between it and the cue
        ("Oedema of both ankles was not seen.", "Oedema", "negated"),
        ("Tenderness on deep palpation was absent.", "Tenderness", "negated"),
        # suspected, then excluded: the last word is the exclusion
        ("Appendicitis was suspected but excluded by ultrasound.", "Appendicitis", "negated"),
        ("Gout and pseudogout were considered but later ruled out.", "Gout", "negated"),
        # … and suspected only, or suspected before another finding, stays uncertain
        ("Appendicitis was suspected but the scan showed a cyst.", "Appendicitis", "hypothetical"),
        ("Appendicitis was suspected.", "Appendicitis", "hypothetical"),
    ],
)
def test_post_cues_denied_of_a_part_and_suspected_but_excluded(sentence, mention, value):
    assert _ctx(sentence, mention, "en").value == value


@pytest.mark.parametrize(
    ("sentence", "mention", "value"),
    [
        # a relative who only tells what they did not see speaks of the patient
        ("His parents did not notice any seizures.", "seizures", "negated"),
        ("Her mother did not observe any rash.", "rash", "negated"),
        ("Her mother had epilepsy.", "epilepsy", "family"),
        # "and … was diagnosed": a finding with a verb of its own is no item of the negated list
        ("He denied smoking, and asthma was diagnosed.", "asthma", "present"),
    ],
)
def test_a_relative_who_tells_and_a_diagnosis_of_its_own(sentence, mention, value):
    assert _ctx(sentence, mention, "en").value == value


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # a verb that states the list after "had not" reaches every item
        ("She had not experienced fever or weight loss.", "weight loss", True),
        # "other than" ends the negation as "except" does
        ("He had no complaints other than a headache.", "headache", False),
        ("The X-ray showed no abnormality other than cardiomegaly.", "cardiomegaly", False),
        # "not consistent with" denies the diagnosis
        ("The rash was not consistent with psoriasis.", "psoriasis", True),
        ("The biopsy was not compatible with lymphoma.", "lymphoma", True),
    ],
)
def test_stating_verbs_other_than_and_not_consistent_with(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


def test_a_personal_or_family_history_is_the_patients_too():
    assert _ctx("She had no personal or family history of thrombosis.", "thrombosis", "en").value == "negated"
    assert _ctx("There was a family history of thrombosis.", "thrombosis", "en").value == "family"


def test_words_that_state_a_finding_absent_in_one_word():
    from ingest.pipeline import extract

    record = extract(
        "A 30-year-old man. He was anicteric and acyanotic. The abdomen was soft and nontender.",
        language="en",
    )
    excluded = {f["label"] for f in record["patients"][0]["features"] if f["excluded"]}
    assert {"Jaundice", "Cyanosis", "Pain"} <= excluded


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # after a comma, the subject of the main clause with a verb of its own …
        ("As she declined chemotherapy, relapse and ascites were found in May.", "ascites", False),
        ("As he denied any trauma, a fracture was unexpected.", "fracture", False),
        ("Without a history of smoking, lung cancer was unexpected.", "lung cancer", False),
        # … but "no" determines the whole subject, and a list before the main clause stays a list
        ("No fever, cough or rash were noted.", "rash", True),
        ("Without fever, chills or rash, he was sent home.", "rash", True),
        # "with a" adds what was present
        ("She had nausea without fever or chills, with a weight loss of 4 kg.", "weight loss", False),
        ("She had nausea without fever or chills with a weight loss of 4 kg.", "chills", True),
        # "not yet" is no conjunction, "whether or not" no negation
        ("He had not yet developed jaundice.", "jaundice", True),
        ("Whether or not the fever was due to the drug is unclear.", "fever", False),
    ],
)
def test_the_subject_of_a_main_clause_after_a_comma(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention"),
    [
        ("Magnesium sulfate was started for seizure prophylaxis.", "seizure"),
        ("Enoxaparin was given for DVT prophylaxis.", "DVT"),
        ("Apixaban was started for stroke prevention.", "stroke"),
    ],
)
def test_what_care_is_to_prevent_is_not_present(sentence, mention):
    assert _ctx(sentence, mention, "en").uncertain


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # the full stop of "e.g.", "i.e." ends no clause
        ("There were no signs of sepsis, e.g. fever or hypotension, on admission.", "hypotension", True),
        ("He had no organomegaly, i.e. hepatomegaly or splenomegaly.", "splenomegaly", True),
        # … a sentence's does
        ("There was no rash. Fever was present.", "Fever", False),
    ],
)
def test_an_abbreviation_full_stop_ends_no_clause(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "value"),
    [
        # "was not confirmed" is no diagnosis confirmed
        ("Brucellosis was not confirmed by culture.", "Brucellosis", "negated"),
        ("The diagnosis of gout was not established.", "gout", "negated"),
        ("Gout could not be proven.", "Gout", "negated"),
        ("Brucellosis was confirmed by culture.", "Brucellosis", "present"),
        # "deemed unlikely" is a doubt, as "considered unlikely" was
        ("Sepsis was deemed unlikely.", "Sepsis", "hypothetical"),
        ("Sepsis was thought to be unlikely.", "Sepsis", "hypothetical"),
    ],
)
def test_not_confirmed_and_deemed_unlikely(sentence, mention, value):
    assert _ctx(sentence, mention, "en").value == value


def test_a_diagnosis_not_confirmed_is_not_final():
    from ingest.pipeline import extract

    record = extract("A 30-year-old man had fever. Brucellosis was not confirmed by culture.", language="en")
    statuses = {d["label"].lower(): d["status"] for d in record["patients"][0]["diagnoses"]}
    assert statuses["brucellosis"] == "excluded"


@pytest.mark.parametrize(
    ("sentence", "mention", "negated"),
    [
        # what a finding came from takes the negation: the finding itself is the patient's
        ("She had no risk factors for thrombosis.", "thrombosis", False),
        ("No trigger for the seizures was identified.", "seizures", False),
        ("There was no predisposing factor for the infection.", "infection", False),
        ("There was no thrombosis or infection.", "infection", True),
    ],
)
def test_a_risk_factor_or_trigger_denied_is_no_finding_denied(sentence, mention, negated):
    assert _ctx(sentence, mention, "en").negated is negated


@pytest.mark.parametrize(
    ("sentence", "mention", "value"),
    [
        # a treatment or procedure not done for a finding does not deny the finding
        ("He received no antibiotics for the pneumonia.", "pneumonia", "present"),
        ("She denied taking any medications for hypertension.", "hypertension", "present"),
        ("No biopsy of the ulcer was taken.", "ulcer", "present"),
        ("He received no antibiotics and had no pneumonia.", "pneumonia", "negated"),
        # a test or a vaccination names no finding of the patient
        ("He had never been tested for syphilis.", "syphilis", "hypothetical"),
        ("She was vaccinated against measles as a child.", "measles", "hypothetical"),
    ],
)
def test_a_treatment_or_test_for_a_finding_names_no_finding_denied(sentence, mention, value):
    assert _ctx(sentence, mention, "en").value == value


def test_the_first_letter_guard_of_english_cue_words():
    # the look-ahead _words puts before its alternatives: every letter they can start with, or none
    from vocab.languages.en import _first_letters

    assert _first_letters(r"no|not|(?<!for )ruling out|(?:mis|wrongly )diagnosed|denie[sd]") == "dmnrw"
    assert _first_letters(r"(?:,\s*)?and (?:the|his)|but") == ""  # an optional start tells nothing
    assert _first_letters(r"\bfoo|bar") == ""
    assert _first_letters(r"s?he|it") == ""


@pytest.mark.parametrize(
    "text",
    [
        "A 67-year-old man had bacteremia. At 6 months there was no recurrence of bacteremia.",
        "A 30-year-old woman had seizures. She remained free of relapse of seizures.",
    ],
)
def test_no_recurrence_of_a_finding_is_its_resolution_not_its_absence(text):
    from ingest.pipeline import extract
    from ingest.pipeline.merging import per_mention

    record = extract(text, source="x.txt")
    (feature,) = [f for f in record["patients"][0]["features"]]
    assert not feature["excluded"]
    assertions = [f["assertion"] for f in per_mention(record, uncoded=False)["patients"][0]["features"]]
    assert assertions == ["present", "resolved"]
