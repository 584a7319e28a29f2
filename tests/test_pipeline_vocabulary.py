"""The vocabulary's sources and their guards: official Chinese HPO labels, MONDO diseases, the
finding a disease name is built on, and what each source can be measured without."""

from __future__ import annotations

import dataclasses
import os
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.pipeline import extract
from ingest.pipeline.vocabulary import (
    DISEASE,
    HPO,
    MAX_KEY_LENGTH,
    Concept,
    case_free,
    key_text,
    lower_text,
    pack_value,
    pattern_key,
    pattern_key_batch,
)
from ingest.pipeline.vocabulary_build import MONDO, OFFICIAL_CHINESE_HPO, build_vocabulary, load_vocabulary
from ingest.pipeline.vocabulary_reference import (
    is_finding_label,
    mondo_disease_names,
    official_chinese_hpo_names,
)
from ingest.pipeline.vocabulary_sources import sources
from vocab.hpo import load_hpo


def _full_matches(vocabulary, name: str) -> dict[str, set[str]]:
    key = key_text(name)
    return {
        m.kind: {c.code for c in m.concepts}
        for m in vocabulary.find(key)
        if (m.start, m.end) == (0, len(key))
    }


def _patient(text: str) -> dict:
    record = extract(text)
    assert record["patients"], record
    return record["patients"][0]


# ------------------------------------------------------------------ official Chinese HPO labels
@pytest.mark.parametrize(
    ("label", "usable"),
    [
        ("小指", False),  # "Small finger" in HPO, the little finger in any text
        ("寒冷", False),  # an everyday word
        ("疝", False),  # one character occurs inside any word
        ("痤疮", True),  # the sickness radical 疒
        ("咯血", True),  # a symptom morpheme
        ("心血管系统的任何异常。", False),  # a definition, not a label
        ("结肠狭窄", True),
    ],
)
def test_short_or_everyday_official_labels_are_not_finding_names(label, usable):
    assert is_finding_label(label) is usable


@pytest.fixture(scope="module")
def official() -> dict[str, str]:
    return {hpo_id: label for label, hpo_id in official_chinese_hpo_names(load_hpo())}


def test_official_labels_are_phenotypes_and_no_grouping_classes(official):
    assert "HP:0012834" not in official  # 右侧 "Right": a qualifier, not a phenotype
    assert "HP:0012531" not in official  # 疼痛 "Pain": a class of 80-odd kinds of pain
    assert "HP:0002664" not in official  # 肿瘤 "Neoplasm"
    assert official["HP:0012851"] == "结肠狭窄"


def test_an_official_label_the_curated_lexicon_lacks_codes_a_finding():
    patient = _patient("患者女，50岁，结肠镜示结肠狭窄。")
    assert "HP:0012851" in {f["code"] for f in patient["features"]}


def test_the_curated_wording_keeps_its_meaning_over_an_official_label():
    # 系统性红斑狼疮 is the curated disease; CHPO's label of the HPO term is not added beside it.
    found = _full_matches(load_vocabulary(), "系统性红斑狼疮")
    assert found == {DISEASE: {"ORPHA:536"}}


# ------------------------------------------------------------------ MONDO
@pytest.fixture(scope="module")
def mondo_names() -> dict[str, str]:
    return {entry.name: entry.mondo_id for entry in mondo_disease_names()}


def test_mondo_names_leave_out_abbreviations_classes_and_cross_mappings(mondo_names):
    assert mondo_names["hepatitis C virus infection"] == "MONDO:0005231"
    assert "NAION" not in mondo_names  # a short all-capital abbreviation
    assert "infectious disease" not in mondo_names  # a class of a thousand diseases
    assert "pituitary gland" not in mondo_names  # a thesaurus cross-mapping of hypophysitis
    assert "amyloid" not in mondo_names  # one word that is no disease noun
    assert not any("," in name for name in mondo_names)  # "lupus erythematosus, systemic"


def test_english_and_chinese_diagnoses_code_against_mondo():
    english = _patient("A 50-year-old man was diagnosed with hepatitis C virus infection.")
    assert "MONDO:0005231" in {d["code"] for d in english["diagnoses"]}
    chinese = _patient("患者男，45岁，诊断为乙型病毒性肝炎。")
    assert "MONDO:0005344" in {d["code"] for d in chinese["diagnoses"]}
    assert "HP:0006562" in {f["code"] for f in chinese["features"]}  # its head, viral hepatitis


def test_a_negated_specific_disease_still_excludes_the_finding_it_is_built_on():
    patient = _patient("A 70-year-old man had no clinical evidence of systolic heart failure.")
    excluded = {f["code"] for f in patient["features"] if f["excluded"]}
    assert "HP:0001635" in excluded


def test_a_compound_is_not_read_as_its_last_characters():
    # 肠胃炎 is gastroenteritis, not a kind of 胃炎 (gastritis); 瓜氨酸血症 no kind of 酸血症.
    vocabulary = load_vocabulary()
    found = _full_matches(vocabulary, "急性肠胃炎")
    assert found.get(DISEASE) == {"MONDO:0002269"} and HPO not in found
    assert HPO not in _full_matches(vocabulary, "瓜氨酸血症")
    # After an attributive modifier the head is a finding: 甲型肝炎 is a kind of 肝炎.
    assert _full_matches(vocabulary, "甲型肝炎")[HPO] == {"HP:0012115"}


# ------------------------------------------------------------------ building and measuring
def test_sources_can_be_left_out_and_unknown_ones_are_refused():
    without = build_vocabulary(without={MONDO, OFFICIAL_CHINESE_HPO})
    assert not any(c.code.startswith("MONDO:") and c.rank == 1 for c in without.concepts)
    assert "HP:0012851" not in _full_matches(without, "结肠狭窄").get(HPO, set())
    with pytest.raises(ValueError, match="unknown vocabulary sources"):
        build_vocabulary(without={"no-such-source"})


def test_the_cache_stamp_covers_the_build_rules_and_the_reference_files():
    names = {path.name for path in sources()}
    assert {"vocabulary_build.py", "vocabulary_reference.py", "hp-zh.babelon.tsv", "diseases.tsv"} <= names


def test_a_space_beside_a_chinese_character_is_not_part_of_a_name():
    assert pattern_key("Zollinger-Ellison 综合征") == "zollinger ellison综合征"
    assert pattern_key("IgA 肾病") == "iga肾病"


def test_a_hyphen_beside_a_chinese_character_keys_both_ways():
    from ingest.pipeline.vocabulary import pattern_keys

    assert pattern_keys("D-二聚体") == {"d二聚体", "d 二聚体"}
    assert pattern_keys("胰岛素样生长因子-1") == {"胰岛素样生长因子1", "胰岛素样生长因子 1"}
    assert pattern_keys("IgA 肾病") == {"iga肾病"}  # a space is dropped, as the normaliser drops it
    assert pattern_keys("anti-Jo-1") == {"anti jo 1"}


# ------------------------------------------------------------------ build speed, same result
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("aZ -_\t\n’`µ\x00İΣσ肾病 ａＢ"), max_size=12)
        | st.text(alphabet=st.characters(codec="ascii"), max_size=12),
        max_size=8,
    )
)
def test_keys_in_one_batch_are_the_keys_name_by_name(names):
    assert pattern_key_batch(names) == [pattern_key(name) for name in names]


def test_keys_in_one_batch_for_written_names():
    names = ["Heart failure", "  Atrial  septal-defect ", "IgA 肾病", "ΟΔΟΣ", "a\x00b", "Crohn_disease", ""]
    assert pattern_key_batch(names) == [pattern_key(name) for name in names]
    assert pattern_key_batch(names)[:2] == ["heart failure", "atrial septal defect"]


def test_a_concept_pickles_as_its_fields():
    concept = Concept(HPO, "HP:0001250", "Seizure", 0, absent=True)
    again = pickle.loads(pickle.dumps(concept, protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own
    assert again == concept and again.absent
    assert dataclasses.replace(again, absent=False) == Concept(HPO, "HP:0001250", "Seizure", 0)


def test_a_key_is_one_int_in_the_automaton_and_its_concept_ids_a_shared_tuple():
    vocabulary = load_vocabulary()
    assert {type(vocabulary.automaton.get("fever")), type(vocabulary.automaton.get("发热"))} == {int}
    assert len(vocabulary.id_sets) < len(vocabulary.automaton)  # keys of one concept share its ids
    # The packed length and word-boundary flags are those `find` reads: "ast" is a test name, not
    # inside "last" (start) nor before a letter; a lab name may run into its value ("ast40"), a
    # finding may not; a Chinese key needs no boundary.
    assert _full_matches(vocabulary, "AST") == {"analyte": {"AST"}}
    assert [(m.start, m.end) for m in vocabulary.find("ast40")] == [(0, 3)]
    assert not vocabulary.find("last") and not vocabulary.find("asta")
    assert not vocabulary.find("fever2") and not vocabulary.find("afever")
    assert "hpo" in _full_matches(vocabulary, "发热")
    assert [(m.start, m.end) for m in vocabulary.find("患者发热") if m.kind == "hpo"] == [(2, 4)]


def test_a_value_that_does_not_fit_is_refused():
    assert pack_value(MAX_KEY_LENGTH, 0, True, 2) >= 0
    with pytest.raises(ValueError, match="does not fit"):
        pack_value(MAX_KEY_LENGTH + 1, 0, True, 0)
    with pytest.raises(ValueError, match="does not fit"):
        pack_value(3, 1 << 18, False, 0)


# ------------------------------------------------------------------ the cached reference names
def test_reference_names_are_cached_until_a_file_they_are_read_from_changes(tmp_path, monkeypatch):
    from ingest.pipeline import vocabulary_sources

    monkeypatch.setenv("REGISTRY_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "labels.tsv"
    source.write_text("HP:0001945\t发热\n", encoding="utf-8")
    readers = vocabulary_sources._reader_files()
    monkeypatch.setattr(vocabulary_sources, "_reader_files", lambda: [*readers, source])
    reads: list[str] = []

    def read(hpo) -> vocabulary_sources.ReferenceNames:
        reads.append(source.read_text(encoding="utf-8"))
        return vocabulary_sources.ReferenceNames([("发热", "HP:0001945")], [], {})

    monkeypatch.setattr(vocabulary_sources, "_read_reference_names", read)
    hpo = load_hpo()
    first = vocabulary_sources.reference_names(hpo)
    assert vocabulary_sources.reference_names(hpo) == first and len(reads) == 1
    assert (tmp_path / "cache" / f"pipeline-sources-v{vocabulary_sources.SOURCES_FORMAT}.pickle").exists()
    # Same size, same modification time, other content: the checksum still sees the change.
    stat = source.stat()
    source.write_text("HP:0001945\t发烧\n", encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    vocabulary_sources.reference_names(hpo)
    assert reads == ["HP:0001945\t发热\n", "HP:0001945\t发烧\n"]


def test_the_reference_names_cache_covers_the_reference_files_and_their_readers():
    from ingest.pipeline.vocabulary_sources import _reader_files

    names = {path.name for path in _reader_files()}
    assert {
        "hp-zh.babelon.tsv",
        "diseases.tsv",
        "diseases-zh.tsv",
        "vocabulary_reference.py",
        "diseases.py",
    } <= names
    assert {"chinese_script.py", "hpo_zh.py"} <= names


def test_cached_drug_names_are_those_that_end_like_an_inn():
    from ingest.pipeline.vocabulary_sources import INN_STEM, reference_names

    dictionary = reference_names(load_hpo()).drug_dictionary
    assert dictionary and all(INN_STEM.search(pattern_key(name)) for name in dictionary)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["ce", "f", "ph", "mab", "cept", "dronic", " acid", "x", "1", " ", "a", "sone", "\u00e9"]
        ),
        max_size=6,
    ).map("".join)
)
def test_the_inn_ending_test_is_the_stem_pattern(key):
    from ingest.pipeline.vocabulary_sources import INN_STEM, ends_like_inn

    assert ends_like_inn(key) == bool(INN_STEM.search(key))


@pytest.mark.parametrize(
    ("key", "variants"),
    [
        ("ovarian cyst", {"ovarian cyst", "ovarian cysts"}),
        ("anemia", {"anemia", "anemias", "anaemia", "anaemias"}),
        (
            "hemorrhagic edema",
            {
                "hemorrhagic edema",
                "haemorrhagic edema",
                "hemorrhagic oedema",
                "haemorrhagic oedema",
                "hemorrhagic edemas",
                "haemorrhagic edemas",
                "hemorrhagic oedemas",
                "haemorrhagic oedemas",
            },
        ),
        ("stenosis", {"stenosis", "stenoses"}),
        ("exophthalmos", {"exophthalmos", "exophthalmoses"}),
        ("biopsy", {"biopsy", "biopsies"}),
        ("x ray", {"x ray"}),  # a last word under four letters takes no plural
        ("发热", {"发热"}),
    ],
)
def test_english_names_take_british_spellings_and_plurals(key, variants):
    from vocab.languages import en

    assert en.name_variants(key) == variants


@pytest.mark.parametrize(
    ("key", "variants"),
    [
        ("bowen disease", {"bowen disease", "bowen diseases", "bowen's disease"}),
        ("sjogren syndrome", {"sjogren syndrome", "sjogren syndromes", "sjogren's syndrome"}),
        ("graves disease", {"graves disease", "graves diseases"}),  # a name ending in s: no 's
        ("addison's disease", {"addison's disease", "addison's diseases"}),  # already possessive
    ],
)
def test_an_eponymous_disease_takes_its_possessive_form(key, variants):
    from vocab.languages import en

    # (a disease's name also takes "disorder": unused for eponyms, and harmless)
    assert {v for v in en.name_variants(key) if "disorder" not in v} == variants


def test_an_eponym_written_with_a_curly_possessive_is_found():
    text = "A 70-year-old man had a red patch on the shin; biopsy showed Bowen’s disease."
    (patient,) = extract(text)["patients"]
    assert [d["evidence"]["text"] for d in patient["diagnoses"]] == ["Bowen’s disease"]


# ------------------------------------------------------------------ case-free twins
_TWIN_TEXTS = [
    "ECOG Performance Status 2; NYHA class III. SUVmax 12.4 in the LEFT lung.",
    "Weight LOSS of 8 Kg over 3 Months; grade 3/6 Murmur; Sinus Rhythm; İstanbul.",
    "MRC 4/5 strength, IQ 70, SDS -2.5; 基因检测示 FBN1 杂合突变 (De Novo).",
    "A1B2 x_Y 9-9 ST-segment elevation, st elevation, ΣΑΣ σας.",
]


@pytest.mark.parametrize(
    "source",
    [
        r"\bweight\s+loss\b",
        r"(?P<Res>\d+)\s*(?P<unit>KG|kg)",  # a group name keeps its case
        r"\D+\s\B[A-Z]",  # upper-case escapes are other classes than their lower case
        r"[A-Z]{2,}\W",
        r"nyha|ecog|suv\s*max",
        r"σας|基因|de novo",
        r"\bST\b",
    ],
)
def test_case_free_twin_finds_what_the_ignore_case_pattern_finds(source: str) -> None:
    import re

    pattern = re.compile(source, re.I)
    twin, lowered = case_free(pattern)
    assert lowered and not twin.flags & re.I
    assert twin.groupindex == pattern.groupindex
    for text in _TWIN_TEXTS:
        low = lower_text(text)
        assert len(low) == len(text)
        expected = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        got = [
            (m.span(), {k: v and text[m.start(k) : m.end(k)] for k, v in m.groupdict().items()})
            for m in twin.finditer(low)
        ]
        assert got == expected, (source, text)


def test_case_free_leaves_patterns_it_cannot_vouch_for() -> None:
    import re

    sensitive = re.compile(r"NYHA")  # case matters: read on the text itself
    assert case_free(sensitive) == (sensitive, False)
    coded = re.compile(r"\x41BC", re.I)  # "\x41" is "A": lower-casing the source would not make it "a"
    assert case_free(coded) == (coded, False)


@pytest.mark.parametrize("organ", ["thyroid", "kidney", "liver"])
def test_a_disorder_is_read_as_the_disease_of_the_same_words(organ: str) -> None:
    def codes(text: str) -> set[str]:
        patient = extract(f"A 50-year-old woman. {text}")["patients"][0]
        return {f["code"] for f in patient["features"]} | {d["code"] for d in patient["diagnoses"]}

    disease = codes(f"She had {organ} disease.")
    assert disease and codes(f"She had a {organ} disorder.") == disease
