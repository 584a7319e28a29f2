"""`gene:FBN1`, `gene:HGNC:3603` (`gene=`): the case has the gene, as a gene of its own or as the
gene of one of its variants (Case.gene_ids, HGNC numbers). A symbol is read as HGNC reads it
(approved, then previous, then alias: vocab.genes); an alias several genes share selects the
cases of any of them. An HGNC id the loaded set lacks still finds the cases that carry it.
Counted in the sidebar as "Genes", labelled by approved symbol."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyroaring import BitMap

from cases.search.facets.base import Column, Counting, Evaluation, Facet, FacetValue, Repeated
from cases.search.facets.concept import FACET_LIMIT
from cases.search.syntax import Field, QuerySyntaxError

if TYPE_CHECKING:
    from cases.search.vocabulary import Vocabulary

_HGNC_ID = re.compile(r"(?i)hgnc:(\d{1,9})")


def gene_numbers(value: str) -> list[int]:
    """The HGNC numbers a `gene:` value names: an HGNC id (kept even when the loaded set lacks it),
    else a symbol in any case (FBN1, fbn1, a previous symbol or an alias); [] when none."""
    value = value.strip()
    match = _HGNC_ID.fullmatch(value)
    if match:
        return [int(match.group(1))]
    from vocab.genes import hgnc_number, load_genes  # the HGNC table only when genes are asked

    resolution = load_genes().resolve(value, case_sensitive=False)
    if resolution.hgnc_id is not None:
        return [hgnc_number(resolution.hgnc_id)]
    return [hgnc_number(candidate) for candidate in resolution.candidates]


def gene_symbol(number: int) -> str:
    from vocab.genes import load_genes

    return load_genes().symbol(f"HGNC:{number}") or f"HGNC:{number}"


@dataclass(frozen=True, kw_only=True)
class GeneFacet(Facet):
    limit: int = FACET_LIMIT

    def parse(self, value: str, position: int) -> Field:
        if not gene_numbers(value):
            raise QuerySyntaxError(f"unknown gene {value!r}", self.value_position(position))
        return Field(position, self.name, value)

    def evaluate(self, node: Field, evaluation: Evaluation, negated: bool) -> BitMap:
        family = evaluation.family(self.column.family)
        found = BitMap()
        for number in gene_numbers(node.value):
            found |= family.get(number) or BitMap()
        return found

    def keeps(self, vocabulary: Vocabulary) -> Callable[[int], bool]:
        return lambda value: True  # every HGNC number is a gene, known to the loaded set or not

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        skip = {number for node in active for number in gene_numbers(node.value)}
        values = []
        for number, count in counting.top(self, self.limit + len(skip)):
            if number not in skip:
                symbol = gene_symbol(number)
                values.append(FacetValue(symbol, symbol, count, "", self.name))
        return values[: self.limit]

    def chip_label(self, value: str, vocabulary: Vocabulary) -> str:
        numbers = gene_numbers(value)
        return ", ".join(f"{gene_symbol(n)} (HGNC:{n})" for n in numbers) or value


GENE = GeneFacet(
    name="gene",
    param=Repeated(description="Gene: HGNC symbol or id, e.g. FBN1 or HGNC:3603"),
    column=Column("gene_ids", family="gene", array=True),
    title="Genes",
    key="genes",
    position=25,
    example="gene:FBN1",
)
