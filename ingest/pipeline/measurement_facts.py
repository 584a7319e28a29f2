"""Part of the measurement stage: how a read result becomes facts of the patient.

`emit_measurement` records the measurement and the HPO finding its result speaks to: a high ESR is
the finding "Elevated erythrocyte sedimentation rate", a negative ANA excludes "Antinuclear
antibody positivity", and a result within normal limits excludes the abnormality the test looks
for (a normal troponin: no elevated troponin; also listed on the measurement as "excludes").
`interpret` compares a value with the test's usual reference interval when the report states
none; `sort_measurements` is the per-patient clean-up.
"""

from __future__ import annotations

import re

from vocab import languages
from vocab.hpo import load_hpo

from .document import Patient
from .quantities import UNITLESS_OK, interpretation_from_range, to_unit
from .vocabulary import Analyte

# "within normal limits", "均在正常范围": the report's own words that a result lies in the range.
_WITHIN_RANGE = re.compile(languages.alternatives("WITHIN_RANGE_WORDS"), re.I)


def interpret(info: Analyte | None, value: float, unit: str | None, comparator: str | None) -> str | None:
    """high / low / normal against the test's usual reference interval, or None when the units
    cannot be compared."""
    if unit == "xULN" and comparator not in ("<", "<="):
        # "5 times the upper limit of normal": above the interval when more than once its limit
        return "high" if value > 1 else "normal"
    if not info or not info.ref_unit:
        return None
    scaled = to_unit(value, unit, info.ref_unit, info.name)
    if scaled is None and not unit and info.ref_unit in UNITLESS_OK and info.ref_high:
        scaled = value  # no unit written: compare only when the number is on the same scale
        if info.ref_unit == "%" and value <= 1 < info.ref_high:
            scaled = value * 100  # "an ejection fraction of 0.55": a fraction, not a per cent
    if scaled is None:
        return None
    return interpretation_from_range(scaled, info.ref_low, info.ref_high, comparator)


# Tests whose high result is graded by how high (WHO adult cut-offs; the value in the test's usual
# unit): a BMI of 36 is class II obesity, of 27 overweight. Highest cut-off first.
GRADED_HIGH: dict[str, tuple[tuple[float, str], ...]] = {
    "BMI": ((40, "HP:0025501"), (35, "HP:0025500"), (30, "HP:0025499"), (25, "HP:0025502")),
}


def _implied(info: Analyte, interpretation: str | None, value: float | None = None) -> list[tuple[str, bool]]:
    """(HPO id, excluded) of the findings a result speaks to."""
    if interpretation == "high" and value is not None and info.name in GRADED_HIGH:
        return [
            next(
                ((hpo, False) for cut, hpo in GRADED_HIGH[info.name] if value >= cut), (info.hpo_high, False)
            )
        ]
    if interpretation == "high":
        # "anti-dsDNA antibodies elevated at 210 IU/mL": a test that only looks for a positive
        # result (an antibody, urine glucose) is positive when raised.
        return [(info.hpo_high or info.hpo_positive, False)]
    if interpretation == "low":
        return [(info.hpo_low, False)]
    if interpretation == "positive":
        return [(info.hpo_positive, False)]
    if interpretation == "negative":
        return [(info.hpo_positive, True)]
    return []


def _excluded_by_normal(info: Analyte) -> str | None:
    """The abnormality a result within normal limits excludes: the one the test looks for, when it
    looks one way (troponin: elevated troponin). A normal calcium says nothing worth listing
    about hypo- and hypercalcaemia both."""
    looked_for = [hpo for hpo in (info.hpo_high, info.hpo_low) if hpo]
    return looked_for[0] if len(looked_for) == 1 else None


def emit_measurement(patient: Patient, fact: dict, info: Analyte | None) -> None:
    """Record a measurement and the HPO findings its result implies (ESR high -> HP:0003565,
    ANA negative -> HP:0003493 excluded). A result stated within normal limits excludes the
    abnormality its test looks for (troponin within normal limits -> HP:0410174 excluded, also
    listed on the measurement as "excludes"); "normal" alone, or a value the pipeline finds inside
    its own table's interval, is no such statement."""
    patient.measurements.append(fact)
    if not info:
        return
    hpo = load_hpo()
    value = fact.get("value")
    implied_findings = _implied(
        info, fact.get("interpretation"), value if isinstance(value, int | float) else None
    )
    if fact.get("interpretation") == "normal" and _WITHIN_RANGE.search(fact["evidence"]["text"]):
        excluded_id = _excluded_by_normal(info)
        term = hpo.get(excluded_id) if excluded_id else None
        if term is not None:
            fact["excludes"] = [{"code": term.id, "label": term.name}]
            implied_findings = [(term.id, True)]
    for implied, excluded in implied_findings:
        term = hpo.get(implied) if implied else None
        if term is None:
            continue
        # The finding this result speaks to (present, or absent when negative or normal).
        fact.setdefault("code", term.id)
        patient.features.append(
            {
                "code": term.id,
                "label": term.name,
                "excluded": excluded,
                "onset": None if excluded else fact.get("when"),
                "evidence": fact["evidence"],
                "from_measurement": fact["analyte"],
            }
        )


def sort_measurements(patient: Patient) -> None:
    """Per-patient clean-up: measurements in the order their tests are named."""
    patient.measurements.sort(key=lambda m: (m.get("analyte_evidence") or m["evidence"])["start"])
