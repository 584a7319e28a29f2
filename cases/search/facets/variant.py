"""`variant:c.1585C>T`, `variant:NM_000138.5:c.1585C>T`, `variant:FBN1:p.R529X` (`variant=`): the
case has the variant (not rejected). A change is found with or without its reference sequence,
with its gene in front or not, and a protein change in one- or three-letter code (vocab.hgvs).
Values with `+` or brackets (c.1938+1G>A, p.(Arg529*)) are quoted: `variant:"c.1938+1G>A"`.
Read from the variants' indexed search keys (cases.search.variants), not a Case column: no
counts."""

from __future__ import annotations

from dataclasses import dataclass

from pyroaring import BitMap

from cases.search.facets.base import Evaluation, Facet, Repeated
from cases.search.syntax import Field, QuerySyntaxError


@dataclass(frozen=True, kw_only=True)
class VariantFacet(Facet):
    def parse(self, value: str, position: int) -> Field:
        if len(value) > 500:
            raise QuerySyntaxError("variant is too long (over 500 characters)", self.value_position(position))
        return Field(position, self.name, value)

    def evaluate(self, node: Field, evaluation: Evaluation, negated: bool) -> BitMap:
        from cases.search.variants import variant_case_ids  # reads the database

        return BitMap(variant_case_ids(node.value))


VARIANT = VariantFacet(
    name="variant",
    param=Repeated(description="Variant in HGVS, e.g. NM_000138.5:c.1585C>T, c.1585C>T or FBN1:p.R529X"),
    example="variant:c.1585C>T",
)
