"""The one-line query language of the search box (DESIGN.md "Search").

    calcinosis + anti-Scl-70          and
    raynaud | "digital ulcer"         or; quotes keep a phrase together
    -fever   NOT fever                absent or explicitly excluded
    excluded:fever                    explicitly excluded in the report
    sex:female age:30-50 year:2010-2020 lang:zh drug:diltiazem outcome:improved
    hpo:HP:0003761 disease:ORPHA:220402   (the fields are the facet declarations, facets/)
    (a | b) + c                       grouping

Precedence: NOT binds tightest, then `+` (and; plain juxtaposition of fields and groups also means
and), then `|`. A run of plain words between operators is one item ("skin ulcer"): the resolver
first tries the whole run as a vocabulary name, then the longest names within it, and falls back
to full-text search for what is left.

This module is syntax only (no database): `parse_query` returns the tree (syntax.py), and every
syntax error is a `QuerySyntaxError` carrying the character offset where it was found. Which
`name:` prefixes are fields, their aliases and how each value is checked come from the facet
registry (`cases.search.facets.FACETS`), so a new facet needs no change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.search.facets import FACETS
from cases.search.syntax import (
    MAX_NESTING,
    MAX_QUERY_LENGTH,
    And,
    Field,
    Node,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Words,
    check_characters,
    parse_range,
)

__all__ = [
    "And",
    "Field",
    "Node",
    "Not",
    "Or",
    "Query",
    "QuerySyntaxError",
    "Words",
    "parse_field",
    "parse_query",
    "parse_range",
]


# --- Tokens --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # WORD QUOTED FIELD AND OR NOT LPAREN RPAREN
    text: str
    position: int
    value: str = ""  # for FIELD: the raw value


_FIELD_RE = re.compile(r"([A-Za-z]+):")
_SPECIAL = set('+|()"')


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    at_item_start = True  # a '-' here is the NOT prefix, inside a word it is a hyphen
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            at_item_start = True
            continue
        if ch in "+＋":
            tokens.append(Token("AND", ch, i))
            i += 1
            at_item_start = True
            continue
        if ch in "|｜":
            tokens.append(Token("OR", ch, i))
            i += 1
            at_item_start = True
            continue
        if ch in "(（":
            tokens.append(Token("LPAREN", ch, i))
            i += 1
            at_item_start = True
            continue
        if ch in ")）":
            tokens.append(Token("RPAREN", ch, i))
            i += 1
            at_item_start = False
            continue
        if ch in "-－" and at_item_start:
            tokens.append(Token("NOT", ch, i))
            i += 1
            continue
        if ch in '"“”':
            end = i + 1
            while end < n and text[end] not in '"“”':
                end += 1
            if end >= n:
                raise QuerySyntaxError('unterminated quote: add the closing "', i)
            phrase = text[i + 1 : end].strip()
            if not phrase:
                raise QuerySyntaxError("empty quotes", i)
            tokens.append(Token("QUOTED", phrase, i))
            i = end + 1
            at_item_start = False
            continue
        # A word: up to whitespace or an operator character (hyphens inside words are kept)
        start = i
        while i < n and not text[i].isspace() and text[i] not in _SPECIAL and text[i] not in "＋｜（）“”":
            i += 1
        word = text[start:i]
        if word == "NOT":
            tokens.append(Token("NOT", word, start))
        elif word in ("AND", "OR"):
            tokens.append(Token(word, word, start))
        else:
            match = _FIELD_RE.match(word)
            if match and FACETS.get(match.group(1).lower()) is not None:
                value = word[match.end() :]
                if not value and i < n and text[i] in '"“”':
                    # field:"quoted value"
                    end = i + 1
                    while end < n and text[end] not in '"“”':
                        end += 1
                    if end >= n:
                        raise QuerySyntaxError('unterminated quote: add the closing "', i)
                    value = text[i + 1 : end].strip()
                    i = end + 1
                tokens.append(Token("FIELD", match.group(1).lower(), start, value))
            elif match and not re.match(r"^[A-Za-z]+:\d", word):
                # "foo:bar" with an unknown field name (but let ids such as HP:0001 through)
                raise QuerySyntaxError(
                    f"unknown field {match.group(1)!r}; use one of {', '.join(FACETS.fields)}", start
                )
            else:
                tokens.append(Token("WORD", word, start))
        at_item_start = False
    return tokens


# --- Parser --------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0  # open parentheses and NOTs around the current item

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QuerySyntaxError(
                f"nested too deeply: more than {MAX_NESTING} levels of parentheses and NOT", token.position
            )

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def end_position(self) -> int:
        return len(self.text)

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            if token.kind == "RPAREN":
                raise QuerySyntaxError("unbalanced ')': no '(' opens it", token.position)
            raise QuerySyntaxError(f"unexpected {token.text!r}", token.position)
        return node

    def parse_or(self) -> Node:
        first = self.parse_and()
        children = [first]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", "RPAREN"):
                where = nxt.position if nxt else self.end_position()
                raise QuerySyntaxError(f"nothing after {token.text!r}: expected a term", where)
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(first.position, tuple(children))

    def parse_and(self) -> Node:
        first = self.parse_unary()
        children = [first]
        explicit = [False]  # whether a `+` stands before each child
        while (token := self.peek()) is not None and token.kind not in ("OR", "RPAREN"):
            joined = False
            if token.kind == "AND":
                self.take()
                joined = True
                nxt = self.peek()
                if nxt is None or nxt.kind in ("OR", "AND", "RPAREN"):
                    where = nxt.position if nxt else self.end_position()
                    raise QuerySyntaxError(f"nothing after {token.text!r}: expected a term", where)
            children.append(self.parse_unary())
            explicit.append(joined)
        merged = _merge_words(children, explicit)
        return merged[0] if len(merged) == 1 else And(first.position, tuple(merged))

    def parse_unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("expected a term", self.end_position())
        if token.kind == "NOT":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", "RPAREN"):
                where = nxt.position if nxt else self.end_position()
                raise QuerySyntaxError(f"nothing after {token.text!r}: expected what to exclude", where)
            self.enter(token)
            child = self.parse_unary()
            self.depth -= 1
            return Not(token.position, child)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.take()
        if token.kind == "LPAREN":
            if (nxt := self.peek()) is not None and nxt.kind == "RPAREN":
                raise QuerySyntaxError("empty parentheses", token.position)
            if nxt is None:
                raise QuerySyntaxError("unbalanced '(': add the closing ')'", token.position)
            self.enter(token)
            node = self.parse_or()
            self.depth -= 1
            closing = self.peek()
            if closing is None or closing.kind != "RPAREN":
                raise QuerySyntaxError("unbalanced '(': add the closing ')'", token.position)
            self.take()
            return node
        if token.kind == "RPAREN":
            raise QuerySyntaxError("unbalanced ')': no '(' opens it", token.position)
        if token.kind in ("AND", "OR"):
            raise QuerySyntaxError(f"{token.text!r} needs a term before it", token.position)
        if token.kind == "QUOTED":
            return Words(token.position, token.text, quoted=True)
        if token.kind == "FIELD":
            return parse_field(token.text, token.value, token.position)
        return Words(token.position, token.text)


def _merge_words(children: list[Node], explicit: list[bool]) -> list[Node]:
    """Juxtaposed unquoted words form one item: "skin ulcer" is one name, not two; words joined
    by an explicit `+` stay apart."""
    merged: list[Node] = []
    for child, joined in zip(children, explicit, strict=True):
        previous = merged[-1] if merged else None
        if (
            not joined
            and isinstance(child, Words)
            and not child.quoted
            and isinstance(previous, Words)
            and not previous.quoted
        ):
            merged[-1] = Words(previous.position, f"{previous.text} {child.text}")
        else:
            merged.append(child)
    return merged


def parse_field(name: str, value: str, position: int) -> Field:
    """Validate one `name:value` (also used for the separate URL parameters): the facet declared
    under `name` (or an alias of it) checks and normalises the value."""
    facet = FACETS.get(name.lower())
    if facet is None:
        raise QuerySyntaxError(f"unknown field {name!r}; use one of {', '.join(FACETS.fields)}", position)
    value = value.strip()
    if not value:
        raise QuerySyntaxError(f"{facet.name}: needs a value", facet.value_position(position))
    return facet.parse(value, position)


def _positives(node: Node | None, negated: bool = False) -> list[Node]:
    if node is None:
        return []
    if isinstance(node, Not):
        return _positives(node.child, not negated)
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in _positives(child, negated)]
    return [] if negated else [node]


def parse_query(text: str) -> Query:
    """Parse one line of the query language into a tree; raises QuerySyntaxError."""
    if text is None:
        text = ""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query too long (over {MAX_QUERY_LENGTH} characters)", MAX_QUERY_LENGTH)
    check_characters(text)
    tokens = _tokenize(text)
    if not tokens:
        return Query(text=text, root=None)
    root = _Parser(text, tokens).parse()
    return Query(text=text, root=root, positives=tuple(_positives(root)))
