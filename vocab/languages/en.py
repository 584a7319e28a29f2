"""English: detection, and the cues and patterns the extraction pipeline reads for it.

Sections follow the pipeline's stages; `__init__.py` lists what each name must be. Names ending in
`_WORDS` are regular-expression alternatives (or dicts of them) that the stages join across all
languages and try on every report; the others are used for English reports only. `None` means
the stage has nothing of the kind to do for English. The cue lists are generic clinical
phrasing, not copied from any one report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._common import ADVERB, CASE, DISCUSSION, INTRO, REFERENCES, times_per

CODE = "en"
NAME = "English"

# ----------------------------------------------------------------- detection
# Words of two or more Latin letters, full-width ones included (PDF text of Chinese journals).
LATIN_WORD_RE = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,}")


def share(sample: str) -> float:
    """Evidence that `sample` is English: its Latin words, each worth half a Han character, so a
    Chinese report with English terms in brackets is still Chinese."""
    return len(LATIN_WORD_RE.findall(sample)) * 0.5


# ----------------------------------------------------------------- normalise
GLYPH_REPAIRS: dict[str, str] = {}
CAPTION_WORDS = r"Fig\.?|Figure|Table"  # a line "Figure 2 …" is a caption, not report text
LINE_REPAIRS: list = []  # English PDF line breaks are repaired for every language (hyphenation)
NUMBER_REWRITES: list = []  # English numbers are digits already ("12,000/uL")

# ----------------------------------------------------------------- structure
_HEADINGS = [
    (
        CASE,
        r"case (?:report|presentation|description|history|summary|details)s?|clinical (?:presentation|history|case)|patient and methods|report of (?:a|the) case",  # noqa: E501 - a pattern reads best on one line
    ),
    (
        DISCUSSION,
        r"discussion(?: and [a-z ]{3,40})?|conclusions?|comments?|literature review|review of (?:the )?literature|"  # noqa: E501 - a pattern reads best on one line
        r"learning points",
    ),
    (REFERENCES, r"references|bibliography|acknowledge?ments?|conflicts? of interest|funding"),
    (INTRO, r"introduction|background|abstract|summary"),
]
HEADING_RE = re.compile(
    r"(?im)^[ \t]*(?:\d{1,2}\.?[ \t]*)?(?:"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _HEADINGS)
    + r")(?:[ \t]*[:.]?[ \t]*$|[ \t]*[:：][ \t]*)"  # alone on its line, or "Discussion: text"
)
HEADING_PATTERNS = (HEADING_RE,)
CASE_OPENING_RE = None  # no record-field headings: a case heading or none marks where the case begins
# Words written with a full stop that does not end the sentence ("Dr.", "e.g.", "Fig.").
ABBREVIATION_WORDS = r"Dr|Mr|Mrs|Ms|Prof|Fig|Figs|vs|etc|e\.g|i\.e|approx|No|no|St|al|ca|Inc|Ltd|resp|min|max"
# Case-series markers at the start of a sentence: "Case 2", "Patient B:".
CASE_SERIES_RE = re.compile(
    r"^(?:case|patient)\s+(\d{1,2}|[A-H])\b(?:\s*[:.)-]|\s*$|\s+(?:was|is|a|an|had|presented|\())",
    re.I,
)

# ----------------------------------------------------------------- vocabulary
# Surface forms that are English words or abbreviations with other everyday meanings.
AMBIGUOUS_NAMES = frozenset(
    """
    all may can will well back face hand hands head arm arms leg legs foot feet eye eyes ear ears
    fit fits spell spells lump lumps death dead tic tics cold hot normal abnormal abnormality
    growth mole moles spot spots patch patches case cases low high left right small large episode
    episodes attack attacks sign signs symptom symptoms finding findings disease disorder syndrome
    condition change changes stage stages relief fall falls sensation crisis crises wasting block
    blocks ca ct mri ace asa pt ptt pd ms as pe ra ad cd id it is in on at or an no not
    """.split()
) | {
    # HPO synonyms that name something else in a case report: "eye drops" are a medicine (HPO gives
    # "Eye drop" for ptosis), "dissociation" is the CSF's ("albuminocytologic"), the heart's
    # ("atrioventricular") or a pupil's ("light-near") far more often than the mind's.
    "eye drop",
    "eye drops",
    "dissociation",
    # HPO's "Laboratory abnormality" is the root of metabolism: "laboratory abnormalities resolved"
    # names no finding
    "laboratory abnormality",
    "laboratory abnormalities",
    # HPO's synonym of lethargy; reports write it of percussion ("dullness to percussion")
    "dullness",
    # "walking aids", "hearing aids": the syndrome is matched by its full name
    "aids",
}

# British spellings are common in case reports; HPO writes American.
_SPELLING_VARIANTS = (
    ("edema", "oedema"),
    ("emia", "aemia"),
    ("hemo", "haemo"),
    ("hema", "haema"),
    ("esophag", "oesophag"),
    ("rrhea", "rrhoea"),
    ("tumor", "tumour"),
    ("pnea", "pnoea"),
    ("ischemi", "ischaemi"),
    ("leukemi", "leukaemi"),
    ("estrogen", "oestrogen"),
    ("pediatric", "paediatric"),
    ("anesthe", "anaesthe"),
    ("orrhage", "orrhage"),
    ("color", "colour"),
    ("fetal", "foetal"),
)


# One search tells whether a key has any American spelling at all (most have none).
_AMERICAN_RE = re.compile("|".join(american for american, _ in _SPELLING_VARIANTS))


def _plural(k: str) -> str | None:
    last = k.rsplit(" ", 1)[-1]
    if len(last) >= 4 and last.isalpha():
        if k.endswith("y") and not k.endswith(("ay", "ey", "oy")):
            return k[:-1] + "ies"
        if k.endswith("sis"):
            return k[:-3] + "ses"
        if k.endswith("os"):
            return k + "es"  # exophthalmos -> exophthalmoses
        if not k.endswith("s"):
            return k + "s"
    return None


# An eponym is written with or without the possessive ("Bowen disease", "Bowen's disease"); the
# sources often give one form only.
_EPONYM_HEADS = (" disease", " syndrome")
_EPONYM_RE = re.compile(r"(?<![\w'])([a-z]{3,}[a-rt-z]) (disease|syndrome)$")


def _possessive(key: str) -> str | None:
    """ "bowen disease" -> "bowen's disease"; None for a key with no such ending."""
    if not key.endswith(_EPONYM_HEADS):
        return None
    m = _EPONYM_RE.search(key)
    return None if m is None else f"{key[: m.start()]}{m.group(1)}'s {m.group(2)}"


def name_variants(key: str) -> set[str]:
    """A Latin-script vocabulary key with its British spellings, plurals, for an eponymous
    disease or syndrome its possessive form, and for a disease the same words with "disorder"."""
    if not key.isascii():
        return {key}
    out = _spellings(key)
    possessive = _possessive(key)
    if possessive is not None:
        out.add(possessive)
    if key.endswith(" disease"):
        # "thyroid disorder", "a liver disorder": reports say disorder for a disease
        out |= _spellings(key[: -len("disease")] + "disorder")
    return out


def _spellings(key: str) -> set[str]:
    if not _AMERICAN_RE.search(key):  # most keys (~100,000 a cold build): the key and its plural
        plural = _plural(key)
        return {key} if plural is None else {key, plural}
    out = {key}
    for american, british in _SPELLING_VARIANTS:
        for k in list(out):
            if american in k:
                out.add(k.replace(american, british))
    for k in list(out):
        plural = _plural(k)
        if plural is not None:
            out.add(plural)
    return out


def analyte_name_variants(key: str) -> set[str]:
    """A test's name with the one other form reports give it: an antibody named in the plural
    ("TPO antibodies", "acetylcholine receptor antibodies"). Test names take no other plural or
    respelling ("ast" must stay "ast")."""
    if key.endswith(" antibody") or key.endswith("-antibody"):
        return {key, key[:-1] + "ies"}
    return {key}


def disease_name_stem(key: str) -> str | None:
    """The finding a disease name is built on: "hypertensive disease" -> "hypertensive"."""
    return key[: -len(" disease")] if key.endswith(" disease") else None


# ----------------------------------------------------------------- assertions
def _words(pattern: str) -> re.Pattern[str]:
    """Whole words or phrases of `pattern` (alternatives), in any case. Where every alternative
    starts with a plain letter, a look-ahead for those letters comes first: the engine then leaves
    most word starts at once instead of trying every alternative there."""
    letters = _first_letters(pattern)
    guard = f"(?=[{letters}{letters.upper()}])" if letters else ""
    return re.compile(rf"(?<![\w-]){guard}(?:{pattern})(?![\w])", re.I)


def _top_level(pattern: str) -> list[str]:
    """The alternatives of `pattern` split at its top-level bars."""
    parts, depth, start, escaped = [], 0, 0, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def _first_letters(pattern: str) -> str:
    """The lower-case letters every alternative of `pattern` can start with, or "" when one may
    start otherwise (or its start is not plain enough to tell): then no look-ahead is used."""
    letters: set[str] = set()
    for alternative in _top_level(pattern):
        # look-behinds read what precedes the alternative, not its first character
        while (m := re.match(r"\(\?<[!=](?:[^()\\]|\\.)*\)", alternative)) is not None:
            alternative = alternative[m.end() :]
        if alternative.startswith("(?:"):
            depth, end = 0, None
            for i, ch in enumerate(alternative):
                depth += ch == "("
                depth -= ch == ")"
                if depth == 0:
                    end = i
                    break
            inner = _first_letters(alternative[3:end]) if end is not None else ""
            # an optional group ("(?:,\s*)?and") may be left out: its start tells nothing
            if not inner or alternative[end + 1 : end + 2] in ("?", "*", "{"):
                return ""
            letters.update(inner)
        elif alternative[:1].isalpha() and alternative[1:2] not in ("?", "*", "{"):
            letters.add(alternative[0].lower())
        else:
            return ""
    return "".join(sorted(letters))


# "no recurrence of bacteremia": the finding was there and has gone (RESOLVED_RE), not absent
_NO_RECURRENCE = (
    r"(?:no|without|free of)\s+(?:further\s+|signs? of\s+|evidence of\s+)?"
    r"(?:recurrences?|relapses?|reappearance|recrudescence)"
)
PSEUDO_NEGATION_RE = _words(
    rf"{_NO_RECURRENCE}|"
    r"no (?:change|further change|longer|significant change|increase|decrease)|not only|whether or not|without (?:difficulty|delay|complications? (?:during|after))|no doubt|not necessarily|gram[- ]negative|gram[- ]positive|not been (?:reported|described)"  # noqa: E501 - a pattern reads best on one line
)
NEGATION_RE = _words(
    # "with out" is "without" as authors writing in a second language often split it
    r"no|not|without|with out|denie[sd]|denying|negative for|absence of|free of|ruled out|"
    # "…, thus ruling out a carcinosarcoma"; "for ruling out" is a purpose (hypothetical)
    r"(?<!for )(?<!of )ruling out|"
    r"no evidence of|no signs? of|no history of|never|neither|nor|none|non|lack of|lacked|lacking|free from|"
    # "initially misdiagnosed as migraine": a diagnosis the patient did not have
    r"(?:mis|mistakenly |wrongly |erroneously )diagnosed (?:as|with)(?: an?)?|mistaken for|"
    r"exclusion of|excluded|unremarkable for|no complaints? of|did not|does not|do not|was not|were not|"
    r"is not|are not|cannot|could not|failed to|unable to"
)
# Cues that negate a verb ("did not improve", "was never possible"): they reach a finding only
# through a verb that states it ("did not show", "did not develop", "was not associated with").
_VERB_CUE_RE = _words(
    r"not|never|did not|does not|do not|was not|were not|is not|are not|cannot|could not|failed to|unable to"
)
_HAVE_WORDS = frozenset(("have", "has", "had"))
_AUXILIARY_WORDS = frozenset(
    """be been being have had has any a an the further other obvious significant clinical definite
    overt apparent new signs sign of evidence with to also ever yet""".split()
)
_STATING_VERBS = re.compile(
    r"(?:hav|show|reveal|demonstrat|develop|exhibit|experienc|report|complain|present|note|notic|"
    r"see|seen|saw|find|found|detect|observ|identif|display|manifest|suffer|feel|felt|describ|"
    r"mention|involv|contain|includ|appear|suggest|indicat|visuali[sz]|hear|heard|palpat|elicit|"
    r"associat|accompan|evident|recogni[sz]|document|confirm|record|had|has|look|seem|becom|"
    # "the symptoms were not consistent with migraine"
    r"consistent|compatib|diagnostic|characteristic|"
    r"sustain|acquir|requir)\w*",
    re.I,
)
# Words after a cue that take the negation for themselves: "no improvement in dyspnea", "ruled out
# any cardiac cause of the stroke", "no association between the pain and meals".
_TAKING_WORDS = re.compile(
    r"(?<![\w-])(?:improv\w*|chang\w*|respon\w*|relie\w*|resol\w*|correct\w*|control\w*|reduc\w*|"
    r"decreas\w*|increas\w*|worsen\w*|caus\w*|source|etiology|aetiology|origin|reason|explanation|"
    r"explain\w*|associations?|relation\w*|correlat\w*|differen\w*|need\w*|possible|possibility|"
    r"tolerat\w*|prevent\w*|treat\w*|manag\w*|benefit\w*|effect|effects|effective|role|"
    # "no risk factors for thrombosis", "no trigger for the seizures": what the finding came from
    r"risk factors?|predispos\w*|trigger\w*|precipitat\w*|"
    # "no antibiotics for the pneumonia", "no biopsy of the lesion": what was not done for the finding
    r"(?:medications?|medicines?|drugs?|antibiotics?|therapy|therapies|surgery|operation|intervention|"
    r"biopsy|biopsies|resection|excision|drainage) (?:for|of|against)|"
    # a place: "no vascularity within the cystic mass" does not negate the mass
    r"within|inside|into|throughout|in (?:the|his|her|their|both|either))(?![\w-])",
    re.I,
)
# … nor a place where the negated thing would come from or lie around, right before the mention:
# "no discharge from the wound", "no oedema around the tumour"; nor the event that dates it: "no
# seizures after the stroke", "no fever until the onset of diarrhoea". Read in the mention's own
# item only: "no discharge from the ear, fever or chills" still negates the fever.
_PLACE_WORDS = re.compile(
    r"(?<![\w-])(?:(?:from|around|surrounding|over|near|beside|adjacent to) "
    r"(?:the|his|her|their|both|either|its)|after|before|since|until|till|following|during|prior to)"
    r"(?![\w-])",
    re.I,
)
# "… was not seen", "… could not be elicited": the words that say a looked-for finding was not found.
_NOT_FOUND = (
    r"(?:seen|found|detected|observed|present|identified|noted|evident|palpable|visuali[sz]ed|appreciated|"
    r"elicited|demonstrated|audible|heard|felt|shown|documented|recorded|revealed|discovered|encountered|"
    r"apparent|visible|palpated|"
    # "tuberculosis was not confirmed", "malignancy was not suspected": not a diagnosis either
    r"confirmed|proven|established|suspected)"
)
_SUSPECTED = r"(?:(?:also|initially|first|strongly)\s+)?(?:suspected|considered)"
_THEN_EXCLUDED = (
    r"(?:(?:was|were|later|subsequently|then|finally|eventually)\s+){0,2}(?:excluded|ruled out)\b"
)
_BUT_EXCLUDED = rf"\s*,?\s*but\s+{_THEN_EXCLUDED}"
# "the tumour was negative for ER" says what the tumour lacks; "absent in", "normal for age" neither
_NOT_FOR = r"(?!\s+(?:for|to|in)\b)"
_POST_NEGATION = (
    r"(?:(?:was|were|is|are|being|been|came back|tested|proved|remained|appeared)\s+(?:all\s+|also\s+|both\s+|completely\s+)?"  # noqa: E501 - a pattern reads best on one line
    rf"(?:(?:negative|absent|unremarkable|within normal limits|normal|lacking){_NOT_FOR}|ruled out|excluded|"
    rf"denied|(?:not|never)\s+(?:been\s+)?{_NOT_FOUND})"
    # "pulmonary embolism was suspected but excluded by CT": the last word is the exclusion
    rf"|(?:was|were)\s+{_SUSPECTED}{_BUT_EXCLUDED}"
    rf"|(?:could|can|did)\s*not\s+be\s+{_NOT_FOUND}"
    # "the fever did not recur", "seizures never returned": not found again (not "returned to normal")
    # … or did not happen at all: "seizures did not develop", "fever did not occur"
    r"|(?:did|does|has|have|had)\s+not\s+(?:recur|reappear|return|relapse|occur|develop|appear|arise)\w*+"
    r"(?!\s+(?:to|into)\b)"
    r"|never\s+(?:recurred|reappeared|returned|relapsed|occurred|developed|appeared)(?!\s+(?:to|into)\b)"
    # "ascites not seen on ultrasound": a note without its copula ("a lesion not seen on the prior
    # scan" is a new lesion)
    rf"|not\s+{_NOT_FOUND}(?!\s+(?:before|previously|earlier|(?:on|in|at)\s+(?:the\s+|a\s+)?"
    r"(?:previous|prior|earlier|initial|first|preceding|last)))"
    # "seizure-free", "remained fever free": the finding's name with "free" after it
    r"|-?free(?![\w-])(?!\s+(?:of|from)\b)"
    # "HIV negative", "anti-HCV (-)": right after the mention
    rf"|(?:negative|absent|\(\s*-\s*\))(?![\w-]){_NOT_FOR}"
    # "Lymphadenopathy: none" (the colon is read before the cue)
    r"|(?:none|nil)(?![\w-]))"
)
# "hepatitis C serology was negative": the test of the finding may stand between them.
_TEST_WORDS = r"(?:serology|serologies|antibod(?:y|ies)|antigen|tests?|testing|screen(?:ing)?|PCR|cultures?|titers?|titres?|levels?|stain(?:ing)?)"  # noqa: E501 - a pattern reads best on one line
# "Crohn disease, which was excluded by colonoscopy": a relative clause says it of the mention.
_WHICH = r"(?:,?\s*which\s+(?=(?:was|were|is|are|had been|has been|have been)\b))?"
# "Oedema of the legs was not seen", "tenderness on palpation was absent": the part or the way of
# the finding may stand between them too.
_PART_WORD = r"(?!(?:was|were|is|are|which|that|who|and|but|or)\b)[\w'-]+"
_OF_PART = (
    r"(?:of|in|on|over|at)\s+(?:the\s+|his\s+|her\s+|both\s+|either\s+)?"
    rf"{_PART_WORD}(?:\s+{_PART_WORD}){{0,2}}?"
)
POST_NEGATION_RE = re.compile(
    rf"^\s*(?:\([^)]{{0,30}}\)\s*)?(?:{_TEST_WORDS}\s+|{_OF_PART}\s+)?{_WHICH}{_POST_NEGATION}", re.I
)
# "… was suspected and confirmed by genetic testing": suspected first, then found (no differential)
_AND_CONFIRMED = (
    r"\s*,?\s*and\s+(?:(?:was|later|subsequently|then|finally|eventually)\s+){0,2}(?:confirmed|proven)\b"
)
_NOT_BUT_EXCLUDED = f"(?!{_BUT_EXCLUDED}|{_AND_CONFIRMED})"
_POST_UNCERTAIN_WORDS = (
    r"(?:(?:was|were|is|are|remained|remains)\s+(?:(?:also|initially|first|strongly|still)\s+)?"
    rf"(?:(?:suspected|considered){_NOT_BUT_EXCLUDED}|possible|probable|likely|questioned|presumed|"
    r"not (?:excluded|ruled out)|a (?:possibility|consideration|concern)|"
    # "sepsis was deemed unlikely"
    r"(?:(?:deemed|thought|felt|judged)\s+(?:to be\s+)?)?(?:un)?likely)"
    r"|(?:could|can|cannot|could not)(?: not)? be (?:excluded|ruled out)|\?"
    # "seizure prophylaxis", "stroke prevention": what the care was to prevent
    r"|prophyla(?:xis|ctic)\b|prevention\b)"
)
POST_UNCERTAIN_RE = re.compile(rf"^\s*(?:\([^)]{{0,30}}\)\s*)?{_POST_UNCERTAIN_WORDS}", re.I)
# A clause ends at a new subject or predicate: a conjunction ("but", "whereas"), a relative
# ("which", "who"), a finite verb ("presenting with", "was", "developed"). A causal link ends it
# too: "was not tolerated secondary to hypotension" does not negate hypotension.
# A verb that states a finding right after a negation is the negation's own verb, no new clause:
# "never developed jaundice", "has never had seizures", "without showing any rash" ("without
# receiving antibiotics, the fever resolved" starts one).
# (the look-ahead first: the look-behinds are read only where such a verb starts)
_AFTER_NEGATION = (
    r"(?=present|develop|show|reveal|demonstrat|complain|ha[ds])"
    r"(?<!\bnot )(?<!\bnever )(?<!\bwithout )(?<!\bnot yet )(?<!\bnot previously )(?<!\bnever previously )"
)
SCOPE_END_RE = _words(
    r"but|however|although|though|except|apart from|aside from|other than|which|whereas|while|who|"
    r"yet(?<!\bnot yet)|"
    # "vomiting without fever, with a weight loss of 5 kg": "with a" adds what was present
    r"with (?:a|an|some|mild|moderate|severe|marked|significant)|"
    rf"{_AFTER_NEGATION}(?:present(?:ed|ing|s)|develop(?:ed|ing|s)|show(?:ed|ing|s)|reveal(?:ed|ing|s)|"
    r"demonstrat(?:ed|ing|es)|complain(?:ed|ing|s)|had|has)|"
    r"confirm(?:ed|ing|s)|underw(?:ent)|undergoing|receiv(?:ed|ing)|admitted|"
    r"was|were|is|are|became|remained|persisted|started|began|occurred|"
    r"secondary to|due to|because of|caused by|owing to|resulting in|led to|"
    r"(?:,\s*)?and (?:the|his|her|their|this|these|then|subsequently|later)|"
    # "without invasion of the serosa, consistent with a T2 carcinoma": after a comma, a phrase that
    # sums up what was said before is no item of the negated list
    r"(?<=,)\s*(?:consistent with|compatible with|in keeping with|suggestive of|suggesting|indicating|"
    r"confirming|diagnostic of|typical of)|"
    # "no sign of haemolysis, elevated CRP, low albumin": a result word starts an item of its own
    r"(?<=,)\s*(?:elevated|increased|decreased|low|high|normal|raised|reduced|positive|negative|abnormal|marked|markedly)|"
    # "Without antibiotics, the pneumonia progressed": after a comma, a determiner or a pronoun
    # starts a clause with a subject of its own
    r"(?<=,)\s*(?:the|his|her|their|this|these|he|she|they)"
)
# (not the full stop of "e.g.", "i.e.", "vs.": "no signs of infection, e.g. fever or leukocytosis")
CLAUSE_BREAK_RE = re.compile(
    r"[;:]|\.(?<!\b[Ee]\.[Gg]\.)(?<!\b[Ii]\.[Ee]\.)(?<!\b[Vv][Ss]\.)(?<!\b[Cc][Ff]\.)(?<!\bapprox\.)\s"
)
# ("a deletion of maternal origin", "inherited from his mother": where the patient's variant came
# from, not a relative's finding)
_FROM_PARENT = r"(?<!from his )(?<!from her )(?<!from the )(?<!from their )(?<!from both )"
FAMILY_RE = _words(
    # ("no personal or family history of thrombosis" says it of the patient too)
    r"family history(?<!personal or family history)(?<!personal and family history)"
    r"(?<!personal nor family history)|"
    rf"{_FROM_PARENT}(?:mother|father|parents)|sister|brother|sibling|siblings|son|daughter|aunt|uncle|grandmother|grandfather|cousin|relatives?|"
    r"(?<!of )(?:maternal|paternal)(?!\s+(?:origin|inheritance|allele|alleles|copy|chromosome|uniparental|UPD|isodisomy|imprinting|transmission)\b)"  # noqa: E501 - a pattern reads best on one line
)
# Where a relative's scope ends: the relative only tells ("her mother noticed a rash"), or the
# patient is the subject again ("his father has diabetes and he presented with fever").
FAMILY_SCOPE_END_RE = _words(
    r"noticed|noted|reported|brought|observed|said|says|stated|described|found|took|called|witnessed|"
    r"notice|observe|report|recall|remember|"
    r"carried|accompanied|worried|concerned|he|she|the patient|our patient|the child|the infant|"
    r"the boy|the girl|presented|presenting|developed|complained|but|however|whereas|while|although"
)
UNCERTAIN_RE = _words(
    r"possible|possibly|probable|probably|suspected|suspect|suspicion of|suspicious (?:for|of)|likely|may|"
    r"might|could|questionable|query|cannot be excluded|differential diagnos[ie]s|to rule out|rule out|"
    r"(?:cannot|could not|can not|did not|unable to) (?:be )?(?:exclude|excluded|rule out|ruled out)|"
    r"(?:for|of) ruling out|"
    r"r/o|consider(?:ed)?|concern for|versus|vs|if|unless|in case of|to prevent|prevention of|"
    r"prophyla\w+|risk of|at risk for|would|should|screen(?:ed|ing)? for|evaluat(?:e|ed|ion) for|"
    r"monitor(?:ed|ing)? for|watch(?:ed)? for|presumed|presumptive|impending|potential|"
    # "tested for HIV", "vaccinated against measles": a test or a prevention names no finding
    r"tested for|testing for|vaccinated (?:against|for)|vaccination (?:against|for)|immuni[sz]ed against"
)
# "Differential diagnoses included herpes infection, Crohn disease and tuberculosis", "Differential
# diagnosis: …": the head makes every item of the list after it a differential, up to where the
# list ends (DIFFERENTIAL_LIST_END_RE: a new clause or sentence).
DIFFERENTIAL_HEAD_RE = re.compile(
    r"\bdifferential(?:\s+diagnos[ie]s)?(?:\s+(?:of|for)\s+[^.;:]{1,60}?)?\s*"
    r"(?::|\b(?:included|includes|include|including|comprised|comprises|consisted of|were|was|are|is)\b)",
    re.I,
)
DIFFERENTIAL_LIST_END_RE = re.compile(
    r"[.;]|\b(?:but|however|although|whereas|which|who|was|were|is|are|had|has|showed|revealed|confirmed|"
    r"diagnosed)\b",
    re.I,
)
HISTORY_RE = _words(
    r"history of|previous|previously|prior|past|former|years? ago|months? ago|had been diagnosed"
)
POST_HISTORY_RE = None
# "resolution of cerebral edema", "normalization of serum calcium": a finding that has gone.
RESOLVED_RE = _words(
    r"(?:resolution|disappearance|normali[sz]ation|regression|clearance|cessation|remission|"
    r"recovery|healing|absorption) (?:of|from) (?:the |his |her |their |all )?(?:[\w-]+ ){0,3}$"
    rf"|{_NO_RECURRENCE}\s+(?:of\s+)?(?:the |his |her |their )?(?:[\w-]+ ){{0,3}}$"
)
_RESOLVED_WORDS = (
    r"(?:(?:had|has|have|was|were|is|are|gradually|completely|rapidly|spontaneously|fully|totally|"
    r"eventually|then|subsequently|soon|promptly|also|all|both)\s+)*"
    r"(?:resolved|disappeared|subsided|abated|vanished|cleared|regressed|normali[sz]ed|cured|healed|"
    r"ameliorated|relieved|absorbed|recovered|went away|settled|ceased|reversed|corrected|"
    r"returned to normal|no longer (?:present|seen|detected|visible))(?![\w-])"
)
POST_RESOLVED_RE = re.compile(rf"^\s*(?:\([^)]{{0,30}}\)\s*)?{_RESOLVED_WORDS}", re.I)
# A post-cue reaches back only within its clause: "… but the cultures were negative".
# "There was no cough, and a fever developed": after "and", a finding with a verb of its own (a
# singular or event verb: "no fever and chills were reported" keeps its list) is a new clause.
_OWN_VERB_AFTER = re.compile(
    r"^\s+(?:had\s+|has\s+|then\s+|later\s+|subsequently\s+)?(?:developed|appeared|occurred|began|started|"
    r"emerged|ensued|persisted|recurred|worsened|progressed|was\s+(?:noted|seen|found|observed|present|detected|diagnosed))\b",
    re.I,
)
_AND_BEFORE = re.compile(r"\band\s+(?:(?:a|an|the|his|her|new|mild|severe|high)\s+){0,2}$", re.I)


# "As he denied adjuvant therapy, recurrence and metastases were found", "Without a history of
# smoking, lung cancer was unexpected": after a comma, a mention with a finite verb of its own (or
# the list it begins) is the subject of the main clause, which a cue that is no determiner of that
# subject does not reach. ("No fever, chills or rash were noted": "no" determines the whole subject.)
_DETERMINER_CUE_RE = _words(
    r"no(?: evidence of| signs? of| history of| complaints? of)?|none|neither|nor|absence of|lack of|non|"
    r"exclusion of"
)
_SUBJECT_VERB_AFTER = re.compile(
    r"^(?:\s+(?:and|or)\s+[\w'-]+(?:\s+[\w'-]+){0,3}?)?\s+(?:was|were|is|are|had|has|have|developed|appeared|"
    r"occurred|became|remained|persisted|progressed|recurred|worsened|resolved|improved|increased|decreased)\b",
    re.I,
)


def starts_own_clause(cue: str, gap: str, after: str) -> bool:
    """Whether the mention, after the words `gap` from the negation cue `cue` and before the words
    `after`, starts a clause the cue does not reach: joined by "and" with a verb of its own ("no
    cough, and a fever developed"), or after a comma, the subject of the main clause ("Without
    antibiotics, pneumonia developed")."""
    if _AND_BEFORE.search(gap) and _OWN_VERB_AFTER.match(after):
        return True
    return (
        "," in gap
        and not _DETERMINER_CUE_RE.fullmatch(cue.strip())
        and bool(_SUBJECT_VERB_AFTER.match(after))
    )


# ("… was considered but excluded" is one statement: `_BUT_EXCLUDED`)
POST_SCOPE_END_RE = re.compile(
    rf"[;:]|\bbut\b(?!\s+{_THEN_EXCLUDED})"
    r"|\band\b(?= (?:a|an|the|he|she|his|her) )"
)
# "Patent foramen ovale (PFO), atrial septal defect and anomalous veins were ruled out": a post-cue
# after a list reaches back over every item of it …
_LIST_ITEMS = (
    r"(?P<items>(?:(?:\s*(?:,|\band\b|\bor\b|\bnor\b|\([^)]{0,20}\)))+\s*[\w'/-]+(?:\s+[\w'/-]+){0,5})+?)"
)
# (what a list's first separator looks like, tried first: most mentions have no list after them, and
# the look-aheads below read on to the clause's end)
_LIST_STARTS = r"(?=\s*(?:,|\band\b|\bor\b|\bnor\b|\())"
# "Calcification and a dilated duct were not observed": an item with "a" or "an" is still an item of
# a list that is the subject of a plural verb; before a singular verb it is the subject alone ("he had
# fever and a murmur was not heard"), and the list ends before it.
_SINGULAR_AFTER_ARTICLE = r"(?![^.;:]*?(?:,|\band|\bor)\s+an?\s[^.;:]*?\b(?:was|is|has been|had been)\s)"
LIST_NEGATION_RE = re.compile(
    rf"^{_LIST_STARTS}{_SINGULAR_AFTER_ARTICLE}{_LIST_ITEMS}"
    r"\s*,?\s*(?:which\s+)?(?:were|was|are|is|have been|had been)\s+(?:all\s+|also\s+|both\s+)?"
    rf"(?:ruled out|excluded|denied|(?:not|never)\s+{_NOT_FOUND}|absent|negative|"
    rf"{_SUSPECTED}{_BUT_EXCLUDED})\b",
    re.I,
)
# (a resolved verb says nothing of number: "he had fever and a rash resolved" ends the list at "a")
_NO_ARTICLE_ITEM = (
    r"(?!(?:(?!\b(?:resolved|disappeared|subsided|cleared|improved)\b)[^.;:])*?(?:,|\band|\bor)\s+an?\s)"
)
LIST_RESOLVED_RE = re.compile(
    rf"^{_LIST_STARTS}{_NO_ARTICLE_ITEM}{_LIST_ITEMS}\s*,?\s*{_RESOLVED_WORDS}", re.I
)
# "Lymphoma, sarcoidosis and tuberculosis were considered": every item is a differential.
# A plural verb: before "was suspected" the last item is the subject alone ("fever, and tuberculosis
# was suspected").
LIST_UNCERTAIN_RE = re.compile(
    rf"^{_LIST_STARTS}{_LIST_ITEMS}\s*,?\s*(?:(?:were|are)\s+(?:(?:also|initially|first|strongly|all|both)\s+)?"
    rf"(?:(?:suspected|considered){_NOT_BUT_EXCLUDED}|possible|probable|likely|questioned|presumed|"
    r"not (?:excluded|ruled out))"
    r"|(?:could|can|cannot|could not)(?: not)? be (?:excluded|ruled out))",
    re.I,
)
# … unless a verb, or "and the …", starts a new clause: "He had fever, and the cultures were negative."
LIST_BREAK_RE = re.compile(
    r"\b(?:was|were|is|are|had|has|have|which|that|but|who|showed|revealed)\b"
    r"|(?:,|\band|\bor)\s+(?:the|his|her|their|its|this|these|all|he|she|they)\b",
    re.I,
)
# "his 8-year-old sister had fever" in a case series: the relative is a patient of the report.
AGED_RELATIVE_WORDS = r"(?:year|month|week)s?[- ]old\s+$"
# "the first child of non-consanguineous parents", "a boy born to a healthy mother": the relative
# names whose child the patient is; the findings after it are the patient's.
PARENTAGE_WORDS = (
    r"\b(?:child|son|daughter|offspring|baby|infant|boy|girl|born)\s+(?:[\w-]+\s+){0,2}?(?:of|to)\s+"
    r"(?:an?\s+|the\s+|his\s+|her\s+)?(?:[\w-]+\s+){0,3}$"
)
INFIX_NEGATION_RE = None  # English puts the negation before the finding's words
INFIX_MODIFIER_RE = None  # English puts degree words before the finding's words too
PLACE_AFTER_FINDING_RE = None  # "the stroke unit" is left to the finding: the patient's often
# "non-bloody diarrhoea", "non-productive cough", "non-bilious vomiting": the prefix negates the
# quality the first word names, and the finding the other words name is present.
MODIFIER_NEGATION_RE = re.compile(r"(?<![\w-])non-?\s?$", re.I)
SHARED_PART_JOIN_RE = None  # English names the part after both ("numbness and weakness of the legs")
# "the liver and spleen were not palpable": an organ without its enlargement.
_ORGAN_WORDS = r"liver|spleen|kidneys?|thyroid(?: gland)?|lymph nodes?"
_NOT_ENLARGED_RE = re.compile(
    rf"\b(?P<organs>(?:{_ORGAN_WORDS})(?:\s*(?:,|and|or|nor)\s*(?:the\s+)?(?:{_ORGAN_WORDS}))*)"
    r"\s+(?:was|were)\s+(?:not|neither)\s+"
    r"(?:palpable|palpated|felt|enlarged)\b",
    re.I,
)
_ORGAN_RE = re.compile(_ORGAN_WORDS, re.I)


def not_enlarged(text: str) -> Iterable[tuple[int, int, list[str]]]:
    """(start, end, names of its enlargement) for each organ `text` states not palpable or not
    enlarged: "the liver was not palpable" gives the liver with "enlarged liver"."""
    for m in _NOT_ENLARGED_RE.finditer(text):
        for organ in _ORGAN_RE.finditer(m.group("organs")):
            yield m.start("organs") + organ.start(), m.end(), ["enlarged " + organ.group(0).lower()]


# "atrophy of the optic nerve", "hypertrophy of the left ventricle", "weakness of both legs": a
# finding's noun with the part it is of after it names the finding the vocabulary writes part
# first (optic nerve atrophy, left ventricular hypertrophy, leg weakness) or as a participle
# before the part (enlarged liver, dilated common bile duct).
_SITE_HEADS = {
    "enlargement": "enlarged",
    "dilatation": "dilated",
    "dilation": "dilated",
    "distension": "distended",
    "distention": "distended",
    "swelling": "swollen",
    "thickening": "thickened",
    "atrophy": "atrophic",
    "hypertrophy": "hypertrophic",
    "hypoplasia": "hypoplastic",
    "paralysis": "paralysed",
    "palsy": "",
    "weakness": "weak",
    "tenderness": "tender",
    "stenosis": "stenotic",
    "ulceration": "ulcerated",
    "ulcer": "",
    "ulcers": "",
    "inflammation": "inflamed",
    "edema": "edematous",
    "oedema": "oedematous",
    "deviation": "deviated",
    "deformity": "deformed",
    "rupture": "ruptured",
    "calcification": "calcified",
    "infarction": "",
    "hemorrhage": "",
    "haemorrhage": "",
    "pain": "painful",
    "erythema": "",
    "necrosis": "necrotic",
    "obstruction": "obstructed",
    "perforation": "perforated",
    "prolapse": "prolapsed",
    "thrombosis": "",
    "fibrosis": "",
    "agenesis": "",
    "aplasia": "",
    "abscess": "",
    "lump": "",
    "lumps": "",
    "mass": "",
    "masses": "",
    "nodule": "",
    "nodules": "",
    "cyst": "",
    "cysts": "",
}
# Body parts whose adjective the vocabulary writes ("left ventricular hypertrophy").
_PART_ADJECTIVES = {
    "ventricle": "ventricular",
    "atrium": "atrial",
    "liver": "hepatic",
    "kidney": "renal",
    "lung": "pulmonary",
    "heart": "cardiac",
    "spleen": "splenic",
    "abdomen": "abdominal",
    "stomach": "gastric",
    "skin": "cutaneous",
    "brain": "cerebral",
    "thyroid": "thyroid",
    "face": "facial",
}
# A word of the part: not a word that ends it ("hypertrophy of the left ventricle and stenosis of …").
_SITE_WORD = (
    r"(?!(?:and|or|with|without|in|of|on|at|to|was|were|is|are|had|has|which|that|but|as|after|due)\b)[a-z]+"
)
_SITE_OF_RE = re.compile(
    rf"\b(?P<head>{'|'.join(sorted(_SITE_HEADS, key=len, reverse=True))}) (?:of|in|over) "
    rf"(?:the |his |her |their |both |its )?(?P<site>(?:(?:left|right|bilateral|lower|upper) )?"
    rf"{_SITE_WORD}(?: {_SITE_WORD}){{0,2}})"
)


_SIDES = frozenset({"left", "right", "bilateral"})


def _singular(word: str) -> str:
    if word == "feet":
        return "foot"
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


# "a dilated left atrium", "a hypertrophied left ventricle": the participle before the part names
# the finding the vocabulary writes with the noun (left atrial dilatation, left ventricular
# hypertrophy).
_PARTICIPLE_NOUNS: dict[str, tuple[str, ...]] = {
    "dilated": ("dilatation", "dilation", "enlargement"),
    "enlarged": ("enlargement",),
    "hypertrophied": ("hypertrophy",),
    "hypertrophic": ("hypertrophy",),
    "thickened": ("thickening",),
    "atrophic": ("atrophy",),
    "stenotic": ("stenosis",),
    "calcified": ("calcification",),
}
_PARTICIPLE_PART_RE = re.compile(
    rf"\b(?P<head>{'|'.join(_PARTICIPLE_NOUNS)}) "
    rf"(?P<site>(?:(?:left|right) )?{_SITE_WORD}(?: {_SITE_WORD}){{0,2}})"
)


def _participle_findings(text: str) -> Iterable[tuple[int, int, list[str]]]:
    for m in _PARTICIPLE_PART_RE.finditer(text):
        words = m.group("site").split()
        for k in range(len(words), 0, -1):
            part = words[:k]
            adjective = _PART_ADJECTIVES.get(part[-1])
            names = []
            for noun in _PARTICIPLE_NOUNS[m.group("head")]:
                names.append(" ".join(part) + " " + noun)
                if adjective:
                    names.append(" ".join([*part[:-1], adjective, noun]))
            yield m.start(), m.start("site") + len(" ".join(part)), names


def site_findings(text: str) -> Iterable[tuple[int, int, list[str]]]:
    """(start, end, names to look up) for each "<finding> of <part>" of `text` (its key form),
    longest part first: "atrophy of the optic nerve" gives "optic nerve atrophy" …; then each
    "<participle> <part>": "a dilated left atrium" gives "left atrial dilatation" …"""
    yield from _participle_findings(text)
    for m in _SITE_OF_RE.finditer(text):
        head, participle = m.group("head"), _SITE_HEADS[m.group("head")]
        words = m.group("site").split()
        for k in range(len(words), 0, -1):
            part = words[:k]
            part[-1] = _singular(part[-1])
            names: list[str] = []
            # "swelling of the left knee": the side is named, the term may be the part's alone
            for words_of_part in (part, part[1:]) if part[0] in _SIDES and k > 1 else (part,):
                adjective = _PART_ADJECTIVES.get(words_of_part[-1])
                names.append(" ".join(words_of_part) + " " + head)
                if adjective:
                    names.append(" ".join([*words_of_part[:-1], adjective, head]))
                if participle:
                    names.append(participle + " " + " ".join(words_of_part))
            end = m.start("site") + len(" ".join(words[:k]))
            yield m.start(), end, names


# "Deep tendon reflexes were absent", "the liver was enlarged", "vibration sense was reduced at the
# ankles": a finding written as a predicate of its part, where the vocabulary names it with the
# adjective first (absent deep tendon reflexes, enlarged liver) or with its noun after the part.
_PREDICATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # written -> (the adjectives the vocabulary may use, the nouns after the part)
    "enlarged": (("enlarged",), ("enlargement",)),
    "dilated": (("dilated",), ("dilatation", "dilation")),
    "absent": (("absent",), ()),
    "lost": (("absent", "lost"), ()),
    "reduced": (("reduced", "decreased", "diminished"), ()),
    "decreased": (("decreased", "reduced", "diminished"), ()),
    "diminished": (("diminished", "decreased", "reduced"), ()),
    "impaired": (("impaired", "decreased"), ()),
    "brisk": (("brisk", "increased", "exaggerated"), ()),
    "exaggerated": (("exaggerated", "brisk", "increased"), ()),
    "hyperactive": (("hyperactive", "increased"), ()),
    "hypoactive": (("hypoactive", "decreased"), ()),
    "sluggish": (("sluggish",), ()),
    "thickened": (("thickened",), ("thickening",)),
    "distended": (("distended",), ("distension", "distention")),
    "swollen": (("swollen",), ("swelling",)),
    "tender": (("tender",), ("tenderness",)),
    "increased": (("increased",), ()),
    "elevated": (("elevated", "raised"), ()),
    "prolonged": (("prolonged",), ()),
    "slurred": (("slurred",), ()),
    "stiff": (("stiff",), ("stiffness",)),
    "muffled": (("muffled", "distant"), ()),
    "palpable": (("palpable",), ()),
    "weak": (("weak", "decreased"), ("weakness",)),
    "irregular": (("irregular",), ()),
}
_DEGREE = (
    r"(?:(?:markedly|mildly|moderately|severely|significantly|slightly|bilaterally|diffusely|also|both|all|"
    r"completely|partially|distally|symmetrically|globally|very|still|grossly|massively)\s+)*"
)
# Found by the verb and its adjective (a quick scan), then the part read back from the verb: a
# pattern that started at every word would try each one as a part.
_PREDICATE_RE = re.compile(
    rf"\s(?:was|were|is|are|appeared|became)\s+{_DEGREE}(?P<adj>{'|'.join(_PREDICATES)})\b"
)
_SUBJECT_BEFORE = re.compile(r"(?<![a-z0-9'])(?:[a-z][a-z0-9']*\s+){0,3}[a-z][a-z0-9']*$")
# A part's last word that names no part by itself: "the thyroid gland" is the thyroid.
_GENERIC_PART_NOUNS = frozenset({"gland", "region", "area"})
# Words a subject's tail may not start with (a determiner or a verb is no part of a name).
_NOT_NAME_START = frozenset(
    "the his her their its a an and or both all of on in at with was were is are had has have that which "
    "there also bilateral".split()
)


def predicate_findings(text: str) -> Iterable[tuple[int, list[tuple[int, int, list[str]]]]]:
    """For each "<part> was <adjective>" of `text` (its key form), where the part ends and the
    candidates to look up, longest part first: (part_end, [(start, end, names), …]); the first
    candidate that names a term is the mention."""
    for m in _PREDICATE_RE.finditer(text):
        subject = _SUBJECT_BEFORE.search(text, max(0, m.start() - 60), m.start())
        if subject is None:
            continue
        words = subject.group(0).split()
        adjectives, nouns = _PREDICATES[m.group("adj")]
        starts = [subject.start() + w.start() for w in re.finditer(r"\S+", subject.group(0))]
        candidates = []
        for k in range(len(words), 0, -1):
            tail = words[-k:]
            if tail[0] in _NOT_NAME_START:
                continue
            part = " ".join(tail)
            names = [f"{adjective} {part}" for adjective in adjectives] + [f"{part} {noun}" for noun in nouns]
            if len(tail) > 1 and tail[-1] in _GENERIC_PART_NOUNS:  # "the thyroid gland": the thyroid
                short = " ".join(tail[:-1])
                names += [f"{adjective} {short}" for adjective in adjectives] + [
                    f"{short} {n}" for n in nouns
                ]
            of_part = _PART_ADJECTIVES.get(tail[-1])
            if of_part:  # "the left ventricle was dilated": left ventricular dilatation
                names += [" ".join([*tail[:-1], of_part, noun]) for noun in nouns]
            candidates.append((starts[len(words) - k], m.end("adj"), names))
        if candidates:
            yield subject.end(), candidates


def normal_examinations(text: str) -> Iterable[tuple[int, int, list[str]]]:
    """Examinations stated normal, with the name of their abnormality: none read in English yet
    ("the ECG was normal" is left to the negation scopes)."""
    return ()


NEGATION_REACH_WORDS = 8  # how far a negation cue reaches over a list, in words
# … and over a list of short items only ("denied fever, chills, night sweats, weight loss, cough,
# haemoptysis, chest pain or dyspnoea": a review of systems negates every item of it).
NEGATION_LIST_WORDS = 60
_LIST_ITEM_SPLIT = re.compile(r"\s*(?:,\s*(?:(?:and|or|nor)\s+)?|\b(?:and|or|nor)\b)\s*", re.I)
_LIST_END = re.compile(r"(?:,|\bor|\band|\bnor)\s*$", re.I)


def _short_item_list(gap: str) -> bool:
    """Whether `gap` is a list of short items (at most four words each) that the mention goes on."""
    if not _LIST_END.search(gap):
        return False
    items = [item for item in _LIST_ITEM_SPLIT.split(gap) if item.strip()]
    return len(items) >= 2 and all(len(_WORD_RE.findall(item)) <= 4 for item in items)


# "He was pale, not jaundiced or cyanosed", "the abdomen was not distended or tender": after a
# copula's "not", a list of short descriptive items; every item is negated, not only the first.
_COPULA_CUE_RE = re.compile(r"(?:(?:was|were|is|are)\s+)?not", re.I)
# ("and" is left out: "the rash was not itchy and erythema spread" joins two clauses)
_DESCRIPTIVE_LIST_RE = re.compile(
    r"(?:\s*[A-Za-z-]+(?:\s+[A-Za-z-]+)?\s*(?:,\s*(?:or|nor)?|\bor|\bnor))+\s*", re.I
)
_WORD_RE = re.compile(r"[A-Za-z0-9]+")


def negation_reaches(cue: str, gap: str) -> bool:
    """Whether the negation cue `cue` still governs a mention `gap` after it.

    A list may stand between them ("no fever, chills or rash"), but not a word that takes the
    negation for itself ("no improvement in dyspnea", "ruled out a cardiac cause of the stroke").
    A cue that negates a verb reaches the mention only through a verb that states a finding:
    "did not show any rash" negates the rash, "did not improve" and "was never possible to
    correct the acidosis" do not negate what follows.
    """
    if cue.lower() == "non":
        return gap.strip() in ("", "-")  # a prefix: "non-tender", not "non-necrotizing granulomas"
    words = _WORD_RE.findall(gap)
    listed = _short_item_list(gap)
    # In a list of short items only the first can take the negation for itself: "no change in
    # the rash, fever …"; "negative for fever, visual changes, chest pain" lists "visual changes".
    if _TAKING_WORDS.search(_LIST_ITEM_SPLIT.split(gap.strip(), 1)[0] if listed else gap):
        return False
    if _PLACE_WORDS.search(_LIST_ITEM_SPLIT.split(gap)[-1]):
        return False
    if len(words) > NEGATION_REACH_WORDS and not (len(words) <= NEGATION_LIST_WORDS and listed):
        return False
    if _VERB_CUE_RE.fullmatch(cue.strip()):
        # "did not have fever or cough", "has never had seizures or syncope": "have" right after the
        # cue is the verb that states the list ("did not have to stop the drug" is no such verb).
        if words and words[0].lower() in _HAVE_WORDS and not (len(words) > 1 and words[1].lower() == "to"):
            return True
        # (a verb that states the list is the cue's own: "had not experienced fever or weight loss")
        if (
            _COPULA_CUE_RE.fullmatch(cue.strip())
            and _DESCRIPTIVE_LIST_RE.fullmatch(gap)
            and not _STATING_VERBS.fullmatch(words[0])
        ):
            return not any(_STATING_VERBS.fullmatch(w) for w in words)
        content = [w for w in words if w.lower() not in _AUXILIARY_WORDS]
        if content and not _STATING_VERBS.fullmatch(content[0]):
            return False
    return True


# ----------------------------------------------------------------- demographics
AGE_RE = re.compile(
    r"\b(\d{1,3}(?:\.\d)?)\s*[- ]?\s*(years?|yrs?|y|months?|mos?|weeks?|wks?|days?)\s*[- ]?\s*old\b"
    r"|\b(\d{1,3})\s+(years?|months?|weeks?|days?)\s+of\s+age\b"
    r"|\baged?\s*(?:of\s*)?(\d{1,3})\b(?:\s*(years?|months?))?"
    r"|\b(\d{1,3})\s*[- ]?\s*(y/?o|yo)\b",  # "45 y/o", "45-yo"
    re.I,
)
# "A male neonate born at 38 weeks", "a newborn girl": a patient in the first days of life, when the
# text states no age in numbers (not "newborn screening", "the neonatal period").
_NEONATE_RE = re.compile(
    r"\b(?:newborn|new-born|neonate)\b(?!\s+(?:screen|screening|period|intensive|unit|care|nursery|hearing|exam))",
    re.I,
)
SEX_RE = re.compile(
    r"\b(man|woman|male|female|boy|girl|gentleman|lady|men|women|mr|mrs|ms|gravida|pregnant|primigravida|"
    r"g\d+\s*p\d+)\b",  # "G3P2": obstetric history, a woman
    re.I,
)
# "a 12-year-old boy", "his 8-year-old sister": the noun after the age names the patient.
_AGE_NOUN_RE = re.compile(
    r"(?:year|month|week|day)s?[- ]old\s+(?:[a-z]+\s+){0,3}?"
    r"(man|woman|boy|girl|male|female|gentleman|lady|infant\s+(?:boy|girl)|sister|brother|daughter|son|"
    r"mother|father|wife|husband|aunt|uncle|niece|nephew|twin\s+(?:sister|brother))\b",
    re.I,
)
_FEMALE = {"woman", "female", "girl", "lady", "women", "mrs", "ms", "gravida", "pregnant", "primigravida"}
_FEMALE_RELATIVES = {"sister", "daughter", "mother", "wife", "aunt", "niece"}
_OBSTETRIC_RE = re.compile(r"g\d+\s*p\d+", re.I)
_PRONOUN_RE = re.compile(r"\b(he|his|him|she|her|hers)\b", re.I)


def _age_years(number: str, unit: str) -> float:
    value = float(number)
    unit = (unit or "y").lower()
    if unit.startswith("mo"):
        return round(value / 12, 2)
    if unit.startswith("w"):
        return round(value / 52, 2)
    if unit.startswith("d"):
        return round(value / 365, 3)
    return value


def find_age(chunk: str) -> tuple[float, int, int] | None:
    """(age in years, start, end) of the first age `chunk` states, or None (also when implausible)."""
    m = AGE_RE.search(chunk)
    if not m:
        neonate = _NEONATE_RE.search(chunk)
        return (0.0, neonate.start(), neonate.end()) if neonate else None
    number = m.group(1) or m.group(3) or m.group(5) or m.group(7)
    unit = m.group(2) or m.group(4) or m.group(6) or "years"
    years = _age_years(number, unit)
    return (years, m.start(), m.end()) if years <= 120 else None


def find_sex(chunk: str) -> tuple[str, int, int] | None:
    """("female" | "male", start, end) of the first sex `chunk` states, or None.

    The noun after an age names the patient ("a 12-year-old boy") and is preferred to any other
    sex word of the chunk.
    """
    m = _AGE_NOUN_RE.search(chunk)
    if m:
        word = m.group(1).lower().split()[-1]
        sex = "female" if word in _FEMALE or word in _FEMALE_RELATIVES else "male"
        return sex, m.start(1), m.end(1)
    m = SEX_RE.search(chunk)
    if m:
        word = m.group(1)
        sex = "female" if word.lower() in _FEMALE or _OBSTETRIC_RE.fullmatch(word) else "male"
        return sex, m.start(1), m.end(1)
    return None


def sex_from_pronouns(text: str, spans: Iterable[tuple[int, int]]) -> str | None:
    """No sex noun: the pronouns of `text[start:end]` for each span decide, when they agree clearly."""
    he = she = 0
    for start, end in spans:
        for m in _PRONOUN_RE.finditer(text, start, end):
            if m.group(1).lower() in ("he", "his", "him"):
                he += 1
            else:
                she += 1
    if he >= 2 * she + 1:
        return "male"
    if she >= 2 * he + 1:
        return "female"
    return None


# ----------------------------------------------------------------- dates
# A year, not a quantity: "in 2009", "March 2009" but not "2000 mg" or "1,950 cells".
YEAR_RE = re.compile(
    r"(?<![\d,.])((?:19|20)\d\d)\b"
    r"(?!\s*(?:mg|g|ml|l|iu|u|units?|cells|μg|ug|mcg|kg|mm|cm|ng|pg|mmol|meq|%|/|,\d|\.\d)(?![a-z]))",
    re.I,
)

# ----------------------------------------------------------------- findings and diagnoses
SUMMARY_CUE_RE = re.compile(
    r"\bwe (?:describe|report|present)|\bcase (?:of|report|series)|\ba case\b|\bpatients? with\b|"
    r"\b(?:man|woman|boy|girl|child|infant|siblings?|brothers|sisters) with\b",
    re.I,
)
DIAGNOSIS_CUE_RE = re.compile(
    r"(?:diagnos(?:ed|is|es)\b(?:\s+(?:was|of|as|with|had|is))*|consistent with|compatible with|confirmed|suggestive of|impression of|"  # noqa: E501 - a pattern reads best on one line
    r"found to have|proven)\s*(?:an?|the|primary|secondary|acute|chronic|severe|typical|definite)?\s*"
    # "diagnosed with stage IVB non-small cell lung cancer", "… with metastatic melanoma"
    r"(?:(?:stage|grade|class)\s+[0-4IV]{1,4}[a-c]?\s+|(?:metastatic|advanced|locally advanced|"
    r"early|early-stage|late-stage|new-onset|recurrent|relapsed|refractory|disseminated|invasive|"
    r"localized|localised|extensive|limited)\s+){0,2}"
    # "diagnosed with DKA and thyroid storm": the cue covers every item of the list
    r"(?:[\w'-]+(?:\s+[\w'-]+){0,3}\s*(?:,\s*and|,|and|or)\s+(?:an?\s+|the\s+)?){0,3}$",
    re.I,
)
# "methimazole-induced neutropenia was suspected", "... was diagnosed"
DIAGNOSIS_POST_RE = re.compile(
    r"\s*(?:was|were|is)\s+(?:(suspected|considered|likely)|diagnosed|confirmed|established)\b", re.I
)
# "Final diagnosis: A, B", "Diagnoses:" above a numbered list.
DIAGNOSIS_LIST_RE = re.compile(
    r"\b(?:(?:final|discharge|admission|working|clinical|definitive|differential)\s+)?diagnos[ie]s\s*:", re.I
)
# English lists ("pneumonia, sepsis and acute kidney injury") are left to the diagnosis cues.
DIAGNOSIS_JOIN_RE = None
# English rules a disease out after its name ("leukaemia was ruled out"), which the assertions read
# as a negation; a finding so negated is left a finding.
DIAGNOSIS_EXCLUDED_RE = None
HISTORY_CUE_RE = re.compile(
    r"(?:history of|known|previous|prior|previously diagnosed)\s*(?:\w+\s+){0,3}$", re.I
)
# "a 3-month history of dyspnea" dates the present illness; it is not a past diagnosis. It reaches
# every item of the list it heads ("a 3-day history of fever, productive cough and chest pain").
DURATION_HISTORY_WORDS = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few|many)[- ]"
    r"(?:hour|day|week|month|year)s?'?[- ]history of\s*(?:[\w-]+(?:,\s*|\s+)(?:and\s+|or\s+)?){0,12}$"
)
# Words that name a finding too loosely to code it with the generic term they match ("swelling"
# may be oedema, a mass or inflammation; "pain" says nothing of where): a feature only with a
# more specific phrase ("chest pain", "pitting oedema"), or when stated absent ("no bleeding").
CONTEXT_BOUND_NAMES: dict[str, str] = {}  # English names carry their kind in their own words
LOOSE_FINDING_NAMES = frozenset(
    """
    pain pains painful ache aches tenderness tender swelling swellings swollen mass masses lump lumps
    tumor tumors tumour tumours growth growths neoplasm neoplasms bleeding bleed bleeds hemorrhage
    hemorrhages haemorrhage haemorrhages allergy allergies allergic
    """.split()
)
# "weakness of the lower limbs", "swelling of both ankles": the head word comes before "of" (and a
# report names the finding again by it: "her weakness improved").
PHRASE_HEAD_RE = re.compile(r"^([a-z-]+)\s+of\s", re.I)
# "Colonoscopy showed … superficial ulcerations", "erosions of the gastric mucosa": a bare ulcer,
# erosion or oedema after an endoscopy or a mucosa in its sentence is not the skin's.
MUCOSAL_CONTEXT_RE = re.compile(
    r"\b(?:\w*(?:endo|colono|gastro|sigmoido|procto|entero|broncho|laryngo|cysto|duodeno)scop\w*|EGD|"
    r"mucosa|mucosal|gastric|duodenal|colonic|rectal|ileal|jejunal)\b",
    re.I,
)

# ----------------------------------------------------------------- measurements
VALUE_FILLER_WORDS = (
    r"(?:was|were|is|are|of|at|level|levels|count|counts|titer|titre|concentration|value|values|measured|"
    r"reached|increased to|elevated to|decreased to|rose to|fell to|dropped to|about|approximately|around|"
    r"a|an|the|serum|plasma|blood|total|peak|maximum|showed|revealed|initially|only|still|again|had|has|have|been|"
    r"score|scored|reading|result|further|rising to|falling to|dropping to|reaching|peaked at|measuring|"
    r"to|now|very|normal|—|increased from|decreased from|rose from|fell from|from|"
    # "level at 4 weeks after surgery was 17.2": when it was measured
    r"(?:at|after|on day)\s+\d+\s*(?:days?|weeks?|months?|years?)?(?:\s+(?:after|post)\s+[a-z]+)?|"
    r"elevated|raised|increased|decreased|high|low|mildly|markedly|slightly|"
    # "was reduced to 25%", "had improved to 45%": a change of the test's value, then the value
    r"reduced|declined|improved|recovered|normali[sz]ed|returned|climbed|fell|rose|dropped|peaked)(?![a-z])"
)
# Units written as words or letters of this language -> the record's unit.
UNIT_WORDS = {
    "beats/min": "/min",
    "beats per minute": "/min",
    "bpm": "/min",
    "breaths/min": "/min",
    "breaths per minute": "/min",
    "breaths/minute": "/min",
    "beats/minute": "/min",
    "msec": "ms",  # an ECG interval: "a QTc of 520 msec" (lower-case "ms" in quantities.UNIT)
    "milliseconds": "ms",
    "Hounsfield units": "HU",
    "HU": "HU",  # a CT attenuation: "a mass of 35 HU"
    # a multiple of the reference interval's upper limit: "ALT 5 times the upper limit of normal"
    "times the upper limit of normal": "xULN",
    "times the upper limit of the normal range": "xULN",
    "times the upper normal limit": "xULN",
    "times the normal upper limit": "xULN",
    "times the ULN": "xULN",
    "times ULN": "xULN",
    "times normal": "xULN",
    "-fold the upper limit of normal": "xULN",
    "× ULN": "xULN",
    "×ULN": "xULN",
    "x ULN": "xULN",
    "xULN": "xULN",
}
COMPARATOR_WORDS = {
    "less than": "<",
    "below": "<",
    "under": "<",
    "lower than": "<",
    "up to": "<=",
    "greater than": ">",
    "more than": ">",
    "above": ">",
    "over": ">",
    "higher than": ">",
}
REFERENCE_WORDS = r"normal|reference|ref\.?|range"
RANGE_WORDS = r"to"
UPPER_LIMIT_WORDS = r"less than|below|up to"
# "CRP was not elevated", "haemoglobin was not significantly reduced": a level denied is normal, never
# high or low.
_NOT_LEVEL_WORDS = r"(?:not|nor|never)\s+(?:(?:significantly|markedly|further|much|particularly|clearly)\s+)?"
# (read only where a level word starts: a look-behind at every position costs)
_NOT_A_LEVEL = "".join(
    rf"(?<!\b{cue} {degree})"
    for cue in ("not", "nor", "never")
    for degree in ("", "significantly ", "markedly ", "further ", "much ", "particularly ", "clearly ")
)
_HIGH_LEVEL = r"elevated|raised|increased|high|prolonged"
_LOW_LEVEL = r"decreased|reduced|low|depressed|diminished"
# "lower limbs", "high thoracic", "lower lobe": low and high that name a part of the body.
_BODY_PART_AFTER = (
    r"(?!\s+(?:limbs?|extremit(?:y|ies)|legs?|lobes?|back|abdom\w*|quadrants?|lip|eyelids?|jaw|pole|"
    r"gastrointestinal|gi|urinary|respiratory|airways?|esophag\w*|oesophag\w*|cervical|thoracic|"
    r"lumbar|chest|ribs?|teeth|molars?|incisors?|motor neurons?|eyelid|face|body|trunk)\b)"
)
RESULT_WORDS = {
    # "not detected", "not expressed" are negative: the positive words are not read after "not"/"no".
    # Immunohistochemistry writes a marker's result as its expression: "CD20 was expressed",
    # "immunopositive for S-100", "overexpression of p53".
    "positive": r"(?<![\w-])(?:strongly |weakly |diffusely |focally )?positiv(?:e|ity)\b|(?<!not )(?<!\bno )\b(?:detected|expressed|immunopositive|immunoreactive|overexpress(?:ed|ion))\b|\breactive\b",  # noqa: E501 - a pattern reads best on one line
    # "oligoclonal bands were absent": a test read as found or not found, stated absent.
    "negative": r"(?<![\w-])negative\b|\bnot (?:detected|expressed|found|identified|isolated)\b|\bno expression\b|\bimmunonegative\b|\bnon-?reactive\b|\bundetectable\b|\babsent\b|\bsterile\b|\bno growth\b",  # noqa: E501 - a pattern reads best on one line
    # "PT and aPTT were prolonged", "a prolonged QTc": a clotting time or an interval above its range
    "high": rf"(?<![\w-])(?=elevated|raised|increased|high|abnormally|markedly|prolonged|above){_NOT_A_LEVEL}(?:elevated|raised|increased|high|higher|abnormally high|markedly elevated|prolonged|above (?:the )?(?:upper limit of )?normal)\b(?!-(?!\d)|\s+power){_BODY_PART_AFTER}",  # noqa: E501 - a pattern reads best on one line
    # "high-power field", "low-grade", "low-dose": a compound adjective, no result; "5/5 in the lower
    # limbs", "the lower lobe": a part of the body
    "low": rf"(?<![\w-])(?=[drl]){_NOT_A_LEVEL}(?:decreased|reduced|low|lower|depressed|diminished)\b"
    rf"(?!-(?!\d)|\s+power){_BODY_PART_AFTER}",
    "normal": r"(?<![\w-])(?:normal|within normal limits|unremarkable|within (?:the )?(?:normal|reference) (?:range|limits|intervals?))\b"  # noqa: E501 - a pattern reads best on one line
    # "CRP was not elevated": the level is not what the word says
    rf"|\b{_NOT_LEVEL_WORDS}(?:{_HIGH_LEVEL}|{_LOW_LEVEL})\b",
}
# ("was very high—7443 µg/L", "low at 2.1": a result word before a value the table cannot judge)
FALLING_WORDS = r"decreas|fell|dropped|reduc|declin|lower|\blow\b"
RISING_WORDS = r"increas|elevat|rose|raised|higher|\bhigh\b"
LEVEL_CHANGE_WORDS = r"decreas|reduc|increas|dropp|fell|rose|gain|lost"
# "platelet aggregation was reduced", "leukocyte glucocerebrosidase activity was low": the result is
# of the aggregation or the enzyme, not the count of the cells named first.
OTHER_QUANTITY_WORDS = r"\b(?:activit(?:y|ies)|aggregation|function|antibod(?:y|ies)|sensation|sense)\b"
# "reduced by 30%", "increased by about 2 g/dL": how much a change was.
_BY_AMOUNT = r"by\s+(?:about\s+|nearly\s+|almost\s+|over\s+|more than\s+)?\d"
CHANGE_AMOUNT_RE = re.compile(rf"\s+{_BY_AMOUNT}", re.I)
SHARED_RESULT_CUE_WORDS = r"\b(?:were|are)\s+(?:all\s+|both\s+)?"
SHARED_RESULT_WORDS = {
    "within normal limits": "normal",
    "within normal range": "normal",
    "within normal ranges": "normal",
    "normal": "normal",
    "negative": "negative",
    "positive": "positive",
    "elevated": "high",
    "increased": "high",
    "decreased": "low",
    "unremarkable": "normal",
    "prolonged": "high",
    # "Complement levels (C3 and C4) were low", "IgG and IgA were raised"
    "low": "low",
    "high": "high",
    "raised": "high",
    "reduced": "low",
    "undetectable": "negative",
    "sterile": "negative",  # "blood and urine cultures were sterile"
}
SHARED_RESULT_MARKER_WORDS = r"\ball\b|\bboth\b|\bwere\b|\bare\b"
LIST_JOIN_WORDS = r"\band\b|\bor\b|,\s*and\b"
# "within normal limits": a result stated to lie in the reference range.
WITHIN_RANGE_WORDS = (
    r"\bwithin (?:the )?(?:normal|reference) (?:limits?|ranges?|intervals?)\b|\bin the normal range\b"
)
# The specimen a value was measured in, written before it: "CSF 45 mg/dL; serum 12 mg/dL".
# What a growth percentile is of, named before it ("height 118 cm (>97th centile)"): the analyte
# of the percentile -> the words for the measure.
PERCENTILE_OF_WORDS = {
    "height percentile": r"\b(?:height|length|stature)\b",
    "weight percentile": r"\b(?:weight|weighed|weighing)\b",
    "head circumference percentile": r"\b(?:head circumference|ofc|occipito-?frontal (?:head )?circ\w*)\b",
    "BMI percentile": r"\b(?:bmi|body mass index)\b",
}
SPECIMEN_WORDS = {
    "csf": "CSF",
    "cerebrospinal fluid": "CSF",
    "urine": "urine",
    "urinary": "urine",
    "whole blood": "blood",
    "pleural fluid": "pleural fluid",
    "ascites": "ascites",
    "ascitic fluid": "ascites",
    "peritoneal fluid": "ascites",
    "synovial fluid": "synovial fluid",
}
ELEMENT_WORDS: dict[str, str] = {}
# "Urinalysis: protein 2+, blood 1+", "CSF analysis showed protein 0.9 g/L": the specimen's tests.
PANEL_WORDS = {
    "urinalysis": "urine",
    "urine analysis": "urine",
    "urine dipstick": "urine",
    "csf analysis": "CSF",
    "csf examination": "CSF",
    "cerebrospinal fluid analysis": "CSF",
    "cerebrospinal fluid examination": "CSF",
    "complete blood count": "",
    "blood count": "",
    "serum": "",
    "blood tests": "",
}
TITER_WORDS = r"(?:at\s+|with\s+)?(?:an?\s+)?(?:titers?|titres?)(?:\s+of)?"
RATIO_WORDS = r"ratios?"
MARKER_CUE_WORDS = (
    r"immunohistochem\w*|\bIHC\b|immunostain\w*|immunophenotyp\w*|flow cytometr\w*|stain(?:ed|ing)\b"
)
PANEL_MEMBER_WORDS = {
    "protein": "protein",
    "blood": "occult blood",
    "glucose": "glucose",
    "ketones": "ketones",
    "specific gravity": "specific gravity",
    "red blood cells": "red blood cells",
    "rbc": "red blood cells",
    "rbcs": "red blood cells",
    "white blood cells": "white blood cells|cell count",
    "white cells": "white blood cells|cell count",
    # a differential inside a CSF panel is the CSF's ("lymphocytes 90%"), not a blood lymphocytosis
    "lymphocytes": "lymphocytes",
    "neutrophils": "neutrophils",
    "wbc": "white blood cells|cell count",
    "wbcs": "white blood cells|cell count",
    "leukocytes": "white blood cells|cell count",
    "white cell count": "cell count",
    "cell count": "cell count",
    "chloride": "chloride",
    "chlorine": "chloride",
    "sodium": "sodium",
    "potassium": "potassium",
}  # English names an electrolyte in words ("potassium"): vocabulary names
# What heads a list of vital signs ("Vital signs: HR 110, RR 22"): its symbols may stand without units.
VITAL_SIGNS_WORDS = r"vital signs?|vitals|blood pressure"
# "A and B were 1.6 and 0.096 mmol/L, respectively": the values pair with the tests in order.
RESPECTIVELY_WORDS = r"\brespectively\b"
# A sentence about a device's settings: its temperatures, pressures and rates are the device's
# ("ablation at a power of 5 W, maximum temperature 48 °C", "ventilator: PEEP 8 cmH2O, FiO2 40%").
DEVICE_SETTING_WORDS = (
    r"\b(?:ablation|ablated|catheter tip|pacing|pacemaker|paced|ventilator|peep|tidal volume|impedance|"
    r"irrigation|power of|energy of|joules?|watts?|settings?|programmed|set (?:at|to)|cuff pressure)\b"
)
# "LVEF increased from 0.20 to 0.55": the value before and the value after.
SERIES_FROM_WORDS = r"\bfrom\b"
SERIES_TO_WORDS = r"to"
# "Apgar scores were 2, 6 and 7 at 1, 5 and 10 minutes": what joins further values of one test,
# and the words after a value that say when it was taken (they end the list, not the value).
SERIES_JOIN_WORDS = r"and|or|then"
SERIES_WHEN_WORDS = r"at|on|in|after|before|during|following|within|with|respectively"
# "elevated ESR", "raised levels of": the result written before the test.
PRE_QUALIFIER_RE = re.compile(
    r"(elevated|raised|increased|high|higher|low|decreased|reduced|suppressed|positive|negative|normal|"
    r"elevation|increase|rise|decrease|reduction|drop|absence|absent|prolonged|prolongation|rising|increasing|"
    r"decreasing|falling|declining)\s+(?:(?:of|in)\s+)?"
    r"(?:serum\s+|plasma\s+|blood\s+|levels? of\s+)?$",
    re.I,
)
PRE_QUALIFIER_MEANINGS = {
    "raised": "high",
    "elevated": "high",
    "increased": "high",
    "higher": "high",
    "decreased": "low",
    "reduced": "low",
    "suppressed": "low",
    "elevation": "high",
    "increase": "high",
    "rise": "high",
    "decrease": "low",
    "reduction": "low",
    "drop": "low",
    "rising": "high",  # "a rising creatinine", "decreasing oxygen saturation"
    "increasing": "high",
    "decreasing": "low",
    "falling": "low",
    "declining": "low",
    "prolonged": "high",  # "a prolonged QTc", "prolongation of the PT"
    "prolongation": "high",
    "absence": "negative",  # "absence of oligoclonal bands"
    "absent": "negative",
}
# "elevated levels of anti-GAD antibody, anti-IA-2 antibody and insulin autoantibody": the
# pre-qualifier reaches the next tests of a list.
PRE_QUALIFIER_LIST_RE = re.compile(r"[^.;]{0,25}?(?:,|\band\b|,\s*and\b)\s*")
# Results of tests the vocabulary does not know ("the biopsy was positive", "CD56+").
# English names an unknown test by the phrase a result is said of (`UNNAMED_RESULT_RE`).
NAMED_TEST_RESULT_RE = None
NAMED_TEST_LEAD_RE = None
UNNAMED_RESULT_RE = re.compile(
    r"(?<![\w-])(?:(?:strongly|weakly|diffusely|focally)\s+)?(?:positive|positivity|negative|negativity|within normal (?:limits|ranges?)|"  # noqa: E501 - a pattern reads best on one line
    r"unremarkable|uneventful|elevated|increased|raised|reduced|decreased|normali[sz]ed|diminished|depressed|abnormal|deranged|normal)(?![\w-])"
    # a marker's expression in immunohistochemistry: "vimentin was expressed", "not expressed",
    # "immunopositive for S-100", "expression of hepatocyte antigen" (not a face's expression)
    r"|(?<![\w-])(?:not expressed|no expression|immunopositive|immunonegative|"
    # "expressed" of a marker is passive ("CD20 was expressed"; "he expressed concern" is no result)
    r"(?:(?<=\bwas )|(?<=\bwere )|(?<=\bis )|(?<=\bare )|(?<=\bbeen )|(?<=\bstrongly )|(?<=\bdiffusely )|"
    r"(?<=\bfocally ))expressed|"
    r"immunoreactive|overexpression|"
    # the noun only as a stain's result ("showed expression of vimentin", "strong nuclear expression
    # for p53"), not as a sign ("paralysis, expression of hypoglossal nerve injury")
    r"(?:(?<=immunohistochemical )|(?<=protein )|(?<=strong )|(?<=diffuse )|(?<=focal )|(?<=nuclear )|"
    r"(?<=cytoplasmic )|(?<=membranous )|(?<=weak )|(?<=showed )|(?<=revealed )|(?<=demonstrated ))"
    r"expression(?=\s+(?:of|for)\b))(?![\w-])"
    r"|\(\s*(?:\+{1,4}|-)\s*\)"
    # Marker status written as a suffix: "CD56+ CD138+", "CD19-".
    r"|(?<=[A-Za-z0-9])(?<=\d|[A-Z])(?:\+{1,3}|-)(?=[\s,;.)]|$)",
    re.I,
)
UNNAMED_RESULT_MEANINGS = {
    "positivity": "positive",
    "negativity": "negative",
    "within normal limits": "normal",
    "within normal range": "normal",
    "within normal ranges": "normal",
    "unremarkable": "normal",
    "uneventful": "normal",
    "elevated": "high",
    "increased": "high",
    "raised": "high",
    "reduced": "low",
    "decreased": "low",
    "diminished": "low",
    "depressed": "low",
    "normalized": "normal",
    "normalised": "normal",
    "+": "positive",
    "-": "negative",
    "abnormal": "abnormal",
    "deranged": "abnormal",  # "liver enzymes were deranged"
    "expressed": "positive",
    "expression": "positive",
    "immunopositive": "positive",
    "immunoreactive": "positive",
    "overexpression": "positive",
    "not expressed": "negative",
    "no expression": "negative",
    "immunonegative": "negative",
}
_SUBJECT_STOP = re.compile(
    r"\b(?:was|were|is|are|be|been|being|of|at|showed|revealed|demonstrated|came back|remained|became|with|and|had|has|found|to)\b|[,;:()]",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
# Words that name no test: a phrase made only of these ("an", "they", "but a", "which returned")
# is not an analyte, however close it stands to a result.
_NOT_A_TEST = frozenset(
    """
    a an the this that these those which who whom what it its they them their he she his her him hers
    there here but and or nor as so than then also all both other others another some any each no not
    none only still again further gradually progressively slightly mildly markedly severely greatly very
    highly strongly weakly significantly essentially almost approximately about nearly within while
    whereas despite although though however after before upon during because since of for in on at by
    with without from to into over under above below between among yielded showed showing revealed
    returned presented indicated demonstrated depicting depicted measured estimated included appeared
    stained identified noted found seen considered technically initially subsequently subsequent later
    again previously rose fell from concerns data suggested suggesting result patient patient's
    day days week weeks month months year years hour hours
    """.split()
)
_HISTORY_SUBJECT = re.compile(r"\bhistory\b", re.I)


_PATTERN_NUM = r"\d+(?:\.\d+)?(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?)?"
_WEIGHT_UNIT = r"kg|kilograms?|lbs?|pounds?"
# The size of a heart chamber or great vessel on imaging: "a dilated right atrium of 74,2 mm",
# "the inferior vena cava (30 mm, without respiratory variation)", "the right ventricle measured
# 44 mm". The structure is the subject of the size, not the place of something else in it
# ("a thrombus in the right atrium of 2 cm" is the thrombus's size).
# The quick tests below are one object per family, so `pattern_results` runs each once a sentence.
_SIZE_IN_SENTENCE = re.compile(r"\d\s*[cm]m\b", re.I)
_ST_IN_SENTENCE = re.compile(r"\bST\b", re.I)
_VOLUME_IN_SENTENCE = re.compile(r"\d\s*(?:ml|l|cc)\b", re.I)
_STRUCTURE_SIZES = tuple(
    (
        re.compile(
            r"(?<!\bin the )(?<!\binto the )(?<!\bwithin the )(?<!\bfrom the )"
            rf"\b(?:{words})(?:\s+(?:diameters?|dimensions?|size|width))?\s*"
            # "the inferior vena cava was dilated (28 mm)": a word on the size before the value
            r"(?:(?:was|is|appeared)\s+(?:(?:mildly|moderately|severely|markedly)\s+)?"
            r"(?:dilated|enlarged|plethoric|small|normal)\s*(?=\())?"
            r"(?:(?:of|measuring|measured|was|is|at|[:=])\s*|\(\s*(?:(?:max(?:imal|imum)?\s+)?"
            r"(?:diameter|dimension|width|depth|thickness|size)\s*[,:]?\s*)?|,\s*)"
            r"(?:about\s+|approximately\s+|up to\s+)?"
            r"(?P<res>(?P<val>\d+(?:[.,]\d{1,2})?)(?:\s*/\s*\d+(?:[.,]\d{1,2})?)?\s*(?P<unit>mm|cm))(?![\w/])",
            re.I,
        ),
        _SIZE_IN_SENTENCE,  # a quick test that spares most sentences the patterns
        analyte,
        None,
    )
    for analyte, words in {
        "right atrial diameter": r"right atri(?:um|al)|RA",
        "left atrial diameter": r"left atri(?:um|al)|LA",
        "right ventricular diameter": r"right ventric(?:le|ular)|RV",
        "left ventricular diameter": r"left ventric(?:le|ular)|LV",
        "inferior vena cava diameter": r"inferior vena cava|IVC",
        "aortic root diameter": r"aortic root",
        "ascending aorta diameter": r"ascending aorta|ascending aortic",
        "pulmonary artery diameter": r"(?:main\s+)?pulmonary (?:artery|trunk)",
        "pericardial effusion depth": r"pericardial effusion",
    }.items()
)

# ECG ST-segment deviation in millimetres: "ST-segment elevation of 1,5 mm", "ST elevation (2 mm)",
# "2-mm ST-segment depression", "ST depression up to 3 mm in V4-V6".
_ST_SEGMENT = tuple(
    (
        re.compile(
            rf"\bST[\s-]*(?:segment[\s-]*)?{word}s?\s*(?:(?:of|by|up to|to|was|measuring|[:=])\s*|\(\s*)"
            r"(?:about\s+|approximately\s+)?(?P<res>(?P<val>\d+(?:[.,]\d{1,2})?)(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d)?)?"
            r"\s*(?P<unit>mm|mV))(?![\w/])"
            rf"|(?P<res2>(?P<val2>\d+(?:[.,]\d{{1,2}})?)[\s-]*(?P<unit2>mm|mV))\s+(?:of\s+)?ST[\s-]*(?:segment[\s-]*)?"
            rf"{word}",
            re.I,
        ),
        _ST_IN_SENTENCE,  # a quick test that spares most sentences the pattern
        analyte,
        None,
    )
    for analyte, word in (("ST-segment elevation", "elevation"), ("ST-segment depression", "depression"))
)
# The volume of an effusion or of fluid drained or lost: "hydrothorax (900 mL)", "a pleural effusion
# of 1.2 L", "3800 mL of serous ascitic fluid was drained", "estimated blood loss was 500 mL". (Blood
# is named only as a loss: "500 mL of blood" may be a transfusion.)
_FLUID_VOLUME_NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_FLUID_VOLUMES = tuple(
    (
        re.compile(
            rf"\b(?:{words})\s*"
            r"(?:(?:of|was|were|measured|measuring|totall?ed|amounted to|[:=])\s*|\(\s*|,\s*)"
            r"(?:about\s+|approximately\s+|nearly\s+|over\s+|more than\s+|~\s*)?"
            rf"(?P<res>(?P<val>{_FLUID_VOLUME_NUM})\s*(?P<unit>ml|mL|l|L|cc))(?![\w/])"
            + (
                rf"|(?<![\w.,])(?P<res2>(?P<val2>{_FLUID_VOLUME_NUM})\s*(?P<unit2>ml|mL|l|L|cc))\s+of\s+"
                rf"(?:[a-z-]+\s+){{0,2}}?(?:{fluid})\b"
                if fluid
                else ""
            ),
            re.I,
        ),
        _VOLUME_IN_SENTENCE,  # a quick test that spares most sentences the pattern
        analyte,
        None,
    )
    for analyte, words, fluid in (
        ("pleural fluid volume", r"pleural (?:effusions?|fluid)|hydrothorax", r"pleural (?:effusion|fluid)"),
        (
            "ascites volume",
            r"ascites|ascitic fluid|hydroperitoneum|peritoneal fluid",
            r"ascites|ascitic fluid|peritoneal fluid",
        ),
        (
            "pericardial fluid volume",
            r"pericardial (?:effusions?|fluid)|hydropericardium",
            r"pericardial (?:effusion|fluid)",
        ),
        ("blood loss", r"(?:estimated\s+)?(?:blood loss|EBL|intraoperative bleeding)", None),
    )
)
# The maximum standardized uptake value of a PET scan: "SUVmax 4.1", "(max SUV > 3.80)", "an SUV of 12".
_SUV = (
    re.compile(
        r"\b(?:SUV\s*max|max(?:imum|imal)?\s+(?:SUV|standardi[sz]ed uptake value)|SUV)(?:\s*\(SUVmax\))?\s*"
        r"(?:(?:of|was|were|is|at|up to|reaching)\s*|[:=]\s*|\(\s*)?"
        r"(?P<res>(?:[<>≤≥]\s*)?(?P<val>\d+(?:\.\d+)?))(?![\w/%]|\.\d|\s*(?:mm|cm|ml|%))",
        re.I,
    ),
    re.compile(r"SUV|standardi[sz]ed uptake", re.I),
    "SUVmax",
    None,
)

# Results written in a fixed phrase rather than "test value unit", with no test word the vocabulary
# could claim: (pattern with group `res` the evidence and `val` the value, optional `unit`; a
# pattern the sentence must also match, or None; the analyte, None for the phrase before the
# result; the unit when the phrase has none).
PATTERN_RESULTS = (
    # A change of body weight: "a weight loss of 8 kg", "lost 5 kg", "a 10-kg weight gain",
    # "weight loss (8 kg in 2 months)", "her body weight decreased by 6 kg". A loss (group `below`)
    # is a negative change.
    (
        re.compile(
            r"\b(?:(?:body\s+)?weight\s+(?=loss|reduction|gain)|(?=lost|losing|gained|gaining))"
            r"(?:(?P<below>loss|reduction|lost|losing)|gain|gained|gaining)\s*"
            # "weight loss (8 kg in 2 months)": the amount in brackets
            rf"(?:\(\s*|(?<=\s))(?:of\s+)?"
            rf"(?:about\s+|approximately\s+|nearly\s+|almost\s+|over\s+|more than\s+|~\s*)?"
            rf"(?P<res>(?P<val>{_PATTERN_NUM})\s*(?P<unit>{_WEIGHT_UNIT}))\b"
            rf"|(?P<res2>(?P<val2>{_PATTERN_NUM})[\s-]*(?P<unit2>{_WEIGHT_UNIT}))\s+(?:of\s+)?(?:body\s+)?"
            r"weight\s+(?:(?P<below2>loss|reduction)|gain)\b"
            r"|\b(?:body\s+)?weight\s+(?:had\s+|has\s+)?"
            r"(?:(?P<below3>decreased|dropped|fell|declined|reduced)|increased|rose)\s+by\s+"
            rf"(?:about\s+|approximately\s+|nearly\s+|almost\s+|over\s+|more than\s+|~\s*)?"
            rf"(?P<res3>(?P<val3>{_PATTERN_NUM})\s*(?P<unit3>{_WEIGHT_UNIT}))\b",
            re.I,
        ),
        re.compile(rf"\d[\s-]*(?:{_WEIGHT_UNIT})\b", re.I),  # a quick test: a weight in the sentence
        "body weight change",
        None,
    ),
    # Muscle strength on the 0-5 (MRC) scale: "2/5 strength in the right leg", "power 4+/5".
    (
        re.compile(r"(?<![\w/.])(?P<res>(?P<val>[0-5])[+-]?(?:\s*[-–]\s*[0-5][+-]?)?\s*/\s*5)(?![\d/])"),
        re.compile(r"\b(?:strength|power|motor|weakness|MRC|paresis)\b", re.I),
        "muscle strength",
        "grade",
    ),
    # A count per microscope field: "30 to 60 mitoses per 10 high-power fields", "RBC 10-15/HPF",
    # "2+/HP".
    (
        re.compile(
            r"(?<![\w.])(?P<res>(?:[<>≤≥]\s*)?(?P<val>\d+(?:\.\d+)?)\+*(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?\+*)?\s*"
            r"(?:[A-Za-z-]+\s*){0,2}?(?:per|/)\s*(?:\d+\s*)?(?:hpfs?|high[- ]power fields?|hp|lpfs?|"
            r"low[- ]power fields?))\b",
            re.I,
        ),
        re.compile(r"hpf|lpf|\bhp\b|\blp\b|power[- ]field", re.I),  # a quick test: a field named
        "count per microscope field",
        "/field",
    ),
    # A growth percentile: "weight below the 3rd percentile", "<10th centile".
    (
        re.compile(
            r"(?P<res>(?:(?:[<>≤≥]|less than|below|under|above|over|greater than)\s*(?:the\s+)?)?"
            r"(?P<val>\d+(?:\.\d+)?)(?:st|nd|rd|th)?\s*(?:percentiles?|centiles?))\b",
            re.I,
        ),
        re.compile(r"centile", re.I),  # a quick test that spares most sentences the pattern
        "percentile",
        "percentile",
    ),
    # A growth measure as a standard deviation score: "(-2.5 SD)", "+3.1 SDS", "below -2 SD",
    # "2.5 SD below the mean" (a negative score).
    (
        re.compile(
            r"(?P<res>(?:(?:[<>≤≥]|less than|below|under|above|over|greater than)\s*)?"
            r"(?P<val>[-−–+]?\s?\d+(?:\.\d+)?)\s*(?:SDS?|s\.d\.|standard deviations?)"
            r"(?P<below>\s+below\s+(?:the\s+)?(?:mean|average|normal))?)(?![\w])",
            re.I,
        ),
        re.compile(r"\bSDS?\b|s\.d\.|standard deviation", re.I),
        "SD score",
        "SD",
    ),
    # The New York Heart Association functional class: "NYHA class III", "NYHA functional class II".
    (
        re.compile(
            r"\bNYHA\s+(?:\([^)]{0,40}\)\s+)?(?:functional\s+)?(?:class|grade|stage)\s+"
            r"(?P<res>(?P<val>IV|III|II|I|Ⅳ|Ⅲ|Ⅱ|Ⅰ|[1-4])(?:\s*(?:-|–|to)\s*(?:IV|III|II|I|[1-4]))?)(?![\w])"
        ),
        re.compile(r"NYHA"),  # a quick test that spares most sentences the pattern
        "NYHA functional class",
        None,
    ),
    # A heart murmur's grade out of 6: "a grade 3/6 systolic murmur", "murmur of 2/6 grade", "III/VI".
    (
        re.compile(
            r"(?<![\w/.])(?P<res>(?:grade\s+)?(?P<val>[1-6]|VI|IV|V|III|II|I)(?:\s*[-–]\s*(?:[1-6]|VI|IV|V|III|II|I))?"
            r"\s*/\s*(?:6|VI)(?:\s+grade)?)(?![\w/])"
        ),
        re.compile(r"\bmurmurs?\b", re.I),
        "heart murmur grade",
        "/6",
    ),
    # The ECOG performance status: "ECOG performance status 2", "Eastern Cooperative Oncology Group
    # performance status of 1-2", "ECOG PS 3".
    (
        re.compile(
            r"\b(?:ECOG|Eastern Cooperative Oncology Group)(?:\s*\(ECOG\))?\s+(?:performance status|PS)"
            r"(?:\s*\(PS\))?\s*(?:(?:was|of|score)\s+|[:=]\s*)?(?P<res>(?P<val>[0-5])(?:\s*[-–]\s*[0-5])?)(?!\d|[.,]\d)"
        ),
        re.compile(r"ECOG|Eastern Cooperative"),  # a quick test that spares most sentences the pattern
        "ECOG performance status",
        None,
    ),
    # A ratio, index or score written as a bare number: "an E/A ratio of 2.1", "the HDS-R score was
    # 17/30", "IQ 75". The analyte (None) is the phrase before the number.
    (
        re.compile(
            r"\b(?:ratios?|index|indices|scores?|IQ)\s+(?:(?:was|were|is|of|at)\s+|=\s*|:\s*)?"
            # "the Child-Pugh score was less than 7": a bound is a result too
            r"(?P<res>(?:(?:less than|greater than|more than|below|above|[<>≤≥])\s*)?"
            r"(?P<val>\d+(?:\.\d+)?)(?:\s*/\s*\d+)?)"
            # a bare number: the clause ends or a function word follows, no unit
            r"(?=\s*(?:[,;)\]]|\.(?!\d)|$)|\s+(?:and|or|in|on|at|with|for|which|that|was|were|but|after|"
            r"before|while|whereas|compared|\())",
            re.I,
        ),
        re.compile(r"ratio|ind(?:ex|ices)|score|\bIQ\b", re.I),  # a quick test: one of the words
        None,
        None,
    ),
    # The heart's rhythm on an ECG or monitor: "the ECG showed sinus rhythm", "in normal sinus rhythm"
    # (an arrhythmia is a finding of its own; sinus rhythm is the test's normal result).
    (
        re.compile(r"\b(?P<res>(?:normal\s+)?sinus\s+rhythm)(?P<val>)\b", re.I),
        re.compile(r"\bsinus\b", re.I),
        "heart rhythm",
        None,
    ),
    *_STRUCTURE_SIZES,
    *_ST_SEGMENT,
    *_FLUID_VOLUMES,
    _SUV,
)


def _test_words(words: list[str]) -> list[str]:
    """`words` without the function words and numbers at either end ("test also yielded a" ->
    "test", "lymphocytes 0.54 ×" -> "lymphocytes")."""

    def is_filler(word: str) -> bool:
        return word.lower().strip(".,") in _NOT_A_TEST or not re.search(r"[A-Za-z]", word)

    while words and is_filler(words[0]):
        words = words[1:]
    while words and is_filler(words[-1]):
        words = words[:-1]
    return words


# "decreased in size", "increased in number": how much of something the patient has, not a result.
_CHANGE_OF_EXTENT = re.compile(
    r"\s*in\s+(?:size|number|extent|diameter|thickness|severity|intensity|frequency|volume)\b", re.I
)


_RELATIVE_CHANGE = re.compile(
    r"\b(?:decreased|increased|reduced|fell|rose|dropped|declined|improved|worsened)\s+by\s*(?:about\s+|nearly\s+|over\s+)?$",
    re.I,
)
# "the diet reduced seizure frequency by 50%": a change verb with its object and amount after it,
# no result of a test.
_CHANGED_BY_AFTER = re.compile(
    rf"\s*(?:(?:the|his|her|their|its)\s+)?(?:[\w-]+\s+){{0,3}}?{_BY_AMOUNT}", re.I
)
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an)\s*$", re.I)
# "excluded by negative PCR", "despite normal histology", "with negative T waves": after these a
# result word stands before the test it is of, as after an article.
_RESULT_FIRST_BEFORE = re.compile(r"\b(?:by|with|despite)(?:\s+(?:a|an|the))?\s*$", re.I)
_EXTENT_WORDS = frozenset({"size", "number", "extent", "severity", "intensity", "frequency"})


# "negative for ANA and anti-dsDNA": what joins a result word to the tests it is of, after it.
RESULT_FOR_WORDS = r"for"
# "a target INR of 2.0-3.0", "an INR goal of 2.5": a value aimed at, not measured (anchored at `$`
# before the test, and right after it).
TARGET_BEFORE_RE = re.compile(
    r"\b(?:target(?:ed)?|goal|desired|therapeutic)\s+(?:range\s+(?:of|for)\s+)?$", re.I
)
TARGET_AFTER_RE = re.compile(r"\s+(?:target|goal)s?\b", re.I)
# Oxygen given is therapy, not a measurement of the patient: "required 4 L/min of oxygen", "oxygen
# was given at 6 L/min", "on 2 L/min of supplemental O2".
SUPPLIED_BEFORE_RE = re.compile(
    r"\b(?:oxygen|O2)\s+(?:(?:was|is|were)\s+)?(?:(?:later|then|subsequently|initially|\w+ly)\s+)?(?:(?:given|delivered|administered|supplied|started|"
    r"supplemented|increased|titrated)\s+)?(?:at|via|by|of)\s*(?:a\s+(?:rate|flow)\s+of\s*)?$",
    re.I,
)
SUPPLIED_AFTER_RE = re.compile(
    r"\s*(?:of\s+)?(?:supplemental\s+|supplementary\s+|nasal\s+|humidified\s+)?(?:oxygen|O2)\b", re.I
)
_CONTROL_AFTER = re.compile(r"\s*controls?\b", re.I)
_OF_THE_TEST = re.compile(r"\s*of\s+([\w\-/ ]{2,40}?)(?:[,.;(]|\s+(?:and|or|was|were|in|by|on)\b|$)", re.I)


def subject_phrase(before: str, after: str) -> str | None:
    """The test a result is said of: the last words before "was/were/of…" ("the biopsy was
    positive" -> "biopsy"), else the words right after ("positive for S-100" -> "s-100"). None
    when no words that could name a test stand there ("they were positive", "an increased"); ""
    when the result is said of a history ("family history was unremarkable"): no test at all."""
    if _CONTROL_AFTER.match(after):
        return ""  # "a positive control", "negative controls": the assay's check, no patient result
    if _RELATIVE_CHANGE.search(before) or (after and _CHANGED_BY_AFTER.match(after)):
        return ""  # "decreased by 50%": how much something changed, no result
    of = _OF_THE_TEST.match(after)
    if of:
        # "no expression of CK7", "expression of vimentin and desmin": the test follows the result
        return " ".join(_test_words(of.group(1).split())).lower() or None
    after_preposition = not _ARTICLE_BEFORE.search(before) and _RESULT_FIRST_BEFORE.search(before)
    if _ARTICLE_BEFORE.search(before) or (after.strip() and after_preposition):
        # "an uneventful pregnancy", "an abnormal EEG": the result word stands before what it is of
        named: list[str] = []
        for word in after.split()[:3]:
            bare = word.strip(".,;:()")
            if not bare or bare.lower() in _NOT_A_TEST or _SUBJECT_STOP.fullmatch(bare):
                break
            named.append(bare)
            if bare != word:
                break  # punctuation ends the phrase
        if after_preposition and named and named[-1].lower().rstrip("s") in _EXTENT_WORDS:
            return ""  # "a mass with increased size": the lesion changed, no test was done
        return " ".join(named).lower() or None
    chunk = before.rstrip()
    chunk = re.sub(
        r"(?:\s+(?:was|were|is|are|came back|remained|became|of|at|showed|revealed|elevated|raised|increased|decreased|reduced|markedly|mildly|slightly|significantly|highly|strongly|weakly|diffusely|focally|also|all|both|found to be|noted to be|approximately|about|around|nearly))+$",  # noqa: E501 - a pattern reads best on one line
        "",
        chunk,
        flags=re.I,
    )
    parts = _SUBJECT_STOP.split(chunk)
    words = _test_words(parts[-1].strip().split()[-4:] if parts else [])
    if words and _HISTORY_SUBJECT.search(" ".join(words)):
        return ""
    phrase = " ".join(words).strip(" .")
    if _CHANGE_OF_EXTENT.match(after) or (words and words[-1].lower() in _EXTENT_WORDS):
        # "the nodules decreased in size", "seizure frequency decreased": a lesion or a symptom
        # changed, no test was done
        return ""
    if not phrase:
        m = re.match(r"\s*(?:for|in)\s+([\w\-/ ]{2,40}?)(?:[,.;]|\s+(?:and|was|were|in)\b|$)", after)
        phrase = " ".join(_test_words(m.group(1).split())) if m else ""
    return phrase.lower() or None


# ----------------------------------------------------------------- treatments
DOSE_UNIT_WORDS = {
    "units": "U",
    "unit": "U",
    "tablets": "tablet",
    "tablet": "tablet",
    "tabs": "tablet",
    "tab": "tablet",
    "capsules": "capsule",
    "capsule": "capsule",
    "caps": "capsule",
    "cap": "capsule",
    "drops": "drop",
    "drop": "drop",
    "puffs": "puff",
    "puff": "puff",
}
ROUTE_WORDS = {
    "intralesional": r"intralesional",
    "intrathecal": r"\bintrathecal(?:ly)?\b",
    "intra-articular": r"\bintra-?articular(?:ly)?\b",
    "transdermal": r"\btransdermal(?:ly)?\b",
    "nasal": r"\bintranasal(?:ly)?\b|\bnasal spray\b|\bnasal drops\b",
    # ("stage IV", "grade IV", "type IV": a Roman four, no route)
    "intravenous": r"\bintravenous(?:ly)?\b|(?<!stage )(?<!grade )(?<!class )(?<!type )(?<!phase )"
    r"\bi\.?v\.?(?![a-z])|\binfusions?\b|\bdrip\b",
    "intramuscular": r"\bintramuscular(?:ly)?\b|\bi\.?m\.?(?![a-z])",
    "subcutaneous": r"\bsubcutaneous(?:ly)?\b|\bs\.?c\.?(?![a-z])|\bsubcut\b",
    "inhaled": r"\binhal(?:ed|ation|er)\b|\bnebuli[sz]ed\b",
    "ophthalmic": r"\bophthalmic\b|\beye ?drops?\b|\beye ointment\b",
    "rectal": r"\brectal(?:ly)?\b|\bper rectum\b|\bsuppositor(?:y|ies)\b|\benemas?\b",
    "topical": r"\btopical(?:ly)?\b|\bointment\b|\bcream\b|\bgel\b|\blotion\b|\bshampoo\b|\bdressings?\b|\bwound care\b|\bapplied to\b",  # noqa: E501 - a pattern reads best on one line
    "sublingual": r"\bsublingual(?:ly)?\b|\bunder the tongue\b",
    "oral": r"\boral(?:ly)?\b|\bper os\b|\bp\.?o\.?(?![a-z])|\bby mouth\b|\btablets?\b",
}
STATED_ORAL_WORDS = r"oral|p\.?o"
DOSE_MULTIPLIER_WORDS: dict[str, str] = {}
PER_BODY_BEFORE_WORDS: dict[str, str] = {}
CHANGE_WORDS = {
    "decreased": r"\btaper(?:ed|ing)?\b|\breduced to\b|\bdecreased to\b|\bweaned\b",
    "increased": r"\bincreased to\b|\bescalated\b|\buptitrated\b",
    "stopped": r"\bdiscontinued\b|\bstopped\b|\bwithdrawn\b|\bceased\b|\bwithheld\b|\bheld\b",
}
# "methimazole was switched to propylthiouracil", "was replaced by leflunomide": the drug before is
# stopped (the words lead into the next drug, so the drug's own window ends before them).
SWITCHED_TO_RE = re.compile(r"\b(?:switched|changed)\s+to\b|\b(?:was|were)\s+replaced\s+(?:by|with)\b", re.I)
DOSE_CHANGE_WORDS = (
    r"increased|decreased|reduced|tapered|titrated(?: up| down)?|escalated|raised|lowered|weaned"
)
AGAIN_WORDS = r"again"
DOSE_CHANGE_TO_WORDS = r"to"
INCREASE_WORDS = r"inc|esc|rai|up"
# A substance named as a test, not given: "aldosterone levels", "C-peptide was elevated".
LAB_CONTEXT_WORDS = (
    r"levels?|concentrations?|assays?|tests?|testing|stain(?:ing)?|immunostaining|"
    r"positive|negative|ratio|index|clearance|scan|scintigraphy|(?:was|were|is|"
    # ("glucose of 472 mg/dL" is a value; "enoxaparin of 40 mg/day" a dose: a dose unit follows)
    r"of(?!\s+\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|μg|µg|ug|ml|iu|u|units?)(?:\s*/\s*(?:kg|m2|m²|day|d|h|hr|min|week|wk))?(?![a-z/]))"
    r")\s+(?:\d|elevated|increased|decreased|low|high|normal|within)|"
    # a substance's level said to change: "her calcium normalized", "potassium fell to", "rose"
    r"(?:had\s+|has\s+)?(?:normali[sz]ed|returned to normal|rose|fell|dropped|declined|peaked)\b|"
    # a drug named as a test agent, a susceptibility, a gene or a deficiency: not given
    r"(?:stimulation|tolerance|challenge|suppression|loading|provocation|skin|patch|breath) tests?|"
    # ("methicillin-resistant Staphylococcus aureus", "steroid-refractory colitis", "a steroid-sparing
    # agent": the drug is what the organism resists, the illness withstood, the one spared)
    r"sensitivity|sensitive|-?resistance|-?resistant|susceptibility|etest|e-test|mic\b|-refractory|-sparing|"
    # "vitamin B12 and folate levels were normal": the level word after the last test of a pair
    r"(?:and|or)\s+[\w-]+(?:\s+(?:acid|[A-Z]\d{1,2}))?\s+(?:levels?|concentrations?)\b|"
    r"deficiency|absence|antibod(?:y|ies)|genes?|receptors?|-?free\b|-?enhanced|uptake|allergy|"
    # a drug's level ("tacrolimus trough 6 ng/mL": no dose) and the immunoglobulin genes' chains
    r"trough|(?:heavy|light)[- ]chains?"
)
PER_DAY_WORDS = r"daily|per day|a day"
# Words that say a substance was given, not measured: "received intravenous glucose", "infusion of".
# "allergy to penicillin", "resistant to clindamycin, linezolid and oxacillin", "serum albumin": a
# drug after these words is not given (the words reach over a list of drugs).
NOT_GIVEN_WORDS = (
    r"\b(?:allerg(?:y|ic|ies) to|intoleran(?:ce|t) to|hypersensitivity to|susceptib(?:le|ility) to|"
    r"(?:isolates?|strains?|organisms?|bacteria)\s+(?:were|was)\s+(?:also\s+)?(?:resistant|sensitive) to|"
    r"serum|plasma)"
)
# "methimazole-induced neutropenia": the finding after these words is the drug's adverse effect.
ADVERSE_LINK_WORDS = r"[- ](?:induced|associated|related)\s+"
# "in three divided doses": the day's dose given in parts.
DIVIDED_DOSES_RE = re.compile(
    r"\b(?:in|into)\s+(two|three|four|2|3|4)\s+divided\s+doses\b|\bdivided\s+(?:in|into)\s+(two|three|four|2|3|4)\s+doses\b",
    re.I,
)
# "He did not receive heparin", "Thrombolysis was not given", "she declined insulin": a drug the
# patient was not given is no treatment of theirs (read right before and right after the drug).
WITHHELD_BEFORE_WORDS = (
    r"\b(?:did not|didn't|could not|couldn't) (?:receive|get|tolerate)"
    r"|\b(?:was|were) not (?:given|started on|treated with|prescribed|offered)"
    r"|\bnot (?:given|treated with|started on|offered|on|taking|receiving)"
    r"|\b(?:declined|refused)(?: further| additional| any)?"
    r"|\bcontraindication to|\bno (?:further |additional )?"
)
WITHHELD_AFTER_WORDS = (
    r"(?:therapy |treatment |infusion )?(?:was|were|has been|had been) (?:not|never) "
    r"(?:given|started|administered|used|prescribed|initiated|offered|commenced|attempted|considered)\b"
    r"|(?:therapy |treatment )?(?:was|were) (?:contraindicated|declined|refused|avoided|deferred)\b"
    # "radioactive iodine was discussed but declined", "was offered but refused"
    r"|(?:therapy |treatment )?(?:was|were) (?:discussed|offered|proposed|recommended|suggested)"
    r"(?: with (?:her|him|the patient|the family))? but (?:was |were )?"
    r"(?:declined|refused|not (?:given|accepted))\b"
)
GIVEN_WORDS = (
    r"\b(?:given|administered|received|receiving|infused|infusion of|treated with|started on|"
    r"supplemented with|supplementation with|bolus of|injection of|dose of)"
)
QUANTITY_OF_WORDS = r"of"
# "transfusions of red blood cells and platelets", "2 units of packed red cells": blood components
# after these words are the components given (agent -> the component's words).
# ("an infusion of platelets": only blood components are read after these words)
TRANSFUSION_WORDS = r"\b(?:trans|in)fus(?:ed|ions?)\s+(?:of|with)|\btransfusing|\bunits?\s+of"
# A short regimen acronym ("AC", "EP") names its drugs only beside these words: "the EC regimen",
# "AC chemotherapy" (after it), "four cycles of AC" (before it).
REGIMEN_AFTER_WORDS = r"\s*(?:regimens?|chemotherapy|protocol)\b"
REGIMEN_BEFORE_WORDS = r"\b(?:cycles?|courses?)\s+of\s+"
BLOOD_COMPONENT_WORDS = {
    "red blood cell transfusion": r"(?:packed\s+)?red\s+(?:blood\s+)?cells|\bp?rbcs?\b|\berythrocytes",
    "platelet transfusion": r"\bplatelets?(?:\s+concentrates?)?",
    "fresh frozen plasma": r"(?:fresh[\s-]+frozen\s+)?\bplasma|\bffp\b",
    "cryoprecipitate": r"\bcryoprecipitate",
}

DOSE_REACH = 45  # a dose further than this many characters after the drug is another drug's
DURATION_RE = re.compile(
    r"\bfor\s+(?:a total of\s+|another\s+|the next\s+|about\s+|approximately\s+)?(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several)\s*(days?|weeks?|months?|years?)\b",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
NUMBER_NAMES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
TIME_UNITS: dict[str, str] = {}  # "days", "weeks" are already the record's words
_STOPPED = r"discontinued|stopped|withdrawn|ceased|interrupted|withheld|held|switched|replaced|tapered off|not tolerated|poorly tolerated"  # noqa: E501 - a pattern reads best on one line
# A reason's words run to the clause's end; a decimal point is no end ("a rise in creatinine to 1.9").
_REASON_CHAR = r"(?:[^.;,]|(?<=\d)[.,](?=\d))"
STOP_RE = re.compile(
    rf"(?:{_STOPPED})\b[^.;]{{0,30}}?\b(?:due to|because(?: of)?|owing to|secondary to|after (?:the )?(?:development|onset|appearance) of|for|in view of)\s+({_REASON_CHAR}{{3,60}})"  # noqa: E501 - a pattern reads best on one line
    r"|(?:due to|because of|owing to)\s+([^.;,]{3,60}?)[, ]+(?:\w+\s+){0,4}(?:was|were|had to be)\s+(?:discontinued|stopped|withdrawn|withheld)"  # noqa: E501 - a pattern reads best on one line
    # "was discontinued after neutropenia developed"
    rf"|(?:{_STOPPED})\b[^.;]{{0,20}}?\bafter\s+(?:the\s+)?([^.;,]{{3,40}}?)\s+(?:developed|occurred|appeared|was (?:noted|detected|found|diagnosed))",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
# "Because of suspected agranulocytosis, methimazole was withheld": the reason before the drug (its
# stop is said after it).
# "She developed a pruritic rash, and methimazole was switched to …": what the patient developed
# right before the stop, joined to it by "and".
STOP_BEFORE_RE = re.compile(
    r"(?:(?:because of|due to|owing to|in view of)\s+|\b(?:developed|experienced)\s+(?:an?\s+)?)"
    r"([^.;,]{3,60}?)\s*,?\s*(?:and\s+(?:so\s+|therefore\s+|thus\s+)?)?(?:the\s+|his\s+|her\s+)?$",
    re.I,
)
COORDINATION_RE = re.compile(r"^\s*(?:,|and|with|plus|\+|/|or|,\s*and)\s*$", re.I)
# "steroids" beside "prednisone": English annotators (MACCROBAT) mark the class as a medication of its
# own, and folding it into the drug lowered the brat treatments F1 (tune 0.74 -> 0.71, held-out
# 0.79 -> 0.74), so English keeps the class.
CLASS_NAMES_GIVEN_DRUG = False
COUNT_NUMBER_WORDS: dict[str, str] = {}  # "one tablet": English writes counts as "1 tablet" in reports
VEHICLE_AFTER_WORDS = (
    ""  # English names a premixed infusion's vehicle after "in" ("vancomycin in sodium chloride")
)
ALL_OF_THEM_WORDS = ""  # English writes the administration of each drug after it
STOP_LATER_RE = None  # "discontinued because of …" after the drug is `STOP_RE`
# "loperamide 2 mg as needed and topical mupirocin": "topical" is the next drug's.
# ("1 g daily for 3 days, followed by oral prednisone": "oral" is the prednisone's)
_NEXT_DRUG_LEAD_RE = re.compile(
    r"(?:,|\band\b|\bplus\b|\bwith\b|\bfollowed by\b|\bthen\b|\bswitched to\b|\bchanged to\b)"
    r"(?:\s+[\w-]+){0,2}\s*$"
)
_SENTENCE_PART_END_RE = re.compile(r"[;]|\.\s")


def administration_window(window: str, truncated: bool) -> str:
    """The words after a drug that describe its administration: English writes "prednisone, 60 mg
    daily", so up to the end of the sentence part. `truncated`: the window stops at the next drug,
    and the words that lead into that drug are its own."""
    if truncated:
        cut = _NEXT_DRUG_LEAD_RE.search(window)
        if cut:
            window = window[: cut.start()]
    return _SENTENCE_PART_END_RE.split(window)[0]


def administration_before(before: str) -> str:
    """The words before a drug that may describe its administration."""
    return before


# ----------------------------------------------------------------- frequency
_NUMBER = {"two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "twelve": 12}


def _every(m: re.Match[str]) -> str:
    raw = m.group(1).lower()
    k = int(raw) if raw.isdigit() else _NUMBER[raw]
    unit = m.group(2).lower().rstrip("s")
    unit = "hour" if unit in ("h", "hour") else unit
    # "every 8 hours" is kept as written: it fixes the interval, "three times daily" does not.
    if unit == "hour" and k == 24:
        return "once daily"
    return f"every {k} {unit}s" if k != 1 else f"once {ADVERB.get(unit, unit)}"


_TIMES_WORDS = {"twice": 2, "two": 2, "three": 3, "thrice": 3, "four": 4, "five": 5, "six": 6}


def _times_a_period(m: re.Match[str]) -> str:
    # "three times weekly", "twice a week", "2 times per month": n administrations in the period.
    raw = m.group(1).lower().split()[0]
    n = int(raw) if raw.isdigit() else _TIMES_WORDS[raw]
    period = m.group(2).lower()
    return times_per(n, {"daily": "day", "weekly": "week", "monthly": "month"}.get(period, period))


def _every_hours(m: re.Match[str]) -> str:
    k = int(m.group(1))
    return "once daily" if k == 24 else f"every {k} hours"


FREQUENCY_RULES = [
    # "3 times a day", "three times weekly", "twice a month": a count in a period, before the rules
    # below read its "a day" or "weekly" alone as once.
    (
        re.compile(
            r"\b(twice|thrice|(?:two|three|four|five|six|[2-9]) times) (?:a |per |each |every )?"
            r"(day|week|month|daily|weekly|monthly)\b",
            re.I,
        ),
        _times_a_period,
    ),
    (
        re.compile(
            r"(?<![a-z])q\.?\s*o\.?\s*d\.?(?![a-z])|\bevery other day\b|\bon alternate days\b|\balternate[- ]day\b|\bevery second day\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "every 2 days",
    ),
    (
        re.compile(r"\bevery (?:other|second|alternate) week\b|\bon alternate weeks\b|\bfortnightly\b", re.I),
        "every 2 weeks",
    ),
    (re.compile(r"\bevery (?:other|second|alternate) month\b", re.I), "every 2 months"),
    (
        # ("bd", "tds", "qds": the British abbreviations)
        re.compile(
            r"(?<![a-z])(?:b\.?i\.?d\.?|b\.?d\.?|twice (?:a |per |each )?day|twice daily)(?![a-z])", re.I
        ),
        "twice daily",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:t\.?i\.?d\.?|t\.?d\.?s\.?|three times (?:a |per |each )?day|three times daily|thrice daily)(?![a-z])",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "three times daily",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:q\.?i\.?d\.?|q\.?d\.?s\.?|four times (?:a |per |each )?day|four times daily)"
            r"(?![a-z])",
            re.I,
        ),
        "four times daily",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:q\.?w\.?|qwk|once (?:a |per |each )?week|once weekly|weekly|every week|per week)(?![a-z])|/\s*(?:week|wk)(?![a-z])",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "once weekly",
    ),
    (
        re.compile(
            r"\bevery\s+(\d+|two|three|four|six|eight|twelve)\s*(hours?|h|days?|weeks?|months?)\b", re.I
        ),
        _every,
    ),
    (re.compile(r"(?<![A-Za-z])q\s*(\d+)\s*h(?![a-z])", re.I), _every_hours),
    (
        re.compile(r"(?<![a-z])(?:once (?:a |per |each )?month|monthly|every month)(?![a-z])", re.I),
        "once monthly",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:q\.?d\.?|o\.?d\.?|once (?:a |per |each )?day|once daily|daily|every day|per day|a day|/\s*day|/\s*d|qam|qpm|at bedtime|qhs|nightly|at night|every night|every evening|in the evening|nocte|qn|mane|every morning|each morning|in the morning)(?![a-z])",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "once daily",
    ),
    # "100 mg/day", "mg/d", and a dose by weight or surface per day: "0.4 g/(kg·d)", "mg/(m2.d)"
    (
        re.compile(r"/\s*(?:day|d)(?![a-z])|/\s*\(\s*(?:kg|m2|m²)\s*[·•.*]\s*(?:day|d)\s*\)", re.I),
        "once daily",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:prn|p\.r\.n\.|as needed|on demand|when necessary|as required|when required|if needed)(?![a-z])",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "as needed",
    ),
]

# ----------------------------------------------------------------- outcomes
OUTCOME_CUES = [
    ("stable", r"\b(?:remained stable|stable|unchanged|no (?:further )?progression|no recurrence|no new)\b"),
    ("died", r"\b(?:died|death|passed away|expired|deceased|succumbed)\b"),
    (
        # ("high-resolution CT" is an imaging technique, no resolution; "the reflexes had
        # disappeared" is a sign lost, no finding gone)
        "resolved",
        r"\b(?:resolved|returned to normal|(?:became|turned) negative|cleared|(?<!high-)(?<!high )resolution|(?<!reflexes )(?<!reflexes had )(?<!reflexes have )(?<!reflex )(?<!reflex had )(?<!pulses )(?<!pulses had )disappeared|complete(?:ly)? (?:remission|recovery|response)|(?:clinical|sustained|durable|achieved|into|entered) remission|(?<!fluid was )(?<!fluid were )(?<!saline was )(?<!lavage was )recovered|cured|healed|(?<!international )normali[sz]ed|normali[sz]ation|(?:attack|symptom|disease|recurrence|seizure|pain)[- ]free|asymptomatic|in remission|became afebrile|defervesced|defervescence)\b",  # noqa: E501 - a pattern reads best on one line
    ),
    # ("the recurrent laryngeal nerve" is a nerve's name, no recurrence)
    ("recurred", r"\b(?:recurred|recurrence|relapsed?|reappeared|recurrent(?! laryngeal| nerve| branch))\b"),
    (
        "worsened",
        # "progressive disease": the response category (RECIST) of a tumour that grew (not "a slowly
        # progressive disease of the muscles")
        r"\b(?:worsened|worsening|deteriorat(?:ed|ion)|progressed|progression|exacerbat(?:ed|ion)|aggravated|"
        r"(?<!slowly )(?<!rapidly )(?<!\ba )progressive disease(?! of))\b",
    ),
    (
        "improved",
        # ("improved exposure" of the operative field; "to better assess": a purpose, no course)
        r"\b(?:improved(?! exposure| visuali[sz]ation| access)|improvement|improving|(?<!\bto )better|decreased in size|shrank|shrunk|regressed|regression|alleviated|relieved|subsided|partial (?:remission|response)|reduced in size|less frequent|less severe|decreased in frequency|good (?:general )?condition|"  # noqa: E501 - a pattern reads best on one line
        r"recovered uneventfully|uneventful recovery|was discharged|discharged home|"
        # "seizure frequency decreased by 50%": fewer attacks
        r"frequency (?:decreased|declined|fell|was reduced|was halved))\b",
    ),
]
# One alternation; at one position the earlier direction wins, and a longer cue that starts
# earlier ("no progression") is found before the shorter one inside it.
OUTCOME_RE = re.compile("|".join(f"(?P<{direction}>{cues})" for direction, cues in OUTCOME_CUES), re.I)
# Every word that can start or anchor an outcome cue (see OUTCOME_CUES).
_OUTCOME_ANCHORS = frozenset(
    """
    stable unchanged progression recurrence new died death passed expired deceased succumbed resolved
    resolution disappeared remission recovery response recovered cured healed normalized normalised
    normalization normalisation free asymptomatic afebrile defervesced defervescence recurred relapse
    relapsed reappeared recurrent
    worsened worsening deteriorated deterioration progressed progressive exacerbated exacerbation aggravated
    improved
    improvement improving better decreased shrank shrunk regressed regression alleviated relieved subsided
    partial reduced less good uneventfully uneventful discharged returned negative became turned cleared
    frequency
    """.split()
)
_LOWER_WORD_RE = re.compile(r"[a-z]+")


# "worse with exertion", "aggravated by sunlight": what makes a finding worse, not the course of
# the illness (tried on the words right after the cue).
TRIGGER_RE = re.compile(
    r"^\s*(?:by|with|on|upon|after|during|in)\s+(?:the\s+)?(?:exertion|exercise|activity|sunlight|sun|"
    r"sun exposure|light|cold|heat|eating|meals?|food|alcohol|standing|walking|lying|cough(?:ing)?|stress|"
    r"menses|menstruation|movement|straining|palpation|pressure|swallowing|"
    # posture and breathing: "relieved by chest anteflexion", "worse with deep inspiration"
    r"(?:(?:chest|trunk|forward|deep)\s+)?(?:anteflexion|inspiration|breathing|rest|sitting|leaning|bending|"
    r"position(?:ing)?|posture))\b",
    re.I,
)
# Words that place a sentence after the report's treatment: "after treatment", "at follow-up".
# Cues that name their finding themselves: "she remained seizure-free", "he became afebrile".
OUTCOME_SUBJECT_WORDS: dict[str, str] = {
    "HP:0001250": r"\bseizure[- ]free\b",
    "HP:0001945": r"\bbecame afebrile\b|\bdefervesce(?:d|nce)\b",
}
AFTER_TREATMENT_RE = re.compile(
    r"\b(?:after|following|with|on|under|despite)\s+(?:\w+\s+){0,3}?(?:treatment|therapy|surgery|resection|"
    r"operation|excision|transplant(?:ation)?|administration|initiation|course|cycles?|doses?|discontinuation)\b"
    r"|\bfollow(?:ed)?[- ]up\b|\bdischarged?\b|\bresponded\b|\bresponse\b|\bpostoperative(?:ly)?\b",
    re.I,
)

# Care given that no drug fact may record: an operation, dialysis, supportive care, a drug stopped.
CARE_GIVEN_RE = re.compile(
    r"\b(?:underwent|(?:was|were) (?:treated|managed)|received|surgery|resection|excision|dialysis|"
    r"plasmapheresis|plasma exchange|radiotherapy|transplant(?:ation)?|supportive care|"
    r"(?:was|were) (?:discontinued|stopped|withdrawn))\b",
    re.I,
)


# A response category of tumour-response criteria (RECIST, Choi) followed by its definition:
# "complete response, disappearance of all lesions", "partial response (PR), a decrease of 30%",
# "stable disease, neither". The methods, not this patient's course.
_RESPONSE_DEFINITION_RE = re.compile(
    r"\b(?:(?:complete|partial) (?:response|remission)|(?:stable|progressive) disease)"
    r"(?:\s*\([A-Za-z]{1,4}\))?\s*[,:]\s*(?:(?:a|an|the)\s+)?"
    r"(?:disappearance|decrease|increase|reduction|absence|defined|neither|not|none|at least|[≥≤<>]|\d)",
    re.I,
)


def may_state_outcome(sentence: str) -> bool:
    """False when `sentence` cannot hold an outcome cue. Most sentences carry no outcome word; a
    set look-up spares them the long alternation. The definition of a response category (see
    `_RESPONSE_DEFINITION_RE`) states no outcome either."""
    words = _LOWER_WORD_RE.findall(sentence.lower())
    if _OUTCOME_ANCHORS.isdisjoint(words) and (
        _LEVEL_CHANGE_ANCHORS.isdisjoint(words) or LEVEL_CHANGED_TO_RE.search(sentence) is None
    ):
        return False
    return _RESPONSE_DEFINITION_RE.search(sentence) is None


# The words that start `LEVEL_CHANGED_TO_RE` and no outcome cue: a sentence with one of them may
# state an outcome only when the pattern is found in it.
_LEVEL_CHANGE_ANCHORS = frozenset(
    "rose increased climbed went risen fell dropped declined came fallen".split()
)
# A test's level changed to the value right after the words, after treatment: "CRP decreased to 5
# mg/L", "creatinine fell from 3.2 to 1.1 mg/dL", "the platelet count recovered to 150 x 10^9/L"
# (the value's interpretation and the test's earlier value tell whether that was better or worse:
# `outcomes._level_changes`). Not after "not"/"never" ("did not fall to normal").
LEVEL_CHANGED_TO_RE = re.compile(
    r"(?<!\bnot )(?<!\bnever )(?:gradually |further |rapidly |subsequently |then )?"
    r"(?:(?P<rise>rose|increased|climbed|went up|risen)|(?P<fall>decreased|fell|dropped|declined|reduced|"
    r"came down|went down|fallen)|(?P<back>returned|recovered|improved|normali[sz]ed))"
    r"(?:\s+from\s+\d[\d.,]*\s*(?:[^\s\d;,]+\s*)?)?\s+to\s+(?:about\s+|approximately\s+)?(?=\d)",
    re.I,
)
FOLLOW_UP_RE = re.compile(
    r"(?:follow(?:ed)?[- ]up (?:of|for|after|at)?\s*|after\s+|at\s+)(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several)\s*[- ]?(days?|weeks?|months?|years?)(?:[- ]follow[- ]up)?",  # noqa: E501 - a pattern reads best on one line
    re.I,
)

# ----------------------------------------------------------------- genetics
# Words that make a gene symbol nearby a gene (not a lab test or an English word).
GENETIC_CONTEXT_WORDS = (
    r"\b(?:genes?|genetic(?:ally)?|mutations?|mutated|mutant|variants?|deletions?|duplications?|insertions?|"
    r"frameshift|missense|nonsense|splice|splicing|heterozygo\w*|homozygo\w*|hemizygo\w*|alleles?|exons?|"
    r"introns?|sequencing|sequenced|genotyp\w*|germline|somatic|rearrange\w*|fusions?|amplifications?|"
    r"translocations?|polymorphisms?|carriers?|de novo|pathogenic|genomic|exome|genome)\b"
)
# Right after a symbol, these words make even a symbol that is an English word or a lab test a gene:
# "MET amplification", "CAT gene".
GENE_ADJACENT_WORDS = (
    r"(?:\s+|-)(?:genes?|mutations?|mutated|variants?|deletions?|duplications?|rearrangements?|fusions?|"
    r"amplifications?|exons?|alleles?|locus)\b"
)
# Zygosity as written -> the record's word, tried in this order.
ZYGOSITY_WORDS = {
    "compound heterozygous": r"\bcompound[- ]heterozygo(?:us|te|sity)\b",
    "hemizygous": r"\bhemizygo(?:us|te|sity)\b",
    "homozygous": r"\bhomozygo(?:us|te|sity)\b",
    "heterozygous": r"\bheterozygo(?:us|te|sity)\b",
}
# ACMG classes as written -> the record's word, tried in this order ("benign" alone is a word of
# pathology: only as a variant's class).
ACMG_WORDS = {
    "likely pathogenic": r"\blikely[- ]pathogenic\b",
    "pathogenic": r"\bpathogenic\b",
    "uncertain significance": r"\b(?:uncertain|unknown) (?:clinical )?significance\b|\bVUS\b",
    "likely benign": r"\blikely[- ]benign\b",
    "benign": r"\bbenign (?:variant|polymorphism)s?\b|\b(?:classified|interpreted) as benign\b",
}
