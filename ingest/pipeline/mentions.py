"""Stage: mentions. Every place the report names something the vocabulary knows.

One Aho-Corasick pass of the compiled vocabulary (`vocabulary.py`) over the matcher view of the
text gives the mentions of findings, diseases, drugs and analytes, overlaps already resolved.
Two additions make the list fit the report at hand:

- abbreviations the report defines ("diabetic ketoacidosis (DKA)") stand for the same concept
  wherever they are used later in that report;
- a prefix that negates the first word of a finding ("non-bloody diarrhoea", 非血性腹泻) leaves
  the finding the other words name (diarrhoea), present;
- a word with a stem that only drug names have ("…tinib", "…zumab") is a drug even when no list
  knows it yet;
- degree or course words written inside a finding's words ("结膜明显充血", conjunctiva markedly
  hyperaemic) do not hide the finding the words around them name (结膜充血);
- a negation written inside a finding's words ("双下肢无水肿", legs without oedema) gives the
  finding those words name without it (双下肢水肿), stated absent; an organ stated not palpable
  or not enlarged ("肝、脾肋下未触及", "the spleen was not palpable") gives its enlargement,
  stated absent.

The later stages (assertions, findings, measurements, treatments, outcomes) only read mentions.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from vocab import languages
from vocab.hpo import load_hpo

from .document import Doc
from .quantities import QUALIFIERS
from .vocabulary import ANALYTE, DISEASE, DRUG, FINDING, HPO, Concept, Mention


def find_mentions(doc: Doc) -> list[Mention]:
    """All mentions of `doc`, sorted by (start, longest first)."""
    mentions = _with_negated_modifier(doc, _with_released_negation(doc, doc.vocab.find(doc.key)))
    mentions = _with_shared_body_part(doc, _with_infix_modifiers(doc, mentions))
    # (after the abbreviations a report defines, so that "growth hormone (GH)" still defines GH when
    # the name across the bracket, "growth hormone (GH) deficiency", takes the drug's words)
    mentions = _with_names_around_abbreviations(
        doc, _with_abbreviations(doc, _with_site_findings(doc, mentions))
    )
    mentions = _with_transfused_components(doc, _with_negated_phrases(doc, mentions))
    return _with_regimen_components(doc, _with_inn_stems(doc, _without_places(doc, mentions)))


def _without_places(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """The mentions less the findings that name a clinic or department with the word after them
    (发热门诊, 感染科): the place the patient went, not a finding."""
    place = languages.get(doc.language).PLACE_AFTER_FINDING_RE
    if place is None:
        return mentions
    return [m for m in mentions if m.kind not in (HPO, FINDING, DISEASE) or not place.match(doc.key, m.end)]


def most_specific(concepts: tuple[Concept, ...]) -> Concept:
    """Of the HPO terms one surface form stands for, the deepest in the ontology."""
    if len(concepts) == 1:
        return concepts[0]
    hpo = load_hpo()

    def depth(c: Concept) -> int:
        term = hpo.get(c.code)
        return len(term.ancestors) if term else 0

    return max(concepts, key=depth)


_ABBREVIATION = re.compile(r"\s*[(（]\s*([A-Za-z][A-Za-z0-9-]{1,9})\s*[)）]")


def _defines(name: str, abbr: str) -> bool:
    """Whether the bracketed word after a name is its abbreviation: mostly capitals ("DKA",
    "cGVHD", "SSc", "C0") and, after a Latin-script name, starting with the name's first letter
    (as in the Schwartz-Hearst rule). A bracketed plain word ("effusion
    (bilateral)", "ascites (mild)") is a description, not a name every later "mild" stands for."""
    if abbr.isdigit() or abbr.lower() == name.lower():
        return False
    letters = [c for c in abbr if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    if capitals == 0 or 2 * capitals < len(letters):
        return False
    words = re.findall(r"[A-Za-z]+", name)
    # a Chinese name (游离肉碱（C0）) has no initials; an English one begins with the abbreviation's
    # letter ("dilated left ventricle (LV)": LV is the ventricle, not its dilatation)
    return not words or abbr[0].lower() == words[0][0].lower()


# A bracketed abbreviation written inside a name, between its words: "抗环瓜氨酸肽（CCP）抗体",
# "抗磷脂酶A2受体（PLA2R）抗体", "heart failure (HF) with reduced ejection fraction".
# (found by its bracket, then widened over the spaces around it: a pattern that began with the
# spaces would be tried at every character)
_INNER_ABBREVIATION = re.compile(r"[(（]\s*[A-Za-z][A-Za-z0-9-]{1,9}\s*[)）]")
_AROUND = 30  # characters read on each side of such a bracket


def _with_names_around_abbreviations(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A name the vocabulary knows, read with the bracketed abbreviation inside it left out, is a
    mention from its first word to its last (the bracket inside its evidence)."""
    added: list[Mention] = []
    # a test named whole before its abbreviation, its result word after ("抗核抗体（ANA）阳性"): the
    # measurement stage reads that result (not "growth hormone (GH) deficiency", a finding)
    tests_end = {m.end for m in mentions if m.kind == ANALYTE}
    # a drug named whole before its abbreviation: "tacrolimus (FK506) levels" is the drug's bracket and
    # the drug's level, no test read across it ("growth hormone (GH) deficiency" is a finding across it)
    drugs_end = {m.end for m in mentions if m.kind == DRUG}
    for bm in _INNER_ABBREVIATION.finditer(doc.key):
        a, b = bm.span()
        while a > 0 and doc.key[a - 1].isspace():
            a -= 1
        while b < len(doc.key) and doc.key[b].isspace():
            b += 1
        if a in tests_end and any(pattern.match(doc.text, b) for _, pattern in QUALIFIERS):
            continue
        before, after = doc.key[max(0, a - _AROUND) : a], doc.key[b : b + _AROUND]
        joined = before + (" " if before[-1:].isascii() and after[:1].isascii() else "") + after
        gap = len(joined) - len(before) - len(after)  # the space put back between Latin words
        straddling = [
            m
            for m in doc.vocab.find(joined)
            if m.kind != DRUG and m.start < len(before) and m.end > len(before) + gap
        ]
        if a in drugs_end:
            straddling = [m for m in straddling if m.kind != ANALYTE]
        if straddling:
            # a test's name before a finding named with its result ("抗双链DNA抗体" in "…抗体阳性"):
            # the measurement stage reads the result, and the finding it implies, after the test
            m = max(straddling, key=lambda m: (m.kind == ANALYTE, m.end - m.start))
            start = a - (len(before) - m.start)
            added.append(Mention(start, b + m.end - len(before) - gap, m.concepts))
    if not added:
        return mentions
    covered = [(m.start, m.end) for m in added]
    kept = [m for m in mentions if not any(x <= m.start and m.end <= y for x, y in covered)]
    return sorted(kept + added, key=lambda m: (m.start, -m.end))


def _with_abbreviations(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Abbreviations the report defines ("diabetic ketoacidosis (DKA)") stand for the same concept
    wherever they are used later in that report."""
    aliases: dict[str, tuple] = {}
    defined: dict[tuple[int, int], int] = {}  # the abbreviation's span -> the bracket's end
    for m in mentions:
        am = _ABBREVIATION.match(doc.text, m.end)
        if am and _defines(doc.text[m.start : m.end], am.group(1)):
            aliases.setdefault(am.group(1), m.concepts)
            defined[am.span(1)] = am.end()
    if not aliases:
        return mentions
    # The bracketed abbreviation right after its definition is the same mention, not a second
    # one: the mention runs to the closing bracket, so its evidence shows the abbreviation a
    # reader meets again later ("graft-versus-host disease (GVHD)").
    # A drug's name stays as written (its dose follows the bracket), so its bracketed abbreviation
    # is a mention of its own ("methotrexate (MTX) 15 mg weekly": MTX names the drug again).
    kept: list[Mention] = []
    for m in mentions:
        if (m.start, m.end) in defined:
            continue
        am = _ABBREVIATION.match(doc.text, m.end)
        if am and am.span(1) in defined and doc.text[m.start].isascii():
            if m.kind in _ABBREVIATED_KINDS:
                m = Mention(m.start, am.end(), m.concepts)
            elif m.kind == DRUG:
                kept.append(Mention(*am.span(1), m.concepts))
        kept.append(m)
    mentions = kept
    taken = bytearray(len(doc.text) + 1)
    for a, b in [(m.start, m.end) for m in mentions] + list(defined):
        taken[a:b] = b"\x01" * (b - a)
    extra: list[Mention] = []
    pattern = re.compile(
        r"(?<![A-Za-z0-9-])("
        + "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
        + r")(?![A-Za-z0-9-])"
    )
    for am in pattern.finditer(doc.text):
        a, b = am.span()
        if taken.find(1, a, b) != -1:
            continue
        extra.append(Mention(a, b, aliases[am.group(1)]))
    if not extra:
        return sorted(mentions, key=lambda m: (m.start, -m.end))
    return sorted(mentions + extra, key=lambda m: (m.start, -m.end))


# Findings and diseases only: a test's or a drug's name stays as written, since its value or dose
# is read from the words right after it ("C-reactive protein (CRP) 45 mg/L"). Latin-script names
# only: a Chinese abbreviation may stand for more than the words matched (重症急性胰腺炎（SAP）).
_ABBREVIATED_KINDS = frozenset({HPO, DISEASE, FINDING})


# Blood components listed after a transfusion word ("transfusions of red cells and platelets",
# "输注红细胞、血小板"): each is the component given. The bare words name tests elsewhere
# ("platelets 45 × 10^9/L"), so only this context makes them a drug.
_COMPONENT_AGENTS = [
    (agent, languages.alternatives("BLOOD_COMPONENT_WORDS", agent))
    for agent in languages.merged("BLOOD_COMPONENT_WORDS")
]
_COMPONENT_RE = re.compile(
    "|".join(f"(?P<c{i}>{words})" for i, (_, words) in enumerate(_COMPONENT_AGENTS)), re.I
)
_ANY_COMPONENT = "|".join(f"(?:{words})" for _, words in _COMPONENT_AGENTS)
_COMPONENT_AMOUNT = r"(?:\d+(?:\.\d+)?\s*(?:units?|u|iu|单位|治疗量|袋|ml|毫升)\s*(?:of\s+)?)?"
_COMPONENT_JOIN = r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|plus)\s|、|以及|和|及|与|加|\+|/)\s*"
_TRANSFUSED_RE = re.compile(
    rf"(?:{languages.alternatives('TRANSFUSION_WORDS')})\s*{_COMPONENT_AMOUNT}"
    rf"(?:{_ANY_COMPONENT})(?:{_COMPONENT_JOIN}{_COMPONENT_AMOUNT}(?:{_ANY_COMPONENT}))*",
    re.I,
)


def _with_transfused_components(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Blood components named after a transfusion word are drug mentions of the component given
    (the drug lexicon's transfusion agent), where the vocabulary found none."""
    drugs = [(m.start, m.end) for m in mentions if m.kind == DRUG]
    added: list[Mention] = []
    for tm in _TRANSFUSED_RE.finditer(doc.text):
        for cm in _COMPONENT_RE.finditer(doc.text, tm.start(), tm.end()):
            a, b = cm.span()
            if any(p <= a and b <= q for p, q in drugs):
                continue  # the vocabulary names it already ("新鲜冰冻血浆", "packed red blood cells")
            agent = _COMPONENT_AGENTS[int(cm.lastgroup[1:])][0]
            given = _whole_term(doc, agent, (DRUG,))
            if given is not None:
                added.append(Mention(a, b, given.concepts))
    if not added:
        return mentions
    # what lay inside a component's words goes (the test "platelets"), and so does a drug name
    # that only overlaps them: 输血 (a blood transfusion) in 输血小板 is the platelets given
    kept = [
        m
        for m in mentions
        if not any(
            (n.start <= m.start and m.end <= n.end)
            or (m.kind == DRUG and m.start < n.end and n.start < m.end)
            for n in added
        )
    ]
    return sorted(kept + added, key=lambda m: (m.start, -m.end))


# Multi-drug regimens by their acronym, as written in both languages ("six cycles of R-CHOP",
# "予XELOX方案化疗"): a researcher asks what was given, so each component is a drug mention on the
# acronym's span. Only acronyms that name nothing else here; shorter ones below, beside a regimen word.
_REGIMENS = {
    "R-CHOP": ("rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"),
    "CHOP": ("cyclophosphamide", "doxorubicin", "vincristine", "prednisone"),
    "R-CVP": ("rituximab", "cyclophosphamide", "vincristine", "prednisone"),
    "ABVD": ("doxorubicin", "bleomycin", "vinblastine", "dacarbazine"),
    "BEACOPP": (
        "bleomycin",
        "etoposide",
        "doxorubicin",
        "cyclophosphamide",
        "vincristine",
        "procarbazine",
        "prednisone",
    ),
    "BEP": ("bleomycin", "etoposide", "cisplatin"),
    "FOLFOX": ("leucovorin", "fluorouracil", "oxaliplatin"),
    "FOLFIRI": ("leucovorin", "fluorouracil", "irinotecan"),
    "FOLFIRINOX": ("leucovorin", "fluorouracil", "irinotecan", "oxaliplatin"),
    "XELOX": ("capecitabine", "oxaliplatin"),
    "CAPOX": ("capecitabine", "oxaliplatin"),
    "GEMOX": ("gemcitabine", "oxaliplatin"),
    "FLOT": ("fluorouracil", "leucovorin", "oxaliplatin", "docetaxel"),
    "VRd": ("bortezomib", "lenalidomide", "dexamethasone"),
    "CyBorD": ("cyclophosphamide", "bortezomib", "dexamethasone"),
    "HRZE": ("isoniazid", "rifampicin", "pyrazinamide", "ethambutol"),
}
_REGIMEN_RE = re.compile(
    r"(?<![A-Za-z0-9-])(?P<name>"
    + "|".join(re.escape(name).replace(r"\-", "[-–]?") for name in sorted(_REGIMENS, key=len, reverse=True))
    + r")(?:[-–]?\d{2})?(?![A-Za-z])"
)
# The regimen of a match as written ("RCHOP", "R–CHOP"): its name without hyphens.
_REGIMEN_BY_LETTERS = {name.replace("-", ""): name for name in _REGIMENS}
# Short acronyms that also name other things ("AC" a joint, "VAD" a device, "PAD" a disease, "GC"
# glucocorticoids): a regimen only beside a regimen word of the report's languages ("EP方案",
# "AC chemotherapy", "four cycles of EC"). Not "TC": paclitaxel-carboplatin or
# docetaxel-cyclophosphamide, by specialty.
_WORDED_REGIMENS = {
    "AC": ("doxorubicin", "cyclophosphamide"),
    "EC": ("epirubicin", "cyclophosphamide"),
    "FEC": ("fluorouracil", "epirubicin", "cyclophosphamide"),
    "CMF": ("cyclophosphamide", "methotrexate", "fluorouracil"),
    "EP": ("etoposide", "cisplatin"),
    "GP": ("gemcitabine", "cisplatin"),
    "GC": ("gemcitabine", "cisplatin"),
    "TP": ("paclitaxel", "cisplatin"),
    "DP": ("docetaxel", "cisplatin"),
    "EPOCH": ("etoposide", "prednisone", "vincristine", "cyclophosphamide", "doxorubicin"),
    "VAD": ("vincristine", "doxorubicin", "dexamethasone"),
    "PAD": ("bortezomib", "doxorubicin", "dexamethasone"),
    "MP": ("melphalan", "prednisone"),
    "VMP": ("bortezomib", "melphalan", "prednisone"),
}
_WORDED_REGIMEN_RE = re.compile(
    r"(?<![A-Za-z0-9-])(?P<name>"
    + "|".join(sorted(_WORDED_REGIMENS, key=len, reverse=True))
    + r")(?![A-Za-z0-9-])"
)
_REGIMEN_WORD_AFTER = re.compile(languages.alternatives("REGIMEN_AFTER_WORDS"), re.I)
_REGIMEN_WORD_BEFORE = re.compile(rf"(?:{languages.alternatives('REGIMEN_BEFORE_WORDS')})$", re.I)


def _with_regimen_components(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Each component of a regimen named by its acronym, as a drug mention on the acronym."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for rm in _REGIMEN_RE.finditer(doc.text):
        name = _REGIMEN_BY_LETTERS[re.sub("[-–]", "", rm.group("name"))]
        found.append((*rm.span("name"), _REGIMENS[name]))
    for rm in _WORDED_REGIMEN_RE.finditer(doc.text):
        a, b = rm.span("name")
        if _REGIMEN_WORD_AFTER.match(doc.text, b) or _REGIMEN_WORD_BEFORE.search(doc.text, max(0, a - 30), a):
            found.append((a, b, _WORDED_REGIMENS[rm.group("name")]))
    added: list[Mention] = []
    for a, b, agents in found:
        for agent in agents:
            given = _whole_term(doc, agent, (DRUG,))
            if given is not None:
                added.append(Mention(a, b, given.concepts))
    if not added:
        return mentions
    return sorted(mentions + added, key=lambda m: (m.start, -m.end))


# Stems that only drug names have (targeted therapies are named faster than any list is updated).
_NEW_DRUG_RE = re.compile(
    r"(?<![A-Za-z-])[A-Za-z]{3,}(?:tinib|zumab|ximab|mumab|tumab|ciclib|parib|lisib|rafenib|zomib|degib)(?![A-Za-z-])"
)


def _with_inn_stems(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    taken = bytearray(len(doc.text) + 1)
    for m in mentions:
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    extra = []
    for dm in _NEW_DRUG_RE.finditer(doc.text):
        a, b = dm.span()
        if taken.find(1, a, b) == -1:
            name = dm.group(0).lower()
            extra.append(Mention(a, b, (Concept(DRUG, name, name, 3),)))
    if not extra:
        return mentions
    return sorted(mentions + extra, key=lambda m: (m.start, -m.end))


_INFIX_REACH = 6  # characters of the finding's words on either side of the negation
_CLAUSE_PUNCTUATION = re.compile(r"[,，;；:：。、.()（）\s]")


def _with_site_findings(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "atrophy of the optic nerve", "hypertrophy of the left ventricle": the finding the
    vocabulary names with the part first is a mention over the whole phrase, and the bare
    "atrophy" or "hypertrophy" inside it goes. The longest part that names a term wins."""
    lang = languages.get(doc.language)
    added: list[Mention] = []
    for start, end, names in lang.site_findings(doc.key):
        if added and added[-1].start == start:
            continue  # a longer part of this phrase already named a term
        found = next((t for name in names if (t := _whole_term(doc, name)) is not None), None)
        if found is not None:
            added.append(Mention(start, end, found.concepts))
    # "deep tendon reflexes were absent": the part and its predicate name the finding together; not
    # a test's ("his CRP was elevated" is the measurement stage's, with the finding it implies)
    tests = [(m.start, m.end) for m in mentions if m.kind == ANALYTE]
    for part_end, candidates in lang.predicate_findings(doc.key):
        for start, end, names in candidates:
            # the test is the part the verb is said of ("his CRP was elevated"), not a word of it
            # ("temperature sensation was reduced")
            if any(start <= a and b == part_end for a, b in tests):
                break
            found = next((t for name in names if (t := _whole_term(doc, name)) is not None), None)
            if found is not None:
                added.append(Mention(start, end, found.concepts))
                break
    return _replace_inside(mentions, added) if added else mentions


def _with_negated_phrases(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Findings named by a phrase that states their absence, beyond the vocabulary's own absent
    forms: an organ stated not enlarged, a negation inside a finding's words."""
    lang = languages.get(doc.language)
    added = (
        _absent_by_name(doc, lang.not_enlarged(doc.key))
        + _absent_by_name(doc, lang.normal_examinations(doc.key))
        + _infix_negations(doc)
    )
    return _replace_inside(mentions, added) if added else mentions


def _infix_negations(doc: Doc) -> list[Mention]:
    """ "双下肢无水肿", "肝脾未触及肿大": the words around the negation name a finding together
    (双下肢水肿 is pedal oedema, a more specific term than the 水肿 after the cue). Such a finding
    is a mention over the whole phrase, stated absent; what was found inside it goes."""
    lang = languages.get(doc.language)
    if lang.INFIX_NEGATION_RE is None:
        return []
    modifiers = lang.INFIX_MODIFIER_RE
    added = []
    for cue in lang.INFIX_NEGATION_RE.finditer(doc.key):
        p, q = cue.span()
        if any(
            a <= p < b
            for a, b in (m.span() for m in lang.PSEUDO_NEGATION_RE.finditer(doc.key, max(0, p - 3), q + 6))
        ):
            continue  # "肌无力", "无明显诱因": no negation here
        left = _CLAUSE_PUNCTUATION.split(doc.key[max(0, p - _INFIX_REACH) : p])[-1]
        # Degree and extent words after the cue are read away ("双下肢无明显水肿", "甲状腺无明显肿大",
        # "双下肢无凹陷性水肿"): the finding is the part's with or without them. Matched on the words
        # after the cue alone, as the pattern reads no modifier right after a negation in the text.
        degree = modifiers.match(doc.key[q : q + _INFIX_REACH]) if modifiers is not None else None
        skip = degree.end() if degree else 0
        right = _CLAUSE_PUNCTUATION.split(doc.key[q + skip : q + skip + _INFIX_REACH])[0]
        if not left or not right:
            continue
        for m in doc.vocab.find(left + right):
            if m.kind not in (HPO, FINDING) or not m.start < len(left) < m.end:
                continue  # only a finding whose words the negation splits
            start, end = p - len(left) + m.start, q + skip + m.end - len(left)
            concepts = tuple(dataclasses.replace(c, absent=True) for c in m.concepts)
            added.append(Mention(start, end, concepts))
    return added


_RELEASE_REACH = 30  # characters after a negation cue read again, up to the end of its clause


def _with_released_negation(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "无尿频、尿急", "无尿频尿急尿痛": a term that starts with a negation character (无尿, anuria)
    and ends inside a longer finding written right after the cue (尿频, urinary frequency) is the
    cue and that finding: the longest-match rule, leftmost first, had taken the cue's character
    as the term's own. The rest of the clause after the cue is read again without it (尿频, 尿急,
    尿痛 rather than 频尿, Taiwan's word for 尿频, across two of them), and the assertions read the
    cue before the findings."""
    lang = languages.get(doc.language)
    cue_re = lang.INFIX_NEGATION_RE
    if cue_re is None:
        return mentions
    clinical = (HPO, FINDING, DISEASE)
    out, changed = list(mentions), False
    for m in mentions:
        cue = cue_re.match(doc.key, m.start) if m.kind in clinical else None
        if cue is None or cue.end() >= m.end or lang.PSEUDO_NEGATION_RE.match(doc.key, m.start):
            continue
        q = cue.end()
        clause = _CLAUSE_PUNCTUATION.search(doc.key, q, q + _RELEASE_REACH)
        if clause is None:
            continue  # no end of the clause in reach: the words are left as they were read
        again = [f for f in doc.vocab.find(doc.key[q : clause.start()]) if f.kind in clinical]
        if not any(f.start == 0 and q + f.end > m.end for f in again):
            continue  # a finding of its own (无尿 alone, 无尿，…)
        out = [o for o in out if o.kind not in clinical or not (m.start <= o.start < clause.start())]
        out.extend(Mention(q + f.start, q + f.end, f.concepts) for f in again)
        changed = True
    return sorted(out, key=lambda m: (m.start, -m.end)) if changed else mentions


def _with_negated_modifier(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "non-bloody diarrhoea", "non-productive cough", "非化脓性结膜炎": a finding whose first word
    a prefix negates is the finding the rest of its words name (diarrhoea, cough, conjunctivitis),
    present; the longer term (bloody diarrhoea) is neither present nor stated absent. A term that
    holds the prefix itself ("non-pitting oedema", 非霍奇金淋巴瘤) starts before it and stays."""
    prefix = languages.get(doc.language).MODIFIER_NEGATION_RE
    if prefix is None:
        return mentions
    clinical = (HPO, FINDING, DISEASE)
    out = []
    for m in mentions:
        if m.kind not in clinical or not prefix.search(doc.key, max(0, m.start - 5), m.start):
            out.append(m)
            continue
        words = doc.key[m.start : m.end]
        head = _rest_that_names_a_finding(doc, words, clinical)
        if head is None:
            out.append(m)  # one word ("non-tender"), or no finding in the rest: the prefix negates it
            continue
        offset, concepts = head
        out.append(Mention(m.start + offset, m.end, concepts))
    return out


def _rest_that_names_a_finding(doc: Doc, words: str, kinds: tuple[str, ...]) -> tuple[int, tuple] | None:
    """(offset, concepts) of the longest end of `words`, after its first word (or character, in
    Han script), that the vocabulary knows whole as a finding; None when none is."""
    for i in range(1, len(words)):
        if not (_is_han(words[i]) or (not words[i - 1].isalnum() and words[i].isalnum())):
            continue  # an end starts at a word, or at any Han character
        whole = _whole_term(doc, words[i:], kinds)
        if whole is not None:
            return i, whole.concepts
    return None


def _is_han(ch: str) -> bool:
    return languages.CJK_RE.match(ch) is not None


def _with_infix_modifiers(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "结膜明显充血", "食欲一天比一天差": degree or course words written inside a finding's words.
    The words on both sides, read without them, name the finding (结膜充血, 食欲差): a mention over
    the whole phrase. Only a finding the modifier splits counts, and never one that a longer
    mention already covers."""
    pattern = languages.get(doc.language).INFIX_MODIFIER_RE
    if pattern is None:
        return mentions
    added = []
    for cue in pattern.finditer(doc.key):
        p, q = cue.span()
        left = _CLAUSE_PUNCTUATION.split(doc.key[max(0, p - _INFIX_REACH) : p])[-1]
        right = _CLAUSE_PUNCTUATION.split(doc.key[q : q + _INFIX_REACH])[0]
        if not left or not right:
            continue
        found = [
            m
            for m in doc.vocab.find(left + right)
            if m.kind in (HPO, FINDING) and m.start < len(left) < m.end
        ]
        for m in found[:1] if found else ():
            start, end = p - len(left) + m.start, q + m.end - len(left)
            if any(
                (o.kind in (HPO, FINDING) and o.start <= start and end <= o.end)
                or (o.kind == ANALYTE and o.start < end and start < o.end)
                for o in mentions
            ):
                continue  # already read whole, or a test's result ("铁蛋白明显升高"): measurements read it
            added.append(Mention(start, end, m.concepts))
    return _replace_inside(mentions, added) if added else mentions


def _with_shared_body_part(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "下肢麻木和无力", "胃部明显不适、疼痛": a finding right after a joiner takes the body part
    written earlier in its clause, when the two together name a finding of their own (下肢无力,
    lower-limb weakness, not weakness in general; 胃部疼痛). The part is the longest (then the
    first) run of at most `_PART_REACH` characters of the clause before the joiner that does;
    the mention keeps its own span."""
    join = languages.get(doc.language).SHARED_PART_JOIN_RE
    if join is None:
        return mentions
    replaced: dict[int, Mention] = {}
    findings = [m for m in mentions if m.kind in (HPO, FINDING)]
    for m in findings:
        joiner = _joiner_ending_at(doc.key, join, m.start)
        if joiner is None:
            continue
        clause = _CLAUSE_PUNCTUATION.split(doc.key[max(0, joiner.start() - 20) : joiner.start()])[-1]
        base = joiner.start() - len(clause)
        own = doc.key[m.start : m.end]
        for i, part in _runs(clause, _PART_REACH):
            a, b = base + i, base + i + len(part)
            at = joiner.start()
            if any(f.start < b and a < f.end and not _leading_part(f, a, b, at) for f in findings):
                continue  # a finding is no body part: 恶心、呕吐 are two findings, not 恶心呕吐
            found = _whole_term(doc, part + own)
            if found is not None:
                if found.concepts != m.concepts:
                    replaced[id(m)] = Mention(m.start, m.end, found.concepts)
                break
    mentions = [replaced.get(id(m), m) for m in mentions] if replaced else mentions
    return _with_finding_shared_by_parts(doc, mentions, join)


def _leading_part(finding: Mention, a: int, b: int, joiner: int) -> bool:
    """ "口唇红肿、破溃": the part may be the first words of the finding right before the joiner
    (口唇 of 口唇红肿), when it stops short of the finding's last words: the second finding
    (破溃) is the lips' too. Two characters at least: 肝 of 肝硬化 is no part of "肝硬化、脾大"."""
    return finding.end == joiner and finding.start == a and a + 2 <= b < finding.end - 1


def _with_finding_shared_by_parts(doc: Doc, mentions: list[Mention], join: re.Pattern[str]) -> list[Mention]:
    """ "颜面及双下肢浮肿", "眼睑和双下肢水肿": a finding written once after two body parts is each
    part's. The part before the joiner, with the finding's words, names a finding of its own (颜面浮肿,
    facial oedema; 眼睑水肿): a mention over that part. A list of parts is walked back part by part
    ("颜面、眼睑及双下肢水肿", "肝、脾、淋巴结肿大") while each one names a finding with the words."""
    findings = [m for m in mentions if m.kind in (HPO, FINDING)]
    added = []
    for m in findings:
        own, at = doc.key[m.start : m.end], m.start
        for _ in range(_LIST_PARTS):
            part_mention = _shared_part_before(doc, mentions, join, at, own)
            if part_mention is None:
                break
            added.append(part_mention)
            at = part_mention.start
    return sorted(mentions + added, key=lambda m: (m.start, -m.end)) if added else mentions


def _shared_part_before(
    doc: Doc, mentions: list[Mention], join: re.Pattern[str], at: int, own: str
) -> Mention | None:
    """The mention of the part written before the joiner that ends at `at`, when the part with an
    end of the finding's words `own` names a term; None when there is no such part."""
    joiner = _joiner_ending_at(doc.key, join, at)
    if joiner is None:
        return None
    clause = _CLAUSE_PUNCTUATION.split(doc.key[max(0, joiner.start() - _PART_REACH) : joiner.start()])[-1]
    base = joiner.start() - len(clause)
    for i, part in _runs(clause, _PART_REACH):
        a, b = base + i, base + i + len(part)
        if b != joiner.start() or any(f.start < b and a < f.end for f in mentions):
            continue  # the part must end at the joiner and name nothing itself
        # the finding's words are an end of its mention, the longest that names a term with the part
        ends = (own[k:] for k in range(1, len(own)))
        named = next((t for end in ends if (t := _whole_term(doc, part + end)) is not None), None)
        if named is not None:
            return Mention(a, b, named.concepts)
    return None


def _joiner_ending_at(text: str, join: re.Pattern[str], at: int) -> re.Match[str] | None:
    """The longest joiner of at most 3 characters that ends right at `at` ("、" in "肝、脾、淋巴结":
    not the first joiner of the window, which may end before it)."""
    for start in range(max(0, at - 3), at):
        found = join.fullmatch(text, start, at)
        if found is not None:
            return found
    return None


_LIST_PARTS = 4  # parts of a list walked back from the finding written after the last one
_PART_REACH = 4  # characters that may name a body part (双下肢, 颜面, 胃部)


def _runs(text: str, longest: int) -> Iterable[tuple[int, str]]:
    """(offset, run) for the runs of `text` of at most `longest` characters, longest first, then
    from the left."""
    for size in range(min(longest, len(text)), 0, -1):
        for i in range(len(text) - size + 1):
            yield i, text[i : i + size]


def _absent_by_name(doc: Doc, phrases: Iterable[tuple[int, int, list[str]]]) -> list[Mention]:
    """Findings a phrase states absent, each given as (start, end, names the finding may have):
    an organ not enlarged ("肝、脾肋下未触及", "the spleen was not palpable": 肝肿大 …), an
    examination found normal ("头颅CT和MRI亦未发现病变": 头颅影像异常). The first name the
    vocabulary knows as an HPO term is the finding."""
    added = []
    for start, end, names in phrases:
        for name in names:
            found = _whole_term(doc, name)
            if found is not None:
                concepts = tuple(dataclasses.replace(c, absent=True) for c in found.concepts)
                added.append(Mention(start, end, concepts))
                break
    return added


def _whole_term(doc: Doc, name: str, kinds: tuple[str, ...] = (HPO,)) -> Mention | None:
    """The vocabulary's mention of `name` as a whole, of one of `kinds`; None when no term is
    exactly `name`."""
    return next(
        (m for m in doc.vocab.find(name) if m.kind in kinds and (m.start, m.end) == (0, len(name))), None
    )


def _replace_inside(mentions: list[Mention], added: list[Mention]) -> list[Mention]:
    """`mentions` with `added`, less the clinical mentions that lie inside an added one."""
    covered = [(m.start, m.end) for m in added]
    kept = [
        m
        for m in mentions
        if m.kind not in (HPO, FINDING) or not any(a <= m.start and m.end <= b for a, b in covered)
    ]
    return sorted(kept + added, key=lambda m: (m.start, -m.end))
