"""The query tree, its syntax error and the value syntax (ranges) that the parser (query.py) and
the facet declarations (facets/) share. Syntax only: no database, no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class QuerySyntaxError(ValueError):
    """A malformed query: `message` says what, `position` is the character offset where."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


# PostgreSQL text cannot hold NUL, and a lone surrogate cannot be encoded as UTF-8 at all: a query
# or parameter carrying one would fail in the database driver, not in validation.
_UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
MAX_QUERY_LENGTH = 2000
# Far beyond any query a person writes, far below Python's recursion limit (each level of
# parentheses costs the recursive-descent parser four frames, evaluation two more).
MAX_NESTING = 50


def unstorable_character(text: str) -> int | None:
    """The offset of the first character PostgreSQL cannot take (NUL, a lone surrogate), or None."""
    match = _UNSTORABLE_RE.search(text)
    return match.start() if match else None


def check_characters(text: str, *, offset: int = 0, what: str = "query") -> None:
    """Raise QuerySyntaxError at the first character no database text can hold."""
    where = unstorable_character(text)
    if where is not None:
        raise QuerySyntaxError(
            f"{what} contains the character U+{ord(text[where]):04X}, which is not allowed", offset + where
        )


@dataclass(frozen=True)
class Node:
    position: int


@dataclass(frozen=True)
class Words(Node):
    """Plain words, or a quoted phrase (resolved against the vocabularies, else full text)."""

    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Field(Node):
    """`name:value`; for ranges (age, year) `low`/`high` hold the (inclusive) bounds."""

    name: str
    value: str
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Not(Node):
    child: Node


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Query:
    text: str
    root: Node | None  # None for an empty query
    # Words and fields outside any NOT, for relevance ranking and highlighting
    positives: tuple[Node, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return self.root is None


_RANGE_RE = re.compile(r"^(\d{1,4})?\s*(?:-|–|\.\.|to)?\s*(\d{1,4})?$")


def parse_range(value: str, position: int, *, what: str) -> tuple[int | None, int | None]:
    """`30-50`, `30-`, `-50`, `30` (a single value) -> inclusive bounds."""
    match = _RANGE_RE.match(value)
    if not match or (match.group(1) is None and match.group(2) is None):
        raise QuerySyntaxError(f"{what} must be a number or a range such as 30-50, not {value!r}", position)
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(2)) if match.group(2) else None
    is_range = any(sep in value for sep in ("-", "–", "..", "to"))
    if not is_range:
        high = low
    if low is not None and high is not None and low > high:
        raise QuerySyntaxError(f"{what} range is reversed: {low} > {high}", position)
    return low, high
