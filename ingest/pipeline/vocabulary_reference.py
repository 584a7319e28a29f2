"""Names from the reference vocabularies of `vocab/` for the pipeline's matcher, with the guards
that keep formal or generic names from firing on free text.

Two sources, both read after the curated lexicons (`ingest/lexicons/`), which stay first: a name
an earlier source already gives is never taken from these (the build skips claimed keys).

- **Official Chinese HPO labels** (`vocab.hpo_zh`, CHPO's translation). The labels are formal
  (发热 rather than 发烧) and some are no findings at all when read in running text: qualifiers
  (左侧 "Left", 慢性 "Chronic"), labels of whole classes (泌尿系统异常, 疼痛), single characters
  that occur inside any word (疝, 癌), two-character labels that are everyday words (小指 "little
  finger" is HPO's "Small finger"; 冲动, 寒冷). So: phenotypic-abnormality terms only, no label
  of a grouping class, no label with punctuation (a few rows hold a definition), and short labels
  only when they carry a morpheme that names a lesion or symptom.
- **MONDO diseases** (`vocab.diseases`): English labels and synonyms, Chinese names. Guards:
  short all-capital abbreviations ("SSc", "PDA") and names several concepts share are ambiguous
  (the data flags both); a synonym that shares no word with its concept's label is a thesaurus
  cross-mapping ("pituitary gland" for hypophysitis); a one-word synonym must be a disease noun
  by its ending; the names of a class of many diseases ("neoplasm", "infectious disease") are
  no diagnosis; inverted catalogue forms ("lupus erythematosus, systemic") and OMIM's
  "susceptibility to" entries never occur in a report.

Everything here is a rule about the shape of a name or its place in the ontology, never a list of
words of the development corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from vocab.data import DISEASES, DISEASES_ZH, HPO_ZH
from vocab.diseases import DiseaseNames, disease_names, is_abbreviation
from vocab.diseases import mondo_id as mondo_id_of
from vocab.hpo import Hpo
from vocab.hpo_zh import official_labels
from vocab.languages import CJK_RE

# Files these names come from: a change to any of them rebuilds the vocabulary cache.
REFERENCE_FILES = (HPO_ZH, DISEASES, DISEASES_ZH)

# A term with at least this many descendants is a grouping class ("Abnormality of the kidney",
# "Pain", "Neoplasm"): its label names no particular finding.
GROUPING_CLASS_DESCENDANTS = 30
# Characters that make a two-character Chinese label a finding rather than an everyday word: those
# under the sickness radical 疒 (one contiguous block in Unicode's radical-stroke order: 疒 U+7592
# up to the next radical 癶 U+7676), and the morphemes of symptoms and lesions that are written
# without it (炎 inflammation, 肿 swelling, 血 bleeding, 尿 urine, 泻 diarrhoea, 吐 vomiting, 咳
# cough, 喘 wheeze, 晕 dizziness/syncope, 胀 distension, 悸 palpitation, 秘 constipation, 衄 nose
# bleed, 裂 cleft, 盲 blindness, 聋 deafness, 热 fever, 闷 tightness, 麻 numbness, 挛 spasm, 颤
# tremor, 搐 twitch, 绀 cyanosis, 斑 macule/patch).
_SICKNESS_RADICAL_RE = re.compile("[\u7592-\u7675]")
_LESION_MORPHEMES = frozenset("炎肿血尿泻吐咳喘晕胀悸秘衄裂盲聋热闷麻挛颤搐绀斑")
_PUNCTUATION_RE = re.compile(r"[，。；：、（）()\[\],.;:/\"“”]")
# English disease names as catalogues write them, never as reports do.
_CATALOGUE_FORM_RE = re.compile(r"[,;()\[\]/]|\bsusceptibility\b|\bsusceptible\b", re.I)
# The same test in two parts, for ~86,000 names a build: the characters (no case to ignore), then
# the words only in a name that holds "cept" (letters that no other character matches under re.I).
_CATALOGUE_CHARACTERS_RE = re.compile(r"[,;()\[\]/]")
# A disease with this many more specific diseases is a class ("carcinoma", "infectious disease",
# "disease of nervous system"): its names are no diagnosis. A single word needs fewer.
DISEASE_CLASS_DESCENDANTS = 200
DISEASE_CLASS_DESCENDANTS_ONE_WORD = 100
MIN_ENGLISH_DISEASE_NAME = 4


def descendant_counts(hpo: Hpo) -> Counter[str]:
    """How many terms lie below each HPO term."""
    counts: Counter[str] = Counter()
    for term in hpo.terms.values():
        counts.update(term.ancestors)
    return counts


def is_finding_label(label: str) -> bool:
    """Whether an official Chinese label can stand for a finding in running text: at least two
    Han characters, no punctuation, and, when it has only two characters, a character of
    sickness or of a symptom (see `_LESION_MORPHEMES`)."""
    if _PUNCTUATION_RE.search(label):
        return False
    han = CJK_RE.findall(label)
    if len(han) < 2:
        return False
    if len(label) > 2:
        return True
    return bool(_SICKNESS_RADICAL_RE.search(label)) or any(ch in _LESION_MORPHEMES for ch in label)


def official_chinese_hpo_names(hpo: Hpo) -> list[tuple[str, str]]:
    """(official Chinese label, HPO id) for every label that passes the guards."""
    below = descendant_counts(hpo)
    out = []
    # The labels only: `load_hpo_zh()` would also build its lookup index, which the matcher never reads.
    for term_id, label in official_labels(hpo).items():
        term = hpo.terms.get(term_id)
        if term is None or term.obsolete or not term.is_phenotype:
            continue  # qualifiers, modes of inheritance, clinical course; unknown ids
        if below[term_id] >= GROUPING_CLASS_DESCENDANTS or not is_finding_label(label):
            continue
        out.append((label, term_id))
    return out


@dataclass(frozen=True, slots=True)
class DiseaseName:
    name: str
    mondo_id: str
    label: str  # the concept's English label, for the record


# Endings of nouns that name a disease or a morbid state: a one-word synonym without one is a
# word for a part or a substance ("pituitary", "amyloid"), imported into MONDO from a thesaurus.
_DISEASE_NOUN_RE = re.compile(
    r"(?:itis|itides|osis|oses|iasis|oma|omas|omata|emia|aemia|pathy|pathies|ism|ia|ias|plasia|trophy|"
    r"ectasis|ectasia|algia|rrhea|rrhoea|cele|philia|penia|plegia|syndrome|disease|fever|pox)$",
    re.I,
)
_WORD_RE = re.compile(r"[a-z0-9]{3,}")  # words of three characters or more (runs are maximal)


def _stems(name: str) -> set[str]:
    return {word[:5] for word in _WORD_RE.findall(name.lower())}


def mondo_disease_names() -> list[DiseaseName]:
    """Names of MONDO diseases that pass the guards: English labels and synonyms, Chinese names.
    (The names and descendant counts only: `load_diseases()` would also build the closures' lists,
    the codes' index and its cache, which the matcher never reads.)"""
    return list(_mondo_names(disease_names()))


def _mondo_names(ontology: DiseaseNames) -> Iterator[DiseaseName]:
    """Reads the ontology's arrays by position (one pass, no per-name look-up of the concept)."""
    for position, label in enumerate(ontology.labels):
        mondo_id = mondo_id_of(ontology.numbers[position])
        below = ontology.descendant_counts[position]
        chinese = ontology.chinese.get(position)
        if chinese is not None:
            zh_label, zh_synonyms = chinese
            for name in (zh_label, *zh_synonyms):
                if len(CJK_RE.findall(name)) >= 2:
                    yield DiseaseName(name, mondo_id, label)
        if below >= DISEASE_CLASS_DESCENDANTS:
            continue  # a class of many diseases, whatever its names
        one_word_class = below >= DISEASE_CLASS_DESCENDANTS_ONE_WORD
        if _is_good_english_name(label) and not (one_word_class and " " not in label.strip()):
            yield DiseaseName(label.strip(), mondo_id, label)
        label_stems = _stems(label)
        for synonym in ontology.synonyms[position]:
            name = synonym.strip()
            if not _is_good_english_name(name) or (one_word_class and " " not in name):
                continue
            if not _stems(name) & label_stems:
                continue  # a thesaurus cross-mapping: shares no word with the label
            if " " not in name and not _DISEASE_NOUN_RE.search(name):
                continue  # one word that is no disease noun ("amyloid")
            if ontology.is_shared_name(name):
                continue  # several diseases carry this name: it decides nothing (an abbreviation
                # is ambiguous too, but `_is_good_english_name` has already left those out)
            yield DiseaseName(name, mondo_id, label)


def _is_good_english_name(name: str) -> bool:
    name = name.strip()
    return (
        len(name) >= MIN_ENGLISH_DISEASE_NAME
        and not _CATALOGUE_CHARACTERS_RE.search(name)
        and not ("cept" in name.lower() and _CATALOGUE_FORM_RE.search(name))
        and not is_abbreviation(name)
    )


__all__ = [
    "DISEASE_CLASS_DESCENDANTS",
    "DISEASE_CLASS_DESCENDANTS_ONE_WORD",
    "GROUPING_CLASS_DESCENDANTS",
    "REFERENCE_FILES",
    "DiseaseName",
    "descendant_counts",
    "is_finding_label",
    "mondo_disease_names",
    "official_chinese_hpo_names",
]
