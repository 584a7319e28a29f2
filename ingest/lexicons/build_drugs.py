"""Regenerate `drugs.tsv` from our curated agents plus the offline drug list of a PyPI package.

    pip install drug-named-entity-recognition==2.0.9      # build time only, never at run time
    python -m ingest.lexicons.build_drugs                  # rewrites ingest/lexicons/drugs.tsv

Sources, in order of authority:

1. `drugs_curated.tsv` (same columns as `drugs.tsv`): hand-written rows with the lower-case English
   INN, ATC code, drug class, brand names and Chinese names of the agents met most in case reports,
   and the drug classes ("antibiotics", "corticosteroids", ...) as agents of their own. It wins every
   conflict: a name it gives to one agent is never given to another.
2. The dictionary shipped inside the `drug-named-entity-recognition` package (MIT licence; generic
   names with their brand names and synonyms, compiled from MeSH, DrugBank, MedlinePlus, NHS and
   Wikipedia). We read its data file directly and keep, for each drug, the spellings that are plain
   words: its brand names enrich our curated rows, and drugs we did not curate are added with the
   package's canonical name (no class, no code) when the package marks them as marketed medicines
   (a MedlinePlus, NHS or Wikipedia page).

The generated file is committed, so the pipeline and the loader never need the package.
"""

from __future__ import annotations

import argparse
import bz2
import importlib.metadata
import importlib.util
import pickle
import re
import sys
from collections import defaultdict
from pathlib import Path

from ingest.pipeline.lexicons import LEXICON_DIR, _rows, _split

PACKAGE = "drug-named-entity-recognition"
MODULE = "drug_named_entity_recognition"
DATA_FILE = "drug_ner_dictionary.pkl.bz2"
COLUMNS = ("inn", "code", "drug_class", "english_names", "chinese_names")

# A name must look like a drug name: ASCII letters, digits, spaces, hyphens, apostrophes.
_NAME_RE = re.compile(r"^[a-z][a-z0-9' \-]{2,39}$")
# Words that name something other than a drug in a case report (a lab test, an everyday word, a
# body substance, a company) although some drug dictionary lists them as a drug or brand name.
BLOCKED_NAMES = frozenset(
    """
    water oxygen air iron calcium sodium potassium magnesium chloride phosphate phosphorus zinc
    copper glucose sugar salt protein albumin urea creatinine bilirubin cholesterol insulin ferritin
    vitamin folate cortisol thyroxine triiodothyronine testosterone estrogen oestrogen progesterone
    prolactin renin aldosterone histamine serotonin dopamine adrenaline heparin alcohol ethanol
    caffeine nicotine tobacco milk honey coffee tea lemon orange apple garlic ginger cinnamon
    carbon nitrogen hydrogen helium lithium iodine fluoride silver gold platinum lead mercury
    arsenic tin aluminium aluminum sulfur sulphur boron selenium chromium manganese cobalt nickel
    blood plasma serum bone skin hair nail tissue cell cells marrow urine stool saliva sweat
    fever pain cough cold flu allergy asthma acne sleep relief care aid plus max extra forte
    one two three first day night today tomorrow daily clear fresh pure natural balance control
    active advance advanced ultra prime gold silver star sun moon life health well good best
    rapid fast slow easy simple smart nova alpha beta gamma delta omega sigma theta zeta kappa
    lambda select choice complete total nature vital power energy focus calm relax comfort
    patient doctor nurse hospital clinic test tests scan study case report male female man woman
    child children baby adult oral tablet tablets capsule capsules injection solution cream gel
    ointment lotion spray drops patch powder syrup suspension elixir liquid dose doses
    abbott pfizer merck novartis roche bayer sanofi lilly amgen teva mylan sandoz apotex biomet virbac
    planum plasmin galanin armour erastin olean olestra trizma alkohol
    """.split()
) | {"thyroid gland"}  # the organ, named in every thyroid examination, not the desiccated extract


# Canonical names of the package that are topics, not agents.
_NOT_AN_AGENT = re.compile(
    r"\b(uses|functions|therapy|scan|prophylaxis|sanitizers?|medical|supplements|transplant|"
    r"stem cell|allergen)\b"
)
# Dosage forms and salts the package keeps as separate drugs ("tiotropium inhalers", "enoxaparin
# sodium", "aducanumab-avwa"): merged into the agent they name when we know that agent.
_FORM_SUFFIX = re.compile(
    r" (inhalers?|patch|eye drops|nasal spray and drops|nasal spray|nasal gel|nasal solution|"
    r"nasal powder|nasal|vaginal|otic|buccal|sublingual spray|sublingual|injections?|cream|"
    r"lozenges?|intravesical|pyelocalyceal|gum|implant|capsules|lipid complex|sodium|potassium|"
    r"calcium|hydrochloride|bromide|sulfate|phosphate|acetate|mesylate|maleate|tartrate|"
    r"succinate|citrate|dipropionate|propionate|palmitate|sodium phosphate)$"
)
_BIOSIMILAR_SUFFIX = re.compile(r"-[a-z]{4}$")


def _base_names(name: str) -> list[str]:
    """Shorter names that `name` may be a dosage form, salt or suffixed biosimilar of."""
    bases = []
    stripped = _FORM_SUFFIX.sub("", name)
    if stripped != name:
        bases.append(stripped)
    unsuffixed = _BIOSIMILAR_SUFFIX.sub("", name)
    if unsuffixed != name:
        bases.append(unsuffixed)
    return bases


def _clean(name: str) -> str:
    return " ".join(name.strip().lower().split())


def _plain(name: str) -> bool:
    return bool(_NAME_RE.match(name)) and sum(ch.isalpha() for ch in name) >= 5


def load_package() -> tuple[dict, str]:
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{PACKAGE} is not installed: pip install {PACKAGE}")
    path = Path(next(iter(spec.submodule_search_locations))) / DATA_FILE
    with bz2.open(path, "rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - the installed package's own data file, at build time
    return data, importlib.metadata.version(PACKAGE)


def package_stopwords() -> frozenset[str]:
    try:
        from drug_named_entity_recognition.util import stopwords
    except Exception:  # pragma: no cover - older package layouts
        return frozenset()
    return frozenset(word.lower() for word in stopwords)


def hpo_words() -> frozenset[str]:
    """Single words of HPO labels and synonyms: a 'brand name' that is one of them is too risky."""
    from vocab.hpo import load_hpo

    words: set[str] = set()
    for term in load_hpo().terms.values():
        for text in [term.name, *term.synonyms]:
            words.update(re.findall(r"[a-z][a-z\-']+", text.lower()))
    return frozenset(words)


def build(data: dict, curated: list[dict[str, str]]) -> list[dict[str, str]]:
    blocked = BLOCKED_NAMES | package_stopwords() | hpo_words()

    rows: dict[str, dict] = {}
    owner: dict[str, str] = {}  # every name (lower case) -> the inn that owns it
    for row in curated:
        inn = _clean(row["inn"])
        entry = {
            "inn": inn,
            "code": row["code"],
            "drug_class": row["drug_class"],
            "english": list(_split(row["english_names"])),
            "chinese": list(_split(row["chinese_names"])),
            "curated": True,
        }
        rows[inn] = entry
        for name in [inn, *entry["english"]]:
            owner.setdefault(_clean(name), inn)

    variant_to_canonical: dict[str, list[str]] = data["drug_variant_to_canonical"]
    canonical_data: dict[str, dict] = data["drug_canonical_to_data"]
    variants_of: dict[str, list[str]] = defaultdict(list)
    for variant, canonicals in variant_to_canonical.items():
        if len(canonicals) == 1:  # a spelling shared by several drugs identifies none of them
            variants_of[canonicals[0]].append(_clean(variant))

    def usable(name: str) -> bool:
        return _plain(name) and name not in blocked

    for canonical in sorted(canonical_data):
        info = canonical_data[canonical]
        name = _clean(canonical)
        spellings = [v for v in dict.fromkeys([name, *variants_of.get(canonical, [])]) if usable(v)]
        # Which curated agent is this? By its canonical name first, then by an unambiguous spelling.
        target = owner.get(name) if owner.get(name) in rows and rows[owner[name]]["curated"] else None
        if target is None:
            hits = {owner[v] for v in spellings if v in owner and rows[owner[v]]["curated"]}
            target = hits.pop() if len(hits) == 1 else None
        if target is None:
            bases = [b for b in _base_names(name) if b in owner]
            target = owner[bases[0]] if bases else None
        if target is None:
            marketed = any(k in info for k in ("medline_plus_id", "nhs_url", "wikipedia_url"))
            if not marketed or not usable(name) or name in owner or _NOT_AN_AGENT.search(name):
                continue
            target = name
            rows[name] = {
                "inn": name,
                "code": "",
                "drug_class": "",
                "english": [],
                "chinese": [],
                "curated": False,
            }
            owner[name] = name
        entry = rows[target]
        for spelling in spellings:
            if (
                owner.setdefault(spelling, target) == target
                and spelling != target
                and spelling not in (_clean(n) for n in entry["english"])
            ):
                entry["english"].append(spelling)

    out = []
    for inn in sorted(rows, key=lambda k: (rows[k]["drug_class"] != "class", k)):
        entry = rows[inn]
        out.append(
            {
                "inn": inn,
                "code": entry["code"],
                "drug_class": entry["drug_class"],
                "english_names": "|".join(entry["english"]),
                "chinese_names": "|".join(entry["chinese"]),
            }
        )
    return out


def write(rows: list[dict[str, str]], version: str, path: Path) -> None:
    curated = len(_rows("drugs_curated.tsv"))
    lines = [
        "\t".join(COLUMNS),
        "# GENERATED by `python -m ingest.lexicons.build_drugs`; edit drugs_curated.tsv, not this file.",
        f"# Sources: drugs_curated.tsv ({curated} hand-curated agents and drug classes, authoritative)",
        f"# and the drug dictionary of the PyPI package {PACKAGE}=={version} (MIT licence; names",
        "# from MeSH, DrugBank, MedlinePlus, NHS, Wikipedia): brand names and synonyms, and marketed",
        "# drugs we did not curate.",
        "# One agent a line: lower-case English INN, ATC (or other) code, class, other English/brand",
        "# names and Chinese names separated by |. Drug classes are agents of their own with",
        '# drug_class "class".',
    ]
    for row in rows:
        cells = [row[c].replace("\t", " ").replace("\n", " ") for c in COLUMNS]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=LEXICON_DIR / "drugs.tsv")
    args = parser.parse_args(argv)
    data, version = load_package()
    rows = build(data, _rows("drugs_curated.tsv"))
    write(rows, version, args.output)
    print(f"wrote {len(rows)} agents to {args.output} ({PACKAGE} {version})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
