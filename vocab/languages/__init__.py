"""Languages and scripts of the reports, one module each, declared once.

Every part of the registry that must know which language a text is in, or what counts as a Chinese
character, asks here: the readers (a decoded report's language), the extraction pipeline (its
cues and patterns), search (query words, full-text tokens). Django-free, like the pipeline.

Not every module here is a language: `_common.py` holds the record's own vocabulary that the
language modules spell their results in, `chinese_script.py` converts traditional script to
simplified, and `zh_layout.py`, `zh_demographics.py`, `zh_wording.py` are parts of the Chinese
module split out by stage (`zh.py` re-exports what the checklist names). The languages are the
modules registered in `LANGUAGES`.

Adding a language
-----------------
1. Copy `en.py` to `<code>.py` and translate it section by section; each section belongs to one
   stage of the extraction pipeline (`ingest/pipeline/README.md`).
2. Add the module to `LANGUAGES` below, last: registry order is the order in which fragments are
   joined and frequency rules are tried.
3. `tests/test_pipeline_languages.py` checks that every registered module provides every name of
   the checklist, with the right kind of value, and that the pipeline reads no other name.

No stage branches on a language code. A name is used in one of two ways:

- **for reports in that language** (`languages.get(doc.language).NAME`): compiled patterns
  (`*_RE`), functions and tables. Where the checklist says "or None", `None` means the stage has
  nothing of that kind to do in the language;
- **for every report** (marked ∀ below): joined across all registered languages, because a report
  quotes other languages' words (a Chinese report writes "iv", "bid" and "mg/L"). A `*_WORDS`
  string holds regular-expression alternatives ("" for none; joined by `alternatives`); a
  `*_WORDS` dict maps either a label to alternatives or a written form to the record's value
  (merged by `merged`), as noted.

Checklist (the same names, by stage, are in `REQUIRED`):

- detection: `CODE`, `NAME`; `share(sample) -> float`, the weight of evidence that a sample is in
  the language.
- normalise (`normalize.py`): ∀ `GLYPH_REPAIRS` (dict: PDF glyph sequence -> character); ∀
  `CAPTION_WORDS` (words that start a figure or table caption line); `LINE_REPAIRS` (list of
  (pattern, replacement or function of the match): the script's own line handling);
  `NUMBER_REWRITES` (same form: numbers written with the language's own multipliers, as digits).
- structure: `HEADING_PATTERNS` (compiled, with named groups among `case`, `case_field`,
  `discussion`, `references`, `intro`); `CASE_SERIES_RE` (a case-series marker at a sentence start,
  group 1 the patient's label); `CASE_OPENING_RE` or None (a sentence that introduces the patient,
  "患者，男，58岁，因…入院": where the case begins when only record fields mark it); ∀
  `ABBREVIATION_WORDS` (words whose full stop ends no sentence).
- vocabulary (`vocabulary_build.py`, all ∀): `AMBIGUOUS_NAMES` (frozenset of keys never matched);
  `name_variants(key) -> set[str]` (the key and its other spellings); `analyte_name_variants(key) ->
  set[str]` (a test's name and the few other forms it takes, "TPO antibodies"); `disease_name_stem(key) ->
  str | None` (the finding a disease name is built on: 高血压病 -> 高血压).
- assertions: `CLAUSE_BREAK_RE` and `SCOPE_END_RE` (where a cue's scope starts);
  `NEGATION_RE`, `PSEUDO_NEGATION_RE`, `POST_NEGATION_RE` and `POST_UNCERTAIN_RE`
  (anchored at the mention's end); `negation_reaches(cue, gap) -> bool` (whether a cue
  still governs a mention after the words `gap`); `starts_own_clause(cue, gap, after) ->
  bool` (the mention, after the words `gap` from the negation cue `cue` and before the words
  `after`, starts a clause of its own that the cue does not reach: "no cough, and a
  fever developed", "without antibiotics, pneumonia developed"); `POST_SCOPE_END_RE` or None;
  `LIST_NEGATION_RE` (group `items`) and `LIST_BREAK_RE`, both or None, `LIST_RESOLVED_RE` and
  `LIST_UNCERTAIN_RE` (group `items`) or None;
  `FAMILY_RE`, `FAMILY_SCOPE_END_RE` or None (words after a relative that end its scope:
  "her mother noticed", "… and he presented"), `UNCERTAIN_RE`, `DIFFERENTIAL_HEAD_RE` and
  `DIFFERENTIAL_LIST_END_RE` (a head that makes a list of differentials, and where that list
  ends: "Differential diagnoses included …", 鉴别诊断：…), `HISTORY_RE`,
  `POST_HISTORY_RE` or None (anchored at the mention's end: 病史); `RESOLVED_RE` or None
  (anchored at `$`: "resolution of") and `POST_RESOLVED_RE` ("… resolved", 消失);
  `INFIX_NEGATION_RE` or None (a negation written inside a finding's words: 双下肢无水肿);
  `INFIX_MODIFIER_RE` or None (degree or course words inside a finding's words: 结膜明显充血);
  `PLACE_AFTER_FINDING_RE` or None (anchored at a finding's end: the words that make it the
  name of a clinic or department, 发热门诊, 感染科, not the patient's finding);
  `MODIFIER_NEGATION_RE` or None (anchored at `$`: a prefix that negates only the first
  word of the finding after it: "non-bloody diarrhoea" is diarrhoea, 非化脓性 …);
  `SHARED_PART_JOIN_RE` or None (the joiner of two findings that share the body part
  written once before the first: 下肢麻木和无力 is 下肢麻木 and 下肢无力); `not_enlarged(text) ->
  [(start, end, names)]` (organs stated not palpable or not enlarged, with the names of
  their enlargement to look up: 肝、脾肋下未触及 -> 肝肿大 …); `normal_examinations(text) ->
  [(start, end, names)]` (examinations stated normal, with the names of their
  abnormality: 头颅MRI未见异常 -> 头颅影像异常); `site_findings(text) -> [(start, end, names)]`
  (a finding's noun with the part it is of after it, or its participle before the part, with the
  names to look up: "atrophy of the optic nerve" -> optic nerve atrophy, "a dilated left atrium" ->
  left atrial dilatation); `predicate_findings(text) -> [(part_end, [(start, end, names)]), …]` (a finding
  written as a predicate of its part, "deep tendon reflexes were absent", with candidate spans and
  names longest part first: absent deep tendon reflexes); ∀ `AGED_RELATIVE_WORDS` (an age right before a
  relative makes the relative a patient); ∀ `PARENTAGE_WORDS` (anchored at `$`: "the first
  child of healthy parents" names the patient's parents, not a relative's finding).
- demographics: `find_age(chunk) -> (years, start, end) | None`; `find_sex(chunk) -> (sex, start,
  end) | None`; `sex_from_pronouns(text, spans) -> sex | None`.
- dates: `YEAR_RE` (group 1 the year).
- findings: `SUMMARY_CUE_RE`; `DIAGNOSIS_CUE_RE` and `HISTORY_CUE_RE` (both anchored at `$`, tried
  on the words before a mention); `DIAGNOSIS_POST_RE` or None (group 1 set when uncertain);
  `DIAGNOSIS_EXCLUDED_RE` or None (anchored at `$`: the words before a negated finding that rule
  it out as a diagnosis, 排除白血病); `DIAGNOSIS_LIST_RE` or None; `DIAGNOSIS_JOIN_RE` or None
  (the whole gap between two diagnoses named in a row: "诊断为肺炎、脓毒症", the finding after it
  is a diagnosis too);
  ∀ `DURATION_HISTORY_WORDS`; ∀ `LOOSE_FINDING_NAMES` (frozenset of lower-case words that name a
  finding too loosely to code it with a generic term: "swelling"); ∀ `CONTEXT_BOUND_NAMES` (written
  name -> the words that must come before it in its sentence for it to be its finding: 晨轻暮重 is
  fatigable weakness only after 无力); `MUCOSAL_CONTEXT_RE` or None
  (words before a finding in its sentence that put it on a mucosa seen by endoscopy: 结肠镜…可见
  溃疡 is no skin ulcer); ∀ `PHRASE_HEAD_RE` or None (group 1 the head word of a finding's words
  when it comes first: "weakness of the lower limbs" -> weakness; a finding's last word is its head
  otherwise).
- measurements: ∀ `VALUE_FILLER_WORDS`, `UNIT_WORDS` (written -> unit), `COMPARATOR_WORDS` (written
  -> symbol), `REFERENCE_WORDS`, `RANGE_WORDS`, `UPPER_LIMIT_WORDS`, `RESULT_WORDS` (interpretation
  -> alternatives), `FALLING_WORDS`, `RISING_WORDS`, ∀ `LEVEL_CHANGE_WORDS` (a word that tells a
  change, not a level: 体重下降 is weight lost), ∀ `OTHER_QUANTITY_WORDS` (between a test and a
  result word: the result is of another quantity of it, "platelet aggregation was reduced", 白细胞
  β-葡萄糖脑苷脂酶活性降低), `CHANGE_AMOUNT_RE` or None (anchored after a
  direction word: the amount of a change, "reduced by 30%"), `SHARED_RESULT_CUE_WORDS`,
  `SHARED_RESULT_WORDS` (written -> interpretation), `SHARED_RESULT_MARKER_WORDS`,
  `LIST_JOIN_WORDS`, `RESPECTIVELY_WORDS` (pairs a list of values with a list of tests, in order),
  `WITHIN_RANGE_WORDS` (a result stated within the reference range: it excludes the abnormality
  its test looks for), `SPECIMEN_WORDS` (written -> specimen: "脑脊液17.67 u/mL" is CSF),
  `PERCENTILE_OF_WORDS` (analyte of a growth percentile -> the words for its measure: "height"),
  `SERIES_FROM_WORDS` and `SERIES_TO_WORDS` ("from 0.20 to 0.55": two results of one test),
  `VITAL_SIGNS_WORDS` (what heads a list of vital signs, whose symbols may then stand without
  units), `SERIES_JOIN_WORDS` and `SERIES_WHEN_WORDS` ("2, 6 and 7 at 1, 5 and 10 minutes": further values
  of one test, and the words that end such a list),
  `DEVICE_SETTING_WORDS` (a sentence about a device's settings: no vital signs of the patient),
  `ELEMENT_WORDS` (written -> analyte: an electrolyte named by its element alone, 钾 2.9 mmol/L,
  read only with a concentration unit after it),
  `PANEL_WORDS` (written -> specimen: a panel whose results follow, 尿常规 -> urine, or "" for a
  panel that only ends the one before) and `PANEL_MEMBER_WORDS` (written -> test: inside a panel
  the test is the specimen's, 尿常规：蛋白（++） is "urine protein"); `TITER_WORDS` (what may stand
  between a result word and the titre after it: "阳性，滴度1:1000", "positive at a titre of 1:320");
  `RATIO_WORDS` (what says two tests joined by a slash are their ratio: "C3/C0比值", "CD4/CD8 ratio");
  `MARKER_CUE_WORDS` (a passage about staining, where "CD20（+）", "Ki-67 40%" are marker results);
  `PRE_QUALIFIER_RE` (group 1 the word, anchored at `$`) with
  `PRE_QUALIFIER_MEANINGS` and `PRE_QUALIFIER_LIST_RE`, or None, {} and None; `UNNAMED_RESULT_RE`,
  `UNNAMED_RESULT_MEANINGS` and `subject_phrase(before, after) -> str | None` ("" when the result
  is said of something that is no test, such as a history), or None, {} and None;
  `NAMED_TEST_RESULT_RE` (a test's head word, group head, and its result right after, in named
  groups positive and negative: 新斯的明试验阳性) with `NAMED_TEST_LEAD_RE` (anchored at the start of the
  words before the head: what is no part of the test's name), or None and None;
  ∀ `RESULT_FOR_WORDS` (what joins a result word to the tests after it: "negative for ANA");
  `TARGET_BEFORE_RE` and `TARGET_AFTER_RE` (anchored at `$` before a test and right after it: the
  value is a target, not a result: "a target INR of 2-3", INR控制在2-3);
  `SUPPLIED_BEFORE_RE` and `SUPPLIED_AFTER_RE` (around a value, anchored at `$` and at the value's
  end: the value is an amount given to the patient, not measured: "4 L/min of oxygen", "oxygen
  at 6 L/min"), or None and None;
  `PATTERN_RESULTS` (tuple of (pattern with groups `res`, `val` and optionally `unit`, sentence
  pattern or None, analyte or None for the phrase before the result, unit or None): results
  written as a fixed phrase, "lost 5 kg", "2/5 strength", "E/A ratio of 2.1"; () for none).
- treatments: ∀ `DOSE_UNIT_WORDS` (written -> unit), `ROUTE_WORDS` (route -> alternatives),
  `STATED_ORAL_WORDS`, `DOSE_MULTIPLIER_WORDS` (written -> factor as text: 480万U),
  `PER_BODY_BEFORE_WORDS` (kg/m2 -> alternatives written before the amount: 每公斤2公克),
  `CHANGE_WORDS` (change -> alternatives), `DOSE_CHANGE_WORDS`, `AGAIN_WORDS`,
  `DOSE_CHANGE_TO_WORDS`, `INCREASE_WORDS`, `LAB_CONTEXT_WORDS`, `PER_DAY_WORDS`,
  `QUANTITY_OF_WORDS`, `GIVEN_WORDS` (a substance after them was given, not measured: the
  measurement stage leaves it to the treatments), `NOT_GIVEN_WORDS` (a drug after them is an
  allergen, a susceptibility or a measured substance), `WITHHELD_BEFORE_WORDS` and
  `WITHHELD_AFTER_WORDS` (right before or after a drug: it was not given, "did not receive",
  "… was not given", 未予), `TRANSFUSION_WORDS` and `BLOOD_COMPONENT_WORDS` (agent -> alternatives:
  blood components listed after a transfusion word are given, "transfusions of red cells and
  platelets", 输注红细胞、血小板), `ADVERSE_LINK_WORDS` ("methimazole-induced
  neutropenia": the finding after them is the drug's adverse effect); `DIVIDED_DOSES_RE` (group 1
  the number of parts the day's dose is given in: "分3次", "in three divided doses");
  `administration_window(window, truncated) -> str`;
  `administration_before(before) -> str`; `DOSE_REACH` (characters) or None; `DURATION_RE`
  (groups: number, unit) with `NUMBER_NAMES` and `TIME_UNITS`; `STOP_RE` (its first non-empty group
  is the reason); `STOP_BEFORE_RE` or None; `STOP_LATER_RE` or None (group 1 the reason of a stop
  in a later clause of the drug's sentence); `COORDINATION_RE`; `CLASS_NAMES_GIVEN_DRUG` (bool:
  a drug class of a patient given a drug of that class names that drug, "激素治疗后", rather than a
  treatment of its own); `ALL_OF_THEM_WORDS` ("，均每日1次口服": the administration after a list of
  drugs, each with its own dose, is said of them all); `VEHICLE_AFTER_WORDS` (the form after a
  premixed infusion's vehicle glued to its drug: 左氧氟沙星氯化钠注射液); `COUNT_NUMBER_WORDS` (a count
  written as a word -> its value as text, before a tablet or capsule unit: 每次一片);
  `SWITCHED_TO_RE` (right after a drug's words: the drug is stopped for the next one, "was
  switched to", 改为); ∀ `REGIMEN_AFTER_WORDS` and `REGIMEN_BEFORE_WORDS` (anchored right after
  and right before a short regimen acronym, which names its drugs only beside them: "EP方案",
  "four cycles of AC").
- frequency: ∀ `FREQUENCY_RULES` (list of (pattern, answer or function of the match), specific
  before general; answers in the record's vocabulary, see `_common.times_per`).
- outcomes: `OUTCOME_RE` (its named groups are the directions); `FOLLOW_UP_RE`;
  `may_state_outcome(sentence) -> bool` (a cheap test that lets most sentences skip `OUTCOME_RE`);
  `TRIGGER_RE` ("日晒后加重", "worse with exertion": tried on the words before the cue for
  Chinese, after it for English — it matches where its language writes the trigger);
  `AFTER_TREATMENT_RE` (words that place a sentence in the course after treatment);
  `CARE_GIVEN_RE` (care that no drug fact records, an operation, dialysis, supportive care, a drug
  stopped: a cue in a later sentence, or after it in the same one, is the course after it); ∀
  `OUTCOME_SUBJECT_WORDS` (HPO id -> cue words that name their finding themselves: 退烧, 热退, the
  fever went); `LEVEL_CHANGED_TO_RE` or None (the words right before a value that tell a test's
  level changed to it, in named groups rise, fall and back: 升至, 降至, 恢复至).
- genetics (all ∀): `GENETIC_CONTEXT_WORDS` (words that make a gene symbol nearby a gene),
  `GENE_ADJACENT_WORDS` (right after a symbol: even a symbol that is an English word or a lab
  test is then a gene), `ZYGOSITY_WORDS` and `ACMG_WORDS` (record value -> alternatives, tried in
  order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import en, zh
from ._common import CASE, CASE_FIELD, DISCUSSION, INTRO, REFERENCES, SECTION_KINDS

# Code -> module: every module provides the names of `REQUIRED` (see the checklist above).
LANGUAGES = {module.CODE: module for module in (zh, en)}
CODES: tuple[str, ...] = tuple(LANGUAGES)
UNDETERMINED = "und"

# The Han ideographs of CJK Unified Ideographs, Extension A and the compatibility block: what
# "Chinese text" means for detection, tokenising and normalisation alike.
CJK_CHARS = zh.HAN_CHARS
CJK_RE = re.compile(f"[{CJK_CHARS}]")
CJK_RUN_RE = re.compile(f"[{CJK_CHARS}]+")

# What a language module must provide, by the stage that reads it.
REQUIRED: dict[str, tuple[str, ...]] = {
    "detection": ("CODE", "NAME", "share"),
    "normalise": ("GLYPH_REPAIRS", "CAPTION_WORDS", "LINE_REPAIRS", "NUMBER_REWRITES"),
    "structure": ("HEADING_PATTERNS", "CASE_SERIES_RE", "CASE_OPENING_RE", "ABBREVIATION_WORDS"),
    "vocabulary": ("AMBIGUOUS_NAMES", "name_variants", "analyte_name_variants", "disease_name_stem"),
    "assertions": (
        "CLAUSE_BREAK_RE",
        "SCOPE_END_RE",
        "NEGATION_RE",
        "PSEUDO_NEGATION_RE",
        "POST_NEGATION_RE",
        "POST_UNCERTAIN_RE",
        "negation_reaches",
        "starts_own_clause",
        "POST_SCOPE_END_RE",
        "LIST_NEGATION_RE",
        "LIST_BREAK_RE",
        "LIST_RESOLVED_RE",
        "LIST_UNCERTAIN_RE",
        "FAMILY_RE",
        "FAMILY_SCOPE_END_RE",
        "UNCERTAIN_RE",
        "DIFFERENTIAL_HEAD_RE",
        "DIFFERENTIAL_LIST_END_RE",
        "HISTORY_RE",
        "POST_HISTORY_RE",
        "RESOLVED_RE",
        "POST_RESOLVED_RE",
        "INFIX_NEGATION_RE",
        "INFIX_MODIFIER_RE",
        "MODIFIER_NEGATION_RE",
        "SHARED_PART_JOIN_RE",
        "PLACE_AFTER_FINDING_RE",
        "not_enlarged",
        "normal_examinations",
        "site_findings",
        "predicate_findings",
        "AGED_RELATIVE_WORDS",
        "PARENTAGE_WORDS",
    ),
    "demographics": ("find_age", "find_sex", "sex_from_pronouns"),
    "dates": ("YEAR_RE",),
    "findings": (
        "SUMMARY_CUE_RE",
        "DIAGNOSIS_CUE_RE",
        "HISTORY_CUE_RE",
        "DIAGNOSIS_POST_RE",
        "DIAGNOSIS_EXCLUDED_RE",
        "DIAGNOSIS_LIST_RE",
        "DIAGNOSIS_JOIN_RE",
        "DURATION_HISTORY_WORDS",
        "LOOSE_FINDING_NAMES",
        "CONTEXT_BOUND_NAMES",
        "MUCOSAL_CONTEXT_RE",
        "PHRASE_HEAD_RE",
    ),
    "measurements": (
        "VALUE_FILLER_WORDS",
        "UNIT_WORDS",
        "COMPARATOR_WORDS",
        "REFERENCE_WORDS",
        "RANGE_WORDS",
        "UPPER_LIMIT_WORDS",
        "RESULT_WORDS",
        "FALLING_WORDS",
        "RISING_WORDS",
        "LEVEL_CHANGE_WORDS",
        "OTHER_QUANTITY_WORDS",
        "CHANGE_AMOUNT_RE",
        "SHARED_RESULT_CUE_WORDS",
        "SHARED_RESULT_WORDS",
        "SHARED_RESULT_MARKER_WORDS",
        "LIST_JOIN_WORDS",
        "RESPECTIVELY_WORDS",
        "WITHIN_RANGE_WORDS",
        "SPECIMEN_WORDS",
        "PERCENTILE_OF_WORDS",
        "SERIES_FROM_WORDS",
        "SERIES_TO_WORDS",
        "SERIES_JOIN_WORDS",
        "VITAL_SIGNS_WORDS",
        "SERIES_WHEN_WORDS",
        "DEVICE_SETTING_WORDS",
        "ELEMENT_WORDS",
        "PANEL_WORDS",
        "PANEL_MEMBER_WORDS",
        "TITER_WORDS",
        "RATIO_WORDS",
        "MARKER_CUE_WORDS",
        "PRE_QUALIFIER_RE",
        "PRE_QUALIFIER_MEANINGS",
        "PRE_QUALIFIER_LIST_RE",
        "UNNAMED_RESULT_RE",
        "UNNAMED_RESULT_MEANINGS",
        "subject_phrase",
        "NAMED_TEST_RESULT_RE",
        "NAMED_TEST_LEAD_RE",
        "RESULT_FOR_WORDS",
        "SUPPLIED_BEFORE_RE",
        "SUPPLIED_AFTER_RE",
        "TARGET_BEFORE_RE",
        "TARGET_AFTER_RE",
        "PATTERN_RESULTS",
    ),
    "treatments": (
        "DOSE_UNIT_WORDS",
        "ROUTE_WORDS",
        "STATED_ORAL_WORDS",
        "CHANGE_WORDS",
        "DOSE_CHANGE_WORDS",
        "AGAIN_WORDS",
        "DOSE_CHANGE_TO_WORDS",
        "INCREASE_WORDS",
        "LAB_CONTEXT_WORDS",
        "PER_DAY_WORDS",
        "QUANTITY_OF_WORDS",
        "TRANSFUSION_WORDS",
        "BLOOD_COMPONENT_WORDS",
        "GIVEN_WORDS",
        "NOT_GIVEN_WORDS",
        "WITHHELD_BEFORE_WORDS",
        "WITHHELD_AFTER_WORDS",
        "ADVERSE_LINK_WORDS",
        "DIVIDED_DOSES_RE",
        "administration_window",
        "administration_before",
        "DOSE_REACH",
        "DURATION_RE",
        "NUMBER_NAMES",
        "TIME_UNITS",
        "STOP_RE",
        "STOP_BEFORE_RE",
        "COORDINATION_RE",
        "CLASS_NAMES_GIVEN_DRUG",
        "DOSE_MULTIPLIER_WORDS",
        "PER_BODY_BEFORE_WORDS",
        "STOP_LATER_RE",
        "ALL_OF_THEM_WORDS",
        "VEHICLE_AFTER_WORDS",
        "COUNT_NUMBER_WORDS",
        "REGIMEN_AFTER_WORDS",
        "REGIMEN_BEFORE_WORDS",
        "SWITCHED_TO_RE",
    ),
    "frequency": ("FREQUENCY_RULES",),
    "outcomes": (
        "OUTCOME_RE",
        "FOLLOW_UP_RE",
        "may_state_outcome",
        "TRIGGER_RE",
        "AFTER_TREATMENT_RE",
        "CARE_GIVEN_RE",
        "OUTCOME_SUBJECT_WORDS",
        "LEVEL_CHANGED_TO_RE",
    ),
    "genetics": ("GENETIC_CONTEXT_WORDS", "GENE_ADJACENT_WORDS", "ZYGOSITY_WORDS", "ACMG_WORDS"),
}
# Names a language may set to None: the stage has nothing of that kind to do in it.
MAY_BE_NONE = frozenset(
    {
        "LEVEL_CHANGED_TO_RE",
        "PHRASE_HEAD_RE",
        "CHANGE_AMOUNT_RE",
        "POST_SCOPE_END_RE",
        "CASE_OPENING_RE",
        "LIST_NEGATION_RE",
        "LIST_BREAK_RE",
        "LIST_RESOLVED_RE",
        "LIST_UNCERTAIN_RE",
        "FAMILY_SCOPE_END_RE",
        "POST_HISTORY_RE",
        "RESOLVED_RE",
        "INFIX_NEGATION_RE",
        "INFIX_MODIFIER_RE",
        "PLACE_AFTER_FINDING_RE",
        "MODIFIER_NEGATION_RE",
        "SHARED_PART_JOIN_RE",
        "DIAGNOSIS_POST_RE",
        "DIAGNOSIS_EXCLUDED_RE",
        "DIAGNOSIS_LIST_RE",
        "DIAGNOSIS_JOIN_RE",
        "MUCOSAL_CONTEXT_RE",
        "PRE_QUALIFIER_RE",
        "PRE_QUALIFIER_LIST_RE",
        "UNNAMED_RESULT_RE",
        "subject_phrase",
        "NAMED_TEST_RESULT_RE",
        "NAMED_TEST_LEAD_RE",
        "SUPPLIED_BEFORE_RE",
        "SUPPLIED_AFTER_RE",
        "DOSE_REACH",
        "STOP_BEFORE_RE",
        "STOP_LATER_RE",
    }
)
# Names joined across all languages and used for every report (∀ in the checklist).
FOR_EVERY_REPORT = frozenset(
    {name for names in REQUIRED.values() for name in names if name.endswith("_WORDS")}
    | {
        "GLYPH_REPAIRS",
        "AMBIGUOUS_NAMES",
        "LOOSE_FINDING_NAMES",
        "CONTEXT_BOUND_NAMES",
        "PHRASE_HEAD_RE",
        "name_variants",
        "analyte_name_variants",
        "disease_name_stem",
        "FREQUENCY_RULES",
    }
)

SAMPLE_CHARS = 20_000  # detection reads this much: bounded cost, and plenty to decide


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def detect_language(text: str) -> str:
    """The language code of `text` ("zh", "en", …), or "und" when it holds no words at all.

    Counted on a sample so the cost is bounded; a Chinese report with English terms in brackets is
    still Chinese, an English report quoting one Chinese name is still English.
    """
    sample = text[:SAMPLE_CHARS]
    weights = {code: module.share(sample) for code, module in LANGUAGES.items()}
    best = max(weights, key=lambda code: weights[code])
    if weights[best] <= 0:
        return UNDETERMINED
    return best


def get(code: str | None):
    """The module of a language code; English when the code is unknown or undetermined."""
    return LANGUAGES.get(code or "", en)


NEVER = r"(?!)"  # a pattern that matches nothing: what an alternation of no words is


def alternatives(name: str, key: str | None = None) -> str:
    """The regular-expression alternatives that the registered languages give under `name` (a
    `_WORDS` string, or with `key` one entry of a `_WORDS` dict), joined in registry order.

    For patterns tried on every report whatever its language. `NEVER` when no language gives any.
    """
    parts = []
    for module in LANGUAGES.values():
        value = getattr(module, name)
        part = value.get(key, "") if key is not None else value
        if part:
            parts.append(part)
    return "|".join(parts) if parts else NEVER


def merged(name: str) -> dict:
    """The `_WORDS` dicts of every registered language under `name`, as one dict."""
    out: dict = {}
    for module in LANGUAGES.values():
        out.update(getattr(module, name))
    return out


def literal_alternatives(words: Iterable[str]) -> str:
    """Literal `words` as regular-expression alternatives, longest first (so that "tablets" is
    tried before "tablet")."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) or NEVER


__all__ = [
    "CASE",
    "CASE_FIELD",
    "CJK_CHARS",
    "CJK_RE",
    "CJK_RUN_RE",
    "CODES",
    "DISCUSSION",
    "FOR_EVERY_REPORT",
    "INTRO",
    "LANGUAGES",
    "MAY_BE_NONE",
    "NEVER",
    "REFERENCES",
    "REQUIRED",
    "SECTION_KINDS",
    "alternatives",
    "detect_language",
    "get",
    "has_cjk",
    "literal_alternatives",
    "merged",
]
