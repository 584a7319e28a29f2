"""What a facet declares, and the parameter styles and column sources declarations are made of.

A `Facet` is one `name:value` field of the query language. Optionally it also has
- URL/API parameters (`param`: `Single`, `Repeated` or `Range`),
- a Case column the search index turns into a family of bitmaps (`column`: `Column`),
- counts in the sidebar and in the API's `facets` (`title`, `key`, `position`; `count`).

Subclasses (the facet kinds, one module each) say how a value is checked (`parse`), how it
selects cases (`evaluate`), how values are counted, ordered and labelled (`count`) and how an
active filter reads in a chip (`chip_label`). Nothing here touches the database: evaluation and
counting hand the facet what it needs (the index, the vocabulary, the counting strategies).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pyroaring import BitMap

from cases.search.syntax import Field

if TYPE_CHECKING:
    from cases.search.vocabulary import Concept, Vocabulary


@dataclass(frozen=True)
class FacetValue:
    """One counted value of a facet: `param=key` added to a search refines it by this value."""

    key: str
    label: str
    count: int
    label_zh: str = ""
    param: str = ""  # which parameter `key` goes into


# --- What facets are handed ------------------------------------------------------------------------


class Evaluation(Protocol):
    """What `Facet.evaluate` may use (cases/search/evaluation.py provides it)."""

    vocabulary: Vocabulary
    interpretation: list[dict]

    def family(self, name: str) -> Mapping[Hashable, BitMap]: ...

    def concepts_bitmap(self, concepts: list[Concept], text: str, negated: bool) -> BitMap: ...

    def fulltext(self, text: str, *, phrase: bool, negated: bool) -> BitMap: ...


class Counting(Protocol):
    """What `Facet.count` may use (cases/search/counting.py provides it)."""

    vocabulary: Vocabulary

    def family(self, name: str) -> Mapping[Hashable, BitMap]: ...

    def top(self, facet: Facet, k: int) -> list[tuple[int, int]]: ...


# --- Where bitmaps come from ---------------------------------------------------------------------


def _same(value: Any) -> Hashable | None:
    return value


@dataclass(frozen=True)
class Column:
    """The Case column a facet reads and how the index turns it into a family of bitmaps: one
    bitmap per element of an integer array (`array=True`), or one per `key(value)` of a scalar
    column (a key of None leaves the case out of the family)."""

    name: str  # column of cases_case
    family: str  # name of the bitmap family in the index (index.family(name), index.<name>)
    array: bool = False
    key: Callable[[Any], Hashable | None] = _same


# --- URL and API parameters ----------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterDoc:
    """One query parameter as the OpenAPI schema documents it."""

    name: str
    type: type
    description: str = ""
    many: bool = False
    enum: tuple[str, ...] = ()


Pairs = list[tuple[str, str]]


@dataclass(frozen=True)
class Single:
    """`field=value` once (a further value is ignored); a facet link replaces it."""

    description: str = ""
    enum: tuple[str, ...] = ()
    # Validated before repeated parameters, then ranges: the first error a response reports
    # depends on this order.
    validation_order: ClassVar[int] = 0
    ranged: ClassVar[bool] = False

    def names(self, field_name: str) -> tuple[str, ...]:
        return (field_name,)

    def read(self, field_name: str, params: Mapping[str, list[str]]) -> tuple[Pairs, dict[str, str]]:
        """(param, value) pairs to validate as `field_name:value`, and errors by parameter."""
        return [(field_name, value) for value in params.get(field_name, [])[:1]], {}

    def refine(self, field_name: str, pairs: Pairs, key: str) -> Pairs:
        return [(n, v) for n, v in pairs if n != field_name] + [(field_name, key)]

    def docs(self, field_name: str) -> list[ParameterDoc]:
        return [ParameterDoc(field_name, str, self.description, enum=self.enum)]


@dataclass(frozen=True)
class Repeated(Single):
    """`field=value` any number of times, and every value must hold; a facet link adds one."""

    validation_order: ClassVar[int] = 1

    def read(self, field_name: str, params: Mapping[str, list[str]]) -> tuple[Pairs, dict[str, str]]:
        return [(field_name, value) for value in params.get(field_name, [])], {}

    def refine(self, field_name: str, pairs: Pairs, key: str) -> Pairs:
        return pairs if (field_name, key) in pairs else [*pairs, (field_name, key)]

    def docs(self, field_name: str) -> list[ParameterDoc]:
        return [ParameterDoc(field_name, str, self.description, many=True, enum=self.enum)]


@dataclass(frozen=True)
class Range:
    """`field_min` and/or `field_max`, whole numbers, read as the range `field:min-max`; a facet
    link sets both from a key such as `30-39` (or `2016`: both bounds)."""

    low_description: str = ""
    high_description: str = ""
    validation_order: ClassVar[int] = 2
    ranged: ClassVar[bool] = True

    def names(self, field_name: str) -> tuple[str, ...]:
        return (f"{field_name}_min", f"{field_name}_max")

    def read(self, field_name: str, params: Mapping[str, list[str]]) -> tuple[Pairs, dict[str, str]]:
        low_name, high_name = self.names(field_name)
        low = params.get(low_name, [""])[0]
        high = params.get(high_name, [""])[0]
        if not (low or high):
            return [], {}
        errors = {
            name: f"{name} must be a whole number, not {value!r}"
            for name, value in ((low_name, low), (high_name, high))
            if value and not value.isdigit()
        }
        if errors:
            return [], errors
        return [(low_name if low else high_name, f"{low}-{high}")], {}

    def refine(self, field_name: str, pairs: Pairs, key: str) -> Pairs:
        low_name, high_name = self.names(field_name)
        low, _, high = key.partition("-")
        kept = [(n, v) for n, v in pairs if n not in (low_name, high_name)]
        return [*kept, (low_name, low), (high_name, high or low)]

    def docs(self, field_name: str) -> list[ParameterDoc]:
        low_name, high_name = self.names(field_name)
        return [
            ParameterDoc(low_name, int, self.low_description),
            ParameterDoc(high_name, int, self.high_description),
        ]


Param = Single | Repeated | Range


# --- The declaration -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Facet:
    """One field of the query language, and optionally a URL/API parameter, an index column and
    sidebar counts (see the module docstring). The defaults give a field that selects the cases
    whose `column` holds the value as it was typed, and counts nothing."""

    name: str  # the query-language field, `name:value`; also the parameter name
    aliases: tuple[str, ...] = ()  # other names people type (`language:` for `lang:`)
    param: Param | None = None  # URL/API parameter(s); None: the query language only
    column: Column | None = None  # what the index reads; None: no bitmaps (full text)
    title: str = ""  # sidebar title; empty: not counted
    key: str = ""  # name of its counts in results and the API (default: `name`)
    position: int = 1000  # order of the counts in the sidebar and the API, lowest first
    example: str = ""  # shown in the syntax help of the search page, e.g. "sex:female"
    show_code: bool = False  # the sidebar shows each value's key beside its label (codes)
    # Concept facets name vocabulary entries of one kind ("term", "disease", "agent"); free words
    # of a query that resolve to an entry of that kind select cases through this facet's family.
    concept_kind: ClassVar[str] = ""

    @property
    def counted(self) -> bool:
        return bool(self.title)

    @property
    def counts_key(self) -> str:
        return self.key or self.name

    @property
    def param_names(self) -> tuple[str, ...]:
        return self.param.names(self.name) if self.param is not None else ()

    def value_position(self, position: int) -> int:
        """Where the value of `name:value` starts, for error messages."""
        return position + len(self.name) + 1

    # --- behaviour; kinds override -----------------------------------------------------------

    def parse(self, value: str, position: int) -> Field:
        """Check and normalise a (stripped, non-empty) value; raise QuerySyntaxError."""
        return Field(position, self.name, value)

    def stored(self, value: str) -> Hashable:
        """The family key a parsed value selects."""
        return value

    def evaluate(self, node: Field, evaluation: Evaluation, negated: bool) -> BitMap:
        """The cases `node` selects (all of them, before visibility)."""
        if self.column is None:
            return BitMap()
        return evaluation.family(self.column.family).get(self.stored(node.value)) or BitMap()

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        """Counted values among `result`, in display order; `active` are this facet's filters."""
        return []

    def chip_label(self, value: str, vocabulary: Vocabulary) -> str:
        """How an active filter value reads in its chip (after `name: `)."""
        return value
