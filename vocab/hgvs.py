"""HGVS variant descriptions as people write them, reduced to comparable keys for search.

One variant is written many ways: with or without its reference sequence
("NM_000138.5:c.1585C>T", "c.1585C>T"), with its gene in front ("FBN1:c.1585C>T"), and a protein
change in three- or one-letter code, predicted in brackets or not ("p.(Arg529*)", "p.Arg529Ter",
"p.R529X"). `search_keys` lists the forms a stored description answers to and `query_key` turns
what a user typed into one of them, so `variant:p.R529X` finds "NP_000129.3:p.(Arg529Ter)".
No Django imports here.
"""

from __future__ import annotations

import re

_ONE_TO_THREE = {
    "A": "Ala",
    "R": "Arg",
    "N": "Asn",
    "D": "Asp",
    "C": "Cys",
    "Q": "Gln",
    "E": "Glu",
    "G": "Gly",
    "H": "His",
    "I": "Ile",
    "L": "Leu",
    "K": "Lys",
    "M": "Met",
    "F": "Phe",
    "P": "Pro",
    "S": "Ser",
    "T": "Thr",
    "W": "Trp",
    "Y": "Tyr",
    "V": "Val",
    "U": "Sec",
    "X": "Ter",
    "*": "Ter",
}
_THREE_LETTER = re.compile("|".join(sorted(set(_ONE_TO_THREE.values()))))
# A reference sequence before the change: NM_000138.5, NC_000015.10, NP_078942.3, ENST…, LRG_1t1.
_REFERENCE = re.compile(
    r"^(?P<ref>(?:[A-Z]{2}_[0-9]+(?:\.[0-9]+)?|LRG_[0-9]+(?:t[0-9]+|p[0-9]+)?|ENS[TGP][0-9]+(?:\.[0-9]+)?)"
    r"(?:\([^)]*\))?):"
)
_KIND = re.compile(r"^(?P<kind>[cgmnpr])\.", re.I)


def _protein_key(change: str) -> str:
    """p. change in upper-case three-letter code without the brackets of a predicted change:
    "(Arg529*)" -> "ARG529TER", "R529X" -> "ARG529TER", "V617F" -> "VAL617PHE"."""
    change = change.strip().strip("()").replace(" ", "")
    if not _THREE_LETTER.match(change):  # one-letter code: every capital is an amino acid
        change = re.sub(r"[ACDEFGHIKLMNPQRSTVWYUX*]", lambda m: _ONE_TO_THREE[m.group(0)], change)
    change = change.replace("*", "Ter")
    return change.upper()


def split(description: str) -> tuple[str, str, str]:
    """(reference sequence, kind letter, change): "NM_1.2:c.3A>G" -> ("NM_1.2", "c", "3A>G");
    a description without a kind ("large deletion of exon 14") gives ("", "", text)."""
    text = description.strip().replace(" ", "")
    reference = ""
    match = _REFERENCE.match(text)
    if match:
        reference, text = match.group("ref"), text[match.end() :]
    kind = _KIND.match(text)
    if not kind:
        return reference, "", text
    return reference, kind.group("kind").lower(), text[kind.end() :]


def change_key(description: str) -> str:
    """The comparable key of a description without its reference sequence: "C.1585C>T",
    "P.ARG529TER"; "" when it is no HGVS description."""
    _reference, kind, change = split(description)
    if not kind or not change:
        return ""
    if kind == "p":
        return "P." + _protein_key(change)
    return f"{kind.upper()}.{change.upper().replace('&GT;', '>')}"


def search_keys(descriptions: list[str], gene_symbols: list[str] = ()) -> list[str]:
    """Every key a variant answers to: each description as written (upper case), without its
    reference sequence, and with each of its gene symbols in front ("FBN1:C.1585C>T")."""
    keys: set[str] = set()
    for description in descriptions:
        if not description:
            continue
        keys.add(description.strip().replace(" ", "").upper())
        key = change_key(description)
        if key:
            keys.add(key)
            reference = split(description)[0]
            if reference:
                keys.add(f"{reference.upper()}:{key}")
            for symbol in gene_symbols:
                if symbol:
                    keys.add(f"{symbol.upper()}:{key}")
    return sorted(keys)


def query_key(value: str) -> str:
    """What a `variant:` value is looked up by: a gene-prefixed change ("FBN1:c.1585C>T"), a
    change alone, or a whole description with its reference sequence (kept as written)."""
    text = value.strip().replace(" ", "")
    gene, sep, rest = text.partition(":")
    if sep and _KIND.match(rest) and not _REFERENCE.match(text):
        key = change_key(rest)
        return f"{gene.upper()}:{key}" if key else text.upper()
    reference, kind, _change = split(text)
    key = change_key(text) if kind else ""
    if key:
        return f"{reference.upper()}:{key}" if reference else key
    return text.upper()
