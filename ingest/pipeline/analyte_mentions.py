"""Part of the measurement stage: which mentions of a sentence are tests whose result is written.

The vocabulary pass (`mentions.py`) finds analyte names; this module decides which of them the
measurement stage reads, and adds the tests that no name list can hold:

- a test name inside a drug's name is the drug ("antithymocyte globulin"), a test name that a
  finding's name goes on from is the finding ("glucose intolerance"), and a substance after words
  that say it was given is a treatment ("received intravenous glucose (50 g)");
- "C-reactive protein (CRP) 12": the bracketed abbreviation repeats the test, it is not a new one;
- symbols of examination and electrolyte lists, which are too short to be names on their own and
  are read only with the unit that makes them unambiguous: "T 36.2 ℃，P 96次/min，R 19次/min",
  "K+ 6.28 mmol/L", "BE -24.6 mmol/L";
- a test at the end of a finding's name followed by its value: "elevated troponin up to 908 pg/mL"
  (the finding hides the test name from the vocabulary pass).
"""

from __future__ import annotations

import re

from vocab import languages

from . import lexicons
from .document import Doc
from .quantities import QUALIFIERS, UNITLESS_OK, VALUE_RE, measured_in, normalise_unit
from .structure import Sentence
from .vocabulary import ANALYTE, DISEASE, DRUG, FINDING, HPO, Analyte, Concept, Mention

# A substance after these words was given, not measured (the words may reach over a route or an
# amount: "was given intravenous glucose", "予10%葡萄糖").
_GIVEN = re.compile(
    rf"(?:{languages.alternatives('GIVEN_WORDS')})\s*(?:[A-Za-z0-9%.-]+\s*){{0,3}}$",
    re.I,
)

# "抗Scl-70抗体阳性" is a finding's name that holds the test and its result: the test is read.
_RESULT_WORD = re.compile(r"\s*(?:" + "|".join(p.pattern for _, p in QUALIFIERS) + ")", re.I)

_ANTIBODY_CLASS = re.compile(r"Ig[GMAE]\d?", re.I)

# Symbols of examination and electrolyte lists -> (analyte, the units that must follow). The units
# are what make a one-letter symbol safe: "P 96次/min" is a pulse, "P" alone is nothing.
_PER_MINUTE = r"次\s*/\s*(?:分钟|分|min)|/\s*min|bpm|beats?\s*/\s*min"
_MOLAR = r"mmol\s*/\s*l|meq\s*/\s*l"
_SYMBOLS = {
    "T": ("body temperature", r"°\s*c|℃"),
    "Tmax": ("body temperature", r"°\s*c|℃"),
    "P": ("pulse rate", _PER_MINUTE),
    "PR": ("pulse rate", _PER_MINUTE),
    "HR": ("heart rate", _PER_MINUTE),
    "R": ("respiratory rate", _PER_MINUTE),
    "RR": ("respiratory rate", _PER_MINUTE),
    "K": ("potassium", _MOLAR),
    "K+": ("potassium", _MOLAR),
    "Na": ("sodium", _MOLAR),
    "Na+": ("sodium", _MOLAR),
    "Cl": ("chloride", _MOLAR),
    "Cl-": ("chloride", _MOLAR),
    "BE": ("base excess", _MOLAR),
    "HCO3": ("bicarbonate", _MOLAR),
    "HCO3-": ("bicarbonate", _MOLAR),
    # A blood count's differential by its initial, read only as a share: "N 88.2%，L 6.1%".
    "N": ("neutrophil percentage", r"%"),
    "L": ("lymphocyte percentage", r"%"),
    "N%": ("neutrophil percentage", r"%"),
    "L%": ("lymphocyte percentage", r"%"),
}
_SYMBOL_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<symbol>Tmax|HCO3-?|K\+?|Na\+?|Cl-?|HR|RR|PR|BE|N%?|L%?|T|P|R)"
    r"(?=\s*[:：=]?\s*(?:为\s*)?[-−]?\d+(?:\.\d+)?(?:\s*/\s*\d+)?\s*(?P<unit>[^\s\d,，;；。)）]{1,12}))",
)


def test_mentions(doc: Doc, sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """The analyte mentions of one sentence whose results the measurement stage reads, in order."""
    s0, s1 = sentence.start, sentence.end
    drug_spans = [(d.start, d.end) for d in mentions if d.kind == DRUG]
    clinical_spans = [(c.start, c.end) for c in mentions if c.kind in (HPO, DISEASE, FINDING)]
    # "glucose intolerance", "platelet dysfunction": a test name that a finding's name goes on
    # from is part of the finding ("elevated ESR", where the test ends the name, is its result).
    found = [
        m
        for m in mentions
        if m.kind == ANALYTE
        and not any(
            a <= m.start and m.end < b and not _RESULT_WORD.match(doc.text, m.end, b)
            for a, b in clinical_spans
        )
    ]
    found += _symbols(doc, s0, s1, found)
    found += _hidden_in_findings(doc, mentions, found)
    found += _named_by_finding(doc, mentions, found)
    found = [_in_specimen(doc, s0, m) for m in found]
    members, replaced = _panel_members(doc, s0, s1, found, _panel_start(doc, sentence))
    if members:
        found = [m for i, m in enumerate(found) if i not in replaced] + members
    found.sort(key=lambda m: (m.start, -m.end))
    found = _ratios(doc, s1, found)
    analytes: list[Mention] = []
    for m in found:
        if any(a <= m.start and m.end <= b and b - a > m.end - m.start for a, b in drug_spans):
            continue  # "antithymocyte globulin" is a drug, not the test "globulin"
        if _GIVEN.search(doc.text, max(s0, m.start - 30), m.start):
            continue  # "received intravenous glucose (50 g)": given, not measured
        if (
            analytes
            and analytes[-1].concepts[0].code == m.concepts[0].code
            and re.fullmatch(r"\s*[(（]\s*", doc.text[analytes[-1].end : m.start])
        ):
            continue  # "免疫球蛋白G（IgG）18.2", "C-reactive protein (CRP) 12": the same test
        if (
            analytes
            and _ANTIBODY_CLASS.fullmatch(doc.text, m.start, m.end)
            and re.fullmatch(r"[\s-]?", doc.text[analytes[-1].end : m.start])
        ):
            # "抗AQP4抗体IgG", "anti-MOG IgG": the class of the antibody named before, not the IgG test.
            analytes[-1] = Mention(analytes[-1].start, m.end, analytes[-1].concepts)
            continue
        analytes.append(m)
    return analytes


# "钾2.9 mmol/L", "血清鉀 2.9 mEq/L": an element alone in an electrolyte list (`ELEMENT_WORDS`),
# read only with a concentration unit (mmol/L, mEq/L; mg/dL as Taiwan reports write calcium).
_ELEMENTS = languages.merged("ELEMENT_WORDS")
_ELEMENT_RE = (
    re.compile(
        rf"(?P<symbol>{languages.literal_alternatives(_ELEMENTS)})"
        r"(?=\s*[:：=]?\s*(?:为\s*)?\d+(?:\.\d+)?\s*(?:mmol|meq|mg)\s*/\s*(?:l|dl)(?![a-z]))",
        re.I,
    )
    if _ELEMENTS
    else None
)


# Two-character test abbreviations of the shared analyte table ("Cr 98 μmol/L", "TG 3.2 mmol/L",
# "PT 14.5 s", "C4 0.06 g/L"): too short to be vocabulary names (two-letter words have other
# meanings: "PT" is also physiotherapy, "C4" a vertebra), they are read only with a value in a unit
# the test is measured in. The few the vocabulary keeps (Hb, pH, CK, RF) are found there.
_SHORT_NAMES = {
    name.lower(): e.analyte
    for e in lexicons.analyte_entries()
    for name in (e.analyte, *e.english_names, *e.chinese_names)
    if name.isascii() and len(name) == 2 and name.isalnum() and name.lower() not in ("hb", "ph", "ck", "rf")
}
# The join between a test and the next of a list of tests.
_LISTED_AFTER = re.compile(r"\s*(?:[、/／]|和|及|与)\s*")
_SHORT_NAME_RE = re.compile(
    rf"(?<![A-Za-z0-9+-])(?:{languages.literal_alternatives(_SHORT_NAMES)})(?![A-Za-z0-9+-])", re.I
)


# Panels ("尿常规：蛋白（++），潜血（+）", "urinalysis: protein 2+"): inside one, a bare test word is
# the specimen's test. `PANEL_WORDS` maps a panel to its specimen ("" for a blood panel, which only
# ends the panel before it); `PANEL_MEMBER_WORDS` a word to the test ("a|b": the first the
# specimen has), named "<specimen> <test>" in the vocabulary ("urine protein", "CSF glucose").
_PANELS = {word.lower(): specimen for word, specimen in languages.merged("PANEL_WORDS").items()}
_MEMBERS = {word.lower(): tests.split("|") for word, tests in languages.merged("PANEL_MEMBER_WORDS").items()}
_PANEL_RE = re.compile(rf"(?<![A-Za-z])(?:{languages.literal_alternatives(_PANELS)})(?![A-Za-z])", re.I)
_MEMBER_RE = re.compile(rf"(?<![A-Za-z])(?:{languages.literal_alternatives(_MEMBERS)})(?![A-Za-z])", re.I)
# After the panel's name: a colon or "showed" words, then perhaps one result for the whole panel
# ("尿常规正常，白细胞12×10^9/L": the panel said all it had to say; the count is the blood's).
_PANEL_LEAD = re.compile(
    r"[\s:：]*(?:(?:findings|results)\s+)?(?:示|提示|显示|为|showed|revealed|was|were)?"
    r"\s*(?:as follows)?[\s:：]*",
    re.I,
)
_FIELD_COLON = re.compile(r"[:：]")
# Two panels named together before their results ("脑脊液常规及生化：细胞数…", "CSF cell count and
# chemistry:"): the results after the second name are the first panel's specimen's.
_PANEL_JOIN = re.compile(r"\s*(?:及|和|与|、|/|and)\s*", re.I)


_CHAIN_BACK = 8  # sentences a panel's items may run over, split at semicolons


def _panel_start(doc: Doc, sentence: Sentence) -> int:
    """Where a panel holding this sentence's tests may start: "urinalysis: sodium 15 mEq/L;
    potassium 13 mEq/L" is split into sentences at the semicolon, and the panel runs over them."""
    i = doc.sentence_of(sentence.start)
    start = sentence.start
    for j in range(i - 1, max(-1, i - _CHAIN_BACK), -1):
        previous = doc.sentences[j]
        if not doc.text[previous.start : previous.end].endswith((";", "；")):
            break
        start = previous.start
    return start


def _panel_members(
    doc: Doc, s0: int, s1: int, known: list[Mention], p0: int
) -> tuple[list[Mention], set[int]]:
    """Tests named by a bare word inside a specimen's panel, and the indices of `known` mentions
    they take the place of ("红细胞" after 尿常规 is not the blood count). The panel's name may
    stand in an earlier sentence of the same list, from `p0`."""
    added: list[Mention] = []
    replaced: set[int] = set()
    heads = list(_PANEL_RE.finditer(doc.text, p0, s1))
    joined: set[int] = set()  # heads read as the second name of a panel named twice
    for n, head in enumerate(heads):
        specimen = _PANELS[head.group(0).lower()]
        if not specimen or n in joined:
            continue
        start = _PANEL_LEAD.match(doc.text, head.end(), s1).end()
        while n + 1 < len(heads) and (join := _PANEL_JOIN.match(doc.text, head.end(), s1)):
            if join.end() != heads[n + 1].start():
                break
            n += 1
            head = heads[n]
            joined.add(n)
            start = _PANEL_LEAD.match(doc.text, head.end(), s1).end()
        if _RESULT_WORD.match(doc.text, start, s1):
            continue  # "尿常规正常": one result for the panel; what follows is not in it
        end = heads[n + 1].start() if n + 1 < len(heads) else s1
        colon = _FIELD_COLON.search(doc.text, start, end)
        end = colon.start() if colon else end
        for word in _MEMBER_RE.finditer(doc.text, max(start, s0), end):
            a, b = word.span()
            concept = next(
                (c for t in _MEMBERS[word.group(0).lower()] if (c := _analyte(doc, f"{specimen} {t}"))), None
            )
            if concept is None:
                continue
            overlapping = [i for i, k in enumerate(known) if k.start < b and a < k.end]
            if any(known[i].start < a or known[i].end > b for i in overlapping):
                continue  # "尿蛋白定量" inside the urine panel: the longer name already says it
            replaced.update(overlapping)
            added.append(Mention(a, b, (concept,)))
    return added, replaced


# "spot urine sodium", "CSF glucose", "pleural fluid LDH", 尿肌酐, 尿钠: a specimen word right before the test
# makes it that specimen's test, never the blood test whose reference interval (and finding:
# urine sodium 10 mmol/L is no hyponatraemia) the name alone would give.
# Serum and plasma are what a blood test is measured in already (血清IgG is the IgG test).
_BLOOD = ("blood", "serum", "plasma")
_SPECIMENS = {w.lower(): s for w, s in languages.merged("SPECIMEN_WORDS").items() if s not in _BLOOD}
_SPECIMEN_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?P<specimen>{languages.literal_alternatives(_SPECIMENS)})"
    rf"(?:\s+|(?<=[{languages.CJK_CHARS}]))$",  # Chinese writes no space: 尿肌酐, 脑脊液IgG, 胸水ADA
    re.I,
)


def _in_specimen(doc: Doc, s0: int, m: Mention) -> Mention:
    """`m`, or the test of the specimen named right before it ("urine sodium")."""
    code = m.concepts[0].code
    sm = _SPECIMEN_BEFORE.search(doc.text, max(s0, m.start - 24), m.start)
    if sm is None:
        return m
    specimen = _SPECIMENS[sm.group("specimen").lower()]
    if code.lower().startswith(specimen.lower()):
        return m
    info = doc.vocab.analytes.get(code)
    if specimen == "urine" and info and (info.ref_unit or info.unit).endswith("/mol Cr"):
        return m  # "尿3-羟基丙酸": a test reported per creatinine is a urine test already
    name = f"{specimen} {code}"
    concept = _analyte(doc, name) or Concept(ANALYTE, name, name, 0)
    return Mention(sm.start("specimen"), m.end, (concept,))


def _analyte(doc: Doc, name: str) -> Concept | None:
    return Concept(ANALYTE, name, name, 0) if name in doc.vocab.analytes else None


# "BP 150/95, HR 110, RR 22, T 38.9": in a list of vital signs (a blood pressure written as one, or
# the words that head the list) the rate and temperature symbols stand without their units too;
# a value the vital sign cannot take is dropped by the measurement stage.
_VITALS_LIST = re.compile(
    rf"\b(?:BP|{languages.alternatives('VITAL_SIGNS_WORDS')})\b[^.;]{{0,20}}?\d{{2,3}}\s*/\s*\d{{2,3}}"
    rf"|\b(?:{languages.alternatives('VITAL_SIGNS_WORDS')})\b",
    re.I,
)
_BARE_VITAL_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<symbol>Tmax|HR|RR|PR|T|P|R)(?=\s*[:：=]?\s*\d+(?:\.\d+)?(?![\d/])(?!\.\d)"
    r"\s*(?:[,;)]|\.(?!\d)|$|and\b))"
)


def _symbols(doc: Doc, s0: int, s1: int, known: list[Mention]) -> list[Mention]:
    """ "T 36.2 ℃", "K+ 6.28 mmol/L": examination and electrolyte symbols with their units."""
    out = []
    for sm in _SYMBOL_RE.finditer(doc.text, s0, s1):
        name, units = _SYMBOLS[sm.group("symbol")]
        a, b = sm.span("symbol")
        if not re.match(units, sm.group("unit"), re.I) or any(k.start < b and a < k.end for k in known):
            continue
        if units == "%" and re.search(r"\d\s*$", doc.text[max(s0, a - 4) : a]):
            continue  # "1 L 5% dextrose": a volume's litre, not the lymphocytes'

        concept = _analyte(doc, name)
        if concept is not None:
            out.append(Mention(a, b, (concept,)))
    if _VITALS_LIST.search(doc.text, s0, s1):
        taken = known + out
        for sm in _BARE_VITAL_RE.finditer(doc.text, s0, s1):
            a, b = sm.span("symbol")
            if any(k.start < b and a < k.end for k in taken):
                continue
            concept = _analyte(doc, _SYMBOLS[sm.group("symbol")][0])
            if concept is not None:
                out.append(Mention(a, b, (concept,)))
    for sm in _SHORT_NAME_RE.finditer(doc.text, s0, s1):
        a, b = sm.span()
        info = doc.vocab.analytes.get(_SHORT_NAMES[sm.group(0).lower()])
        if info is None or any(k.start < b and a < k.end for k in known + out):
            continue
        vm = VALUE_RE.match(doc.text[b : b + 40])
        unit = normalise_unit(vm.group("unit")) if vm else None
        if not measured_in(unit, info) and not any(
            _LISTED_AFTER.fullmatch(doc.text, k.end, a) for k in known + out if k.end <= a
        ):
            # "C3-C4 disc", "PT 3 times a week": no result in the test's unit; but a list of
            # tests names its short items too ("补体C3、C4降低", "IgG/IgM")
            continue
        out.append(Mention(a, b, (Concept(ANALYTE, info.name, info.name, 0),)))
    for em in _ELEMENT_RE.finditer(doc.text, s0, s1) if _ELEMENT_RE is not None else ():
        a, b = em.span("symbol")
        if any(k.start < b and a < k.end for k in known):
            continue  # "血钾 3.1 mmol/L": the vocabulary's name already holds it
        concept = _analyte(doc, _ELEMENTS[em.group("symbol")])
        if concept is not None:
            out.append(Mention(a, b, (concept,)))
    return out


def _hidden_in_findings(doc: Doc, mentions: list[Mention], known: list[Mention]) -> list[Mention]:
    """ "elevated troponin up to 908 pg/mL": a finding whose name ends with a test name, followed
    by a value, also names that test."""
    out = []
    ends = {k.end for k in known}
    for m in mentions:
        if m.kind not in (HPO, DISEASE, FINDING) or m.end in ends:
            continue
        if not VALUE_RE.match(doc.text[m.end : m.end + 40]):
            continue
        inner = [x for x in doc.vocab.find(doc.key[m.start : m.end]) if x.kind == ANALYTE]
        if inner and m.start + inner[-1].end == m.end and inner[-1].start > 0:
            last = inner[-1]
            out.append(Mention(m.start + last.start, m.end, last.concepts))
            ends.add(m.end)
    return out


# The test whose abnormal result each finding is (the analyte table's hpo_high and hpo_low), the
# first test of the table where two name the same finding (heart rate before pulse rate).
_TEST_OF_FINDING: dict[int, dict[str, Analyte]] = {}


def _tests_of_findings(doc: Doc) -> dict[str, Analyte]:
    key = id(doc.vocab)
    if key not in _TEST_OF_FINDING:
        table: dict[str, Analyte] = {}
        for info in doc.vocab.analytes.values():
            for code in (info.hpo_high, info.hpo_low):
                if code:
                    table.setdefault(code, info)
        _TEST_OF_FINDING.clear()  # one vocabulary at a time
        _TEST_OF_FINDING[key] = table
    return _TEST_OF_FINDING[key]


def _named_by_finding(doc: Doc, mentions: list[Mention], known: list[Mention]) -> list[Mention]:
    """ "febrile to 39.4 °C", "tachycardia (140 bpm)", "hypoglycaemia (27 mg/dL)": a finding that a
    test's abnormal result is, followed by a value in that test's unit, names the test too (the
    finding stays a finding). Without a unit only a vital sign is read ("febrile to 39.4"), and a
    value its table finds implausible is dropped by the measurement stage."""
    tests = _tests_of_findings(doc)
    if not tests:
        return []
    out = []
    taken = {(k.start, k.end) for k in known}
    for m in mentions:
        if m.kind != HPO or (m.start, m.end) in taken:
            continue
        info = next((tests[c.code] for c in m.concepts if c.code in tests), None)
        if info is None:
            continue
        vm = VALUE_RE.match(doc.text[m.end : m.end + 40])
        if vm is None or any(m.end <= k.start < m.end + vm.end() for k in known):
            continue  # "hyponatraemia (sodium 118 mmol/L)": the named test has the value
        unit = normalise_unit(vm.group("unit"))
        reference = info.ref_unit or info.unit
        if unit is None and reference not in UNITLESS_OK:
            continue
        if unit is not None and not measured_in(unit, info):
            continue  # "fever for 3 days", "hypertension of 10 years": no result of the test
        out.append(Mention(m.start, m.end, (Concept(ANALYTE, info.name, info.name, 0),)))
    return out


# "C3/C0 1.29", "CD4/CD8比值0.45", "醛固酮/肾素比值 450": two tests joined by a slash, with a number
# or a ratio word after them, are one test, their ratio ("CMV IgG/IgM阴性" names two tests with one
# result and stays two). Abbreviations written in Latin letters name it as written (the usual name of
# the ratio, "C3/C0 ratio"); otherwise the tests' names do ("aldosterone/renin ratio").
_SLASH = re.compile(r"\s*[/／]\s*")
_RATIO_AFTER = re.compile(
    rf"\s*(?:(?P<word>{languages.alternatives('RATIO_WORDS')})(?![A-Za-z])|(?=[:：=]?\s*(?:为|约为|达)?\s*[<>≤≥]?\s*\d))",
    re.I,
)


# One side of the ratio may be an abbreviation too short to be a name of its own ("C3/C0", "BUN/Cr").
_TOKEN_BEFORE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9+]{0,7}\s*[/／]\s*$")
_TOKEN_AFTER = re.compile(r"\s*[/／]\s*[A-Za-z][A-Za-z0-9+]{0,7}(?![A-Za-z0-9])")
# "PT/APTT 15.2/45.6 s": two tests, two values.
_PAIRED_VALUES = re.compile(r"[^\d]{0,8}\d+(?:\.\d+)?\s*[/／]\s*\d")


def _ratio(doc: Doc, start: int, end: int, names: tuple[str, str], s1: int) -> Mention | None:
    """The ratio of the tests written at start..end ("C3/C0"), when a ratio word or a value follows."""
    after = _RATIO_AFTER.match(doc.text, end, s1)
    if after is None or _PAIRED_VALUES.match(doc.text, end, s1):
        return None
    if re.match(r"\s*1\s*[:：∶]\s*\d", doc.text[end : end + 12]):
        return None  # a titre: "IgG/IgM 1:320" are two tests
    first, second = _SLASH.split(doc.text[start:end], maxsplit=1)
    # Abbreviations as written ("C3/C0", "BUN/Cr"); words by the tests' names ("albumin/creatinine").
    written = all(re.fullmatch(r"[A-Za-z0-9+]{1,8}", side) and not side.islower() for side in (first, second))
    name = f"{first}/{second} ratio" if written else f"{names[0]}/{names[1]} ratio"
    known = doc.vocab.analytes.get(name)
    name = known.name if known else name
    return Mention(
        start, after.end("word") if after.group("word") else end, (Concept(ANALYTE, name, name, 0),)
    )


def _ratios(doc: Doc, s1: int, found: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in found:
        previous_code = out[-1].concepts[0].code if out else ""
        prefix = re.fullmatch(r"(.+) Ig[GMA]", previous_code)
        if (
            prefix
            and _ANTIBODY_CLASS.fullmatch(doc.text, m.start, m.end)
            and re.fullmatch(r"[^,，;；。]{0,10}?[/／、,，]\s*", doc.text[out[-1].end : m.start])
            and (same := _analyte(doc, f"{prefix.group(1)} {doc.text[m.start : m.end]}"))
        ):
            # "巨细胞病毒IgG阳性、IgM阴性", "CMV IgG/IgM": the class after a virus's antibody is that
            # virus's antibody, not the total immunoglobulin.
            out.append(Mention(m.start, m.end, (same,)))
            continue
        if out and out[-1].concepts[0].code.endswith(" ratio") and out[-1].start < m.start <= out[-1].end:
            continue  # the second test of a ratio already read ("AST/ALT")
        code = m.concepts[0].code
        before = _TOKEN_BEFORE.search(doc.text, max(0, m.start - 12), m.start)
        if before and before.group(0).islower():
            before = None  # a word the vocabulary does not know ("albumine/creatinine") names no test
        if (
            before
            and not any(k.end > before.start() for k in out[-1:])
            and (ratio := _ratio(doc, before.start(), m.end, (before.group(0).rstrip("/／ "), code), s1))
        ):
            out.append(ratio)  # "C3/C0 1.29"
            continue
        after = _TOKEN_AFTER.match(doc.text, m.end, s1)
        token = after.group(0).lstrip("/／ ") if after else ""
        if after and not token.islower() and (ratio := _ratio(doc, m.start, after.end(), (code, token), s1)):
            out.append(ratio)  # "BUN/Cr 25"
            continue
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.end <= m.start
            and _SLASH.fullmatch(doc.text, previous.end, m.start)
            and (ratio := _ratio(doc, previous.start, m.end, (previous.concepts[0].code, code), s1))
        ):
            out[-1] = ratio  # "醛固酮/肾素比值 450"
            continue
        out.append(m)
    return out
