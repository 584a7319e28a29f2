"""Part of the treatment stage: which drug mentions are treatments of the patient, and one fact
per agent.

A drug name is not always a drug given. It may be:

- a substance measured or tested ("glucose 472 mg/dL", "aldosterone levels", "a glucagon
  stimulation test", "resistant to clindamycin", "allergy to penicillin", "serum albumin");
- a diagnostic or procedural agent: contrast media, tracers and other diagnostic agents (ATC V04,
  V08, V09), anaesthetics (ATC N01, and the classes of anaesthesia), and the procedural states
  "sedation" and "anaesthesia" themselves — a local anaesthetic that is also an antiarrhythmic
  (lidocaine) stays a drug.

`merge_treatments` turns the mentions of one agent into one fact that keeps every span in
"mentions" (DESIGN.md): the fact shows the clearest mention (the one that says most about the
administration), and what other mentions add (a stop reason, dose changes) is kept.
"""

from __future__ import annotations

import re

from vocab import languages

from .document import Doc
from .merging import merge_facts
from .vocabulary import Mention

# A substance named as a test, not given: "glucose 472 mg/dL", "aldosterone levels", "C-peptide
# was", "a glucagon stimulation test", "resistant to …".
_LAB_CONTEXT = re.compile(
    rf"\s*(?:\(\w{{1,10}}\)\s*)?(?:{languages.alternatives('LAB_CONTEXT_WORDS')}|"
    # a value, perhaps after the symbol of one test of the substance's panel ("免疫球蛋白：IgG 18.5 g/L")
    r"[:=]?\s*(?:[A-Za-z][A-Za-z0-9-]{0,8}\s*[:=]?\s*)?\d+(?:\.\d+)?\s*"
    r"(?:mg/dl|mmol/l|g/dl|g/l|ng/ml|pg/ml|u/l|iu/l|%|μmol/l|umol/l))",
    re.I,
)
# "clobetasol 0.05% cream", "timolol 0.5% eye drops", "dextrose 10% infusion": a strength in per
# cent before the form or route it is given by is the preparation's, not a level measured.
_FORM_AFTER_PERCENT = re.compile(
    r"\s*(?:[a-z]+\s+)?(?:"
    + "|".join(words for lang in languages.LANGUAGES.values() for words in lang.ROUTE_WORDS.values() if words)
    + "|"
    + languages.literal_alternatives(languages.merged("DOSE_UNIT_WORDS"))
    + ")",
    re.I,
)
# "allergy to penicillin", "resistant to clindamycin, linezolid and oxacillin", "serum albumin".
_NOT_GIVEN_BEFORE = re.compile(
    rf"(?:{languages.alternatives('NOT_GIVEN_WORDS')})\s*(?:[\w/-]+(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|、))*$",
    re.I,
)
# "did not receive heparin", "未予溶栓治疗" / "Thrombolysis was not given", "激素未使用".
_WITHHELD_BEFORE = re.compile(rf"(?:{languages.alternatives('WITHHELD_BEFORE_WORDS')})\s*$", re.I)
_WITHHELD_AFTER = re.compile(rf"\s*(?:{languages.alternatives('WITHHELD_AFTER_WORDS')})", re.I)
# ATC groups of agents that diagnose or enable a procedure rather than treat: diagnostic agents
# (V04), contrast media (V08), radiopharmaceuticals (V09), anaesthetics (N01).
_DIAGNOSTIC_ATC = ("V04", "V08", "V09", "N01")
# … but therapeutic radiopharmaceuticals (V10: radioiodine, radium-223, lutetium-177) treat.
_THERAPEUTIC_RADIOPHARMACEUTICAL_ATC = "V10"
_PROCEDURAL_CLASS = re.compile(r"an(?:a)?esthe|contrast|radiopharmaceutical|diagnostic", re.I)
# "under sedation", "under general anaesthesia": a state of a procedure, not an agent given.
_PROCEDURAL_STATE = re.compile(r"^(?:sedation|an(?:a)?esthesia|narcosis|镇静|麻醉)$", re.I)
_STILL_A_TREATMENT = re.compile(r"antiarrhythmic", re.I)
_PROCEDURAL_BEFORE = re.compile(
    r"(?:an(?:a)?esthe(?:sia|tic)|sedation|麻醉|镇静)\s*(?:with|using|by|by means of|予|用)\s*$", re.I
)

# "bronchoalveolar lavage … with 150 mL saline", "irrigated with normal saline", "灌洗液为生理盐水":
# the fluid is a procedure's medium, not fluid given to the patient (the fluids agent of the drug
# supplement only: a drug instilled by irrigation, "bladder irrigation with amphotericin B", is given).
_MEDIUM_BEFORE = re.compile(r"lavage|irrigat|flush|wash(?:ed|ing)|灌洗|冲洗", re.I)
_FLUID_AGENTS = frozenset({"intravenous fluids"})


def is_treatment(doc: Doc, m: Mention, sentence_start: int) -> bool:
    """Whether the drug mention `m` names something given to the patient as treatment."""
    lab = _LAB_CONTEXT.match(doc.text, m.end)
    if lab and not (lab.group().endswith("%") and _FORM_AFTER_PERCENT.match(doc.text, lab.end())):
        return False
    if _NOT_GIVEN_BEFORE.search(doc.text, max(sentence_start, m.start - 80), m.start):
        return False
    if _WITHHELD_BEFORE.search(doc.text, max(sentence_start, m.start - 40), m.start):
        return False
    if _WITHHELD_AFTER.match(doc.text, m.end):
        return False
    if _PROCEDURAL_STATE.match(doc.text[m.start : m.end]):
        return False
    if _PROCEDURAL_BEFORE.search(doc.text, max(sentence_start, m.start - 40), m.start):
        return False  # "under local anaesthesia with lidocaine"
    agent = m.concepts[0].code
    if agent in _FLUID_AGENTS and _MEDIUM_BEFORE.search(doc.text, max(sentence_start, m.start - 80), m.start):
        return False
    if _PROCEDURAL_CLASS.search(agent):
        return False  # the classes themselves: "local anaesthetics", "contrast media"
    drug = doc.vocab.drugs.get(agent)
    if drug is None:
        return True
    if drug.code.startswith(_THERAPEUTIC_RADIOPHARMACEUTICAL_ATC):
        return True  # radioiodine for Graves disease is a treatment, not a tracer
    procedural = drug.code.startswith(_DIAGNOSTIC_ATC) or (
        drug.drug_class and _PROCEDURAL_CLASS.search(drug.drug_class)
    )
    return not procedural or bool(_STILL_A_TREATMENT.search(drug.drug_class or ""))


def _class_words(name: str) -> frozenset[str]:
    """The words of a drug class without plurals and the words that only say it is a treatment:
    "corticosteroids" -> {corticosteroid}, "antiretroviral therapy" -> {antiretroviral}."""
    words = re.findall(r"[a-z0-9-]+", name.lower())
    return frozenset(w.removesuffix("s") for w in words if w not in _TREATMENT_WORDS)


_TREATMENT_WORDS = {"therapy", "treatment", "drug", "drugs", "agent", "agents", "medication", "medications"}


def fold_class_mentions(doc: Doc, facts: list[dict]) -> list[dict]:
    """A drug class of a patient who is given a drug of that class names that drug: "激素治疗后体温
    恢复正常" after dexamethasone, "出院时激素已减为泼尼松60 mg", "other antibiotics" after
    vancomycin. Such a class mention becomes a mention of the nearest drug of its class (the last
    named before it, else the first after it), so `merge_treatments` keeps its span and what it
    says (a dose change, a stop reason) under that drug; a class with no drug of its own stays.
    """
    if not languages.get(doc.language).CLASS_NAMES_GIVEN_DRUG:
        return facts
    members = []
    for fact in facts:
        drug = doc.vocab.drugs.get(fact["agent"])
        if drug is not None and drug.drug_class and drug.drug_class != "class":
            members.append((fact, _class_words(drug.drug_class)))
    if not members:
        return facts
    for fact in facts:
        drug = doc.vocab.drugs.get(fact["agent"])
        if drug is None or drug.drug_class != "class":
            continue
        words = _class_words(drug.inn)
        of_class = [m for m, own in members if words and words <= own]
        if not of_class:
            continue
        at = fact["evidence"]["start"]
        before = [m for m in of_class if m["evidence"]["start"] < at]
        member = before[-1] if before else min(of_class, key=lambda m: m["evidence"]["start"])
        fact["agent"], fact["code"] = member["agent"], member["code"]
    return facts


# What a mention says about the administration, for choosing the clearest one.
_DETAIL_KEYS = ("dose", "unit", "route", "frequency", "duration", "stopped_because")
# Attributes one mention may add to the agent's fact when the clearest mention lacks them.
_FILLED_KEYS = ("stopped_because", "duration", "route", "frequency", "daily_dose")


def _detail(fact: dict) -> int:
    return sum(1 for key in _DETAIL_KEYS if fact.get(key) is not None)


def merge_treatments(facts: list[dict]) -> list[dict]:
    """One fact per agent, in the order of first mention (`merging.merge_facts`): the clearest
    mention (most administration details; the first of equals) with every mention's span under
    "mentions", dose changes of all mentions in text order, and stop reasons, durations, routes
    and frequencies the clearest mention lacks taken from the others."""
    groups: dict[str, list[dict]] = {}
    for fact in sorted(facts, key=lambda f: f["evidence"]["start"]):
        groups.setdefault(fact["agent"], []).append(fact)
    merged = merge_facts(facts, key=lambda f: f["agent"], rank=lambda f: -_detail(f))
    for best in merged:
        group = groups[best["agent"]]
        for key in _FILLED_KEYS:
            if best.get(key) is None:
                given = next((f[key] for f in group if f.get(key) is not None), None)
                if given is not None:
                    best[key] = given
        changes = [c for f in group for c in f.get("dose_changes", [])]
        if changes:
            best["dose_changes"] = sorted(changes, key=lambda c: c["evidence"]["start"])
        stated = [f["change"] for f in group if f.get("change")]
        if stated:
            best["change"] = stated[-1]  # the last change the report states is where it ended
    return merged
