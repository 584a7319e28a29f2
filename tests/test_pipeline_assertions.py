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
