"""Full-text fallback over report text (title and body), in English and Chinese.

Built-in PostgreSQL only: the GIN expression index `cases_report_fts` over
`cases_report_tsv(title, text)` (migration 0004) holds English stems plus Chinese character
bigrams. A Chinese word is looked up as the AND of its bigrams through the index and then checked
as an exact substring, so "钙化" finds the report that contains 钙化 and nothing that merely
contains 钙 and 化 apart.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import OperationalError, connection, transaction

from vocab.languages import CJK_RUN_RE as _CJK_RUN
from vocab.languages import has_cjk


class FullTextTooSlow(Exception):
    """The full-text search ran past FULLTEXT_TIMEOUT_MS and was cancelled by the database."""

    def __init__(self, text: str, milliseconds: int) -> None:
        super().__init__(f"full-text search for {text!r} took longer than {milliseconds} ms")
        self.text = text
        self.milliseconds = milliseconds


def _bigram_tsquery(run: str) -> str | None:
    grams = sorted({run[i : i + 2] for i in range(len(run) - 1)})
    if not grams:
        return None
    return " & ".join("'" + gram.replace("'", "''") + "'" for gram in grams)


def fulltext_case_ids(text: str, *, phrase: bool = False) -> list[int]:
    """Ids of cases whose report contains `text` (words stemmed in English; Chinese exactly)."""
    text = text.strip()
    if not text:
        return []
    conditions: list[str] = []
    params: list[object] = []
    latin = _CJK_RUN.sub(" ", text).strip()
    if latin and re.search(r"\w", latin):
        function = "phraseto_tsquery" if phrase else "plainto_tsquery"
        conditions.append(f"cases_report_tsv(r.title, r.text) @@ {function}('english'::regconfig, %s)")
        params.append(latin)
    if has_cjk(text):
        for run in _CJK_RUN.findall(text):
            tsquery = _bigram_tsquery(run)
            if tsquery:
                conditions.append("cases_report_tsv(r.title, r.text) @@ %s::tsquery")
                params.append(tsquery)
            conditions.append("strpos(r.title || ' ' || r.text, %s) > 0")
            params.append(run)
    if not conditions:
        return []
    sql = (
        "SELECT c.id FROM cases_case c JOIN cases_report r ON r.id = c.report_id WHERE "  # noqa: S608
        + " AND ".join(conditions)
    )
    # Words no vocabulary knows can match most reports (1.5-1.9 s at a million cases); the index
    # lock is held meanwhile, so bound the statement and say so rather than stall every search.
    milliseconds = int(getattr(settings, "FULLTEXT_TIMEOUT_MS", 0) or 0)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if milliseconds:
                cursor.execute("SHOW statement_timeout")
                previous = cursor.fetchone()[0]
                cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
            if milliseconds:  # SET LOCAL would last to the end of an enclosing transaction
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return ids
    except OperationalError as error:
        if milliseconds and getattr(getattr(error, "__cause__", None), "sqlstate", None) == "57014":
            raise FullTextTooSlow(text, milliseconds) from error
        raise
