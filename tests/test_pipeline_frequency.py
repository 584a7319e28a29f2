"""Dosing frequencies as written in both languages -> the controlled vocabulary."""

from __future__ import annotations

import pytest

from ingest.pipeline.frequency import frequency, frequency_before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60mg口服、1次/d", "once daily"),
        ("2片、3次/d口服", "three times daily"),
        ("70mg口服、1次/周", "once weekly"),
        ("局部换药1次/2d", "every 2 days"),
        ("每日2次", "twice daily"),
        # Counts in Chinese numerals (issue 11).
        ("静脉注射每日两次", "twice daily"),
        ("一日三次口服", "three times daily"),
        ("每周一次", "once weekly"),
        ("每8小时一次", "every 8 hours"),
        ("每两日一次", "every 2 days"),
        ("隔日1次", "every 2 days"),
        ("10 mg qd", "once daily"),
        ("500 mg b.i.d.", "twice daily"),
        ("250 mg tid", "three times daily"),
        ("1 g q.i.d.", "four times daily"),
        ("15 mg qw", "once weekly"),
        ("methotrexate 15 mg weekly", "once weekly"),
        ("every other day", "every 2 days"),
        ("every 8 hours", "every 8 hours"),
        ("q12h", "every 12 hours"),
        ("100 mg/day", "once daily"),
        ("as needed", "as needed"),
        ("once a month", "once monthly"),
        ("60 mg", None),
        # A count in a period: "weekly" or "a day" alone must not make it once (issue 11).
        ("25 g intravenously three times weekly", "three times weekly"),
        ("5 mg three times a week", "three times weekly"),
        ("twice a week", "twice weekly"),
        ("2 times per month", "twice monthly"),
        ("thrice weekly", "three times weekly"),
        ("500 mg 3 times a day", "three times daily"),
        ("atorvastatin 80 mg at night", "once daily"),
        ("10 mg nocte", "once daily"),
        ("睡前口服", "once daily"),
        ("每晚1片", "once daily"),
    ],
)
def test_frequency(text, expected):
    assert frequency(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("40 mg每晨顿服", "once daily"),
        ("60 mg顿服", "once daily"),
        ("1 g，1次/12 h", "every 12 hours"),
        ("1次/8小时", "every 8 hours"),
    ],
)
def test_chinese_frequencies_of_a_morning_dose_and_hour_intervals(text, expected):
    assert frequency(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("每日服用", "once daily"),
        ("每日60毫克的", "once daily"),
        ("每日2次口服", "twice daily"),
        ("每日饮酒，予", None),
    ],
)
def test_a_frequency_just_before_the_drug(text, expected):
    assert frequency_before(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("adalimumab 40 mg every other week", "every 2 weeks"),
        ("40 mg subcutaneously fortnightly", "every 2 weeks"),
        ("1 g on alternate weeks", "every 2 weeks"),
        ("150 mg every second month", "every 2 months"),
        ("ibuprofen 400 mg as required", "as needed"),
        ("morphine 2 mg when required", "as needed"),
    ],
)
def test_english_fortnightly_and_as_required(text, expected):
    assert frequency(text) == expected


def test_the_next_day_of_a_course_is_no_frequency():
    assert frequency("隔天即退烧") is None
    assert frequency("隔日就出院") is None
    assert frequency("隔天1次") == "every 2 days"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # British abbreviations and a morning dose
        ("amoxicillin 500 mg bd", "twice daily"),
        ("500 mg b.d.", "twice daily"),
        ("1 g tds", "three times daily"),
        ("1 g t.d.s.", "three times daily"),
        ("2 g q.d.s.", "four times daily"),
        ("2 g qds", "four times daily"),
        ("prednisolone 10 mg mane", "once daily"),
        ("prednisolone 20 mg in the morning", "once daily"),
        ("levothyroxine 50 μg every morning", "once daily"),
    ],
)
def test_english_british_abbreviations_and_a_morning_dose(text, expected):
    assert frequency(text) == expected
