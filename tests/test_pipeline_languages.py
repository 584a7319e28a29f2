"""The language modules (`vocab/languages/`): every registered one provides the checklist, and the
pipeline reads nothing else from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.pipeline import extract
from ingest.pipeline.outcomes import DIRECTIONS
from ingest.pipeline.quantities import RESULT_ORDER
from ingest.pipeline.treatments import CHANGE_ORDER, ROUTE_ORDER
from vocab import languages
from vocab.codes import ROUTES

PIPELINE = Path(__file__).resolve().parents[1] / "ingest" / "pipeline"
ALL_REQUIRED = {name for names in languages.REQUIRED.values() for name in names}
# Dicts keyed by a label of the record (the rest map a written form to a value).
LABELLED = {"RESULT_WORDS": RESULT_ORDER, "ROUTE_WORDS": ROUTE_ORDER, "CHANGE_WORDS": CHANGE_ORDER}
# Names that must be set together, or all be empty.
TOGETHER = [
    ("LIST_NEGATION_RE", "LIST_BREAK_RE"),
    ("PRE_QUALIFIER_RE", "PRE_QUALIFIER_MEANINGS", "PRE_QUALIFIER_LIST_RE"),
    ("UNNAMED_RESULT_RE", "UNNAMED_RESULT_MEANINGS", "subject_phrase"),
]


def _check_value(name: str, value) -> None:
    if value is None:
        assert name in languages.MAY_BE_NONE, f"{name} may not be None"
    elif name.endswith("_RE"):
        assert isinstance(value, re.Pattern), name
    elif name.endswith("_WORDS") and isinstance(value, str):
        if value:
            re.compile(value)  # a fragment that does not compile would break every report
    elif name.endswith("_WORDS"):
        assert isinstance(value, dict), name
        for key, words in value.items():
            assert isinstance(key, str) and isinstance(words, str), (name, key)
            if name in LABELLED:
                assert key in LABELLED[name], f"{name}: unknown label {key!r}"
                re.compile(words)
    elif name[0].islower():
        assert callable(value), name


@pytest.mark.parametrize("code", languages.CODES)
def test_every_language_provides_every_required_name(code):
    module = languages.LANGUAGES[code]
    missing = sorted(name for name in ALL_REQUIRED if not hasattr(module, name))
    assert not missing, f"{module.__name__} lacks {missing}"
    assert code == module.CODE and isinstance(module.NAME, str)
    for name in sorted(ALL_REQUIRED):
        _check_value(name, getattr(module, name))
    for names in TOGETHER:
        given = [bool(getattr(module, name)) for name in names]
        assert all(given) or not any(given), f"{module.__name__}: {names} go together"


@pytest.mark.parametrize("code", languages.CODES)
def test_language_structures_use_the_pipelines_labels(code):
    module = languages.LANGUAGES[code]
    for pattern in module.HEADING_PATTERNS:
        assert set(pattern.groupindex) <= set(languages.SECTION_KINDS)
    assert set(module.OUTCOME_RE.groupindex) <= set(DIRECTIONS)
    assert set(module.ROUTE_WORDS) <= set(ROUTES)
    assert module.CASE_SERIES_RE.groups >= 1 and module.YEAR_RE.groups >= 1
    for rules in (module.FREQUENCY_RULES, module.LINE_REPAIRS):
        for pattern, answer in rules:
            assert isinstance(pattern, re.Pattern) and (isinstance(answer, str) or callable(answer))
    assert all(isinstance(n, int) for n in module.NUMBER_NAMES.values())
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in module.GLYPH_REPAIRS.items())


def test_checklist_in_the_docstring_names_every_required_name():
    undocumented = sorted(name for name in ALL_REQUIRED if f"`{name}" not in languages.__doc__)
    assert not undocumented, f"vocab/languages/__init__.py's checklist does not mention {undocumented}"


def test_the_pipeline_reads_only_names_of_the_checklist():
    """A stage that starts reading a new name from the language modules must add it to the checklist
    (`REQUIRED` and the docstring), or a new language would break at run time."""
    read: set[str] = set()
    for path in PIPELINE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"\b(?:lang|module)\.([A-Za-z_]\w*)", source))
        read |= set(re.findall(r"languages\.get\([^)]*\)\.([A-Za-z_]\w*)", source))
        read |= set(re.findall(r"(?:alternatives|merged)\(\s*[\"']([A-Z_]+)[\"']", source))
    assert read, "the scan found no language names: the pattern above is stale"
    assert read - ALL_REQUIRED <= set(), f"read but not in the checklist: {sorted(read - ALL_REQUIRED)}"


@pytest.mark.parametrize("code", languages.CODES)
def test_extract_accepts_every_registered_language(code):
    assert (
        extract("Case 1. 患者女，40岁，发热。A 40-year-old woman had fever.", language=code)["language"]
        == code
    )


def test_alternatives_and_merged_join_every_registered_language(monkeypatch):
    class Xx:
        FALLING_WORDS = "sank"
        RESULT_WORDS = {"high": "hoch"}
        UNIT_WORDS = {"Schläge/min": "/min"}

    monkeypatch.setitem(languages.LANGUAGES, "xx", Xx)
    assert languages.alternatives("FALLING_WORDS").split("|")[-1] == "sank"
    assert languages.alternatives("RESULT_WORDS", "high").endswith("|hoch")
    assert languages.alternatives("RESULT_WORDS", "no such label") == languages.NEVER
    assert languages.merged("UNIT_WORDS")["Schläge/min"] == "/min"
    assert re.fullmatch(languages.literal_alternatives(["tab", "tablets", "tablet"]), "tablets")
    assert languages.literal_alternatives([]) == languages.NEVER


@pytest.mark.parametrize(
    ("code", "text", "years", "sex"),
    [
        ("zh", "患者女，35岁，因发热入院", 35.0, "female"),
        ("zh", "患儿男，8个月，", 0.67, "male"),
        ("en", "A 7-month-old boy presented with fever.", 0.58, "male"),
        ("en", "His 8-year-old sister had a rash.", 8.0, "female"),
        ("en", "A 45 y/o G3P2 was admitted.", 45.0, "female"),
    ],
)
def test_language_demographics(code, text, years, sex):
    module = languages.LANGUAGES[code]
    found_years, a, b = module.find_age(text)
    assert found_years == years and text[a:b]
    found_sex, a, b = module.find_sex(text)
    assert found_sex == sex and text[a:b]


def test_pronouns_decide_sex_only_where_the_language_lets_them():
    text = "She was admitted. Her fever resolved and she went home."
    assert languages.LANGUAGES["en"].sex_from_pronouns(text, [(0, len(text))]) == "female"
    assert languages.LANGUAGES["zh"].sex_from_pronouns("她发热。", [(0, 4)]) is None


def test_administration_window_is_the_drugs_clause():
    zh, en = languages.LANGUAGES["zh"], languages.LANGUAGES["en"]
    assert (
        zh.administration_window("0.5g静脉滴注，每日1次，症状好转", truncated=False)
        == "0.5g静脉滴注，每日1次"
    )
    assert en.administration_window(" 2 mg as needed and topical", truncated=True).strip() == "2 mg as needed"
    assert en.administration_window(" 60 mg daily. Then she", truncated=False) == " 60 mg daily"
