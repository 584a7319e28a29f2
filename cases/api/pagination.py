"""Cursor pagination over the ordered id lists the search returns.

The search answers with an ordered list of case ids for (query, ordering), addressed by offset.
A cursor carries the offset of the next page, the id of the last case the client saw and a
fingerprint of the query, signed so that a client cannot forge or edit it:

- opaque: base64 of a signed JSON payload; clients only pass it back;
- validated: a cursor that fails the signature, or belongs to another query/ordering, is a 400;
- stable: when cases are added or removed ahead of the position between two requests, the next
  page is realigned on the last case seen (looked for in a small window around the offset), so a
  client neither skips nor repeats cases; only when that case itself disappeared does the offset
  alone decide.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.core import signing

from cases.api.errors import InvalidCursor

SALT = "cases.api.cursor.v1"
IGNORED_PARAMS = frozenset({"cursor", "limit", "page_size", "format"})


def query_fingerprint(params: Mapping[str, list[str]]) -> str:
    """A short digest of the query parameters that decide the result list (not the page size)."""
    items = sorted((key, sorted(values)) for key, values in params.items() if key not in IGNORED_PARAMS)
    digest = hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class Cursor:
    offset: int
    last_id: int | None
    fingerprint: str
    backwards: bool = False

    def encode(self) -> str:
        payload = {"o": self.offset, "l": self.last_id, "f": self.fingerprint, "b": int(self.backwards)}
        return signing.dumps(payload, salt=SALT, compress=False)

    @classmethod
    def decode(cls, token: str, *, fingerprint: str) -> Cursor:
        try:
            payload = signing.loads(token, salt=SALT)
            cursor = cls(
                offset=int(payload["o"]),
                last_id=None if payload["l"] is None else int(payload["l"]),
                fingerprint=str(payload["f"]),
                backwards=bool(payload.get("b", 0)),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise InvalidCursor() from error
        if cursor.offset < 0:
            raise InvalidCursor()
        if cursor.fingerprint != fingerprint:
            raise InvalidCursor(
                "The cursor belongs to a different query or ordering; start again without it."
            )
        return cursor


def realign(window_ids: list[int], window_offset: int, cursor: Cursor) -> int:
    """The offset where the page after `cursor.last_id` starts, given ids fetched from
    `window_offset` on; the cursor's own offset when that case is not in the window."""
    if cursor.last_id is None or cursor.backwards:
        return cursor.offset
    try:
        return window_offset + window_ids.index(cursor.last_id) + 1
    except ValueError:
        return cursor.offset
