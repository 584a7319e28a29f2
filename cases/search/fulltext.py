"""Full-text fallback over report text (title and body), in English and Chinese.

Built-in PostgreSQL only: the GIN expression index `cases_report_fts` over
`cases_report_tsv(title, text)` (migration 0004) holds English stems plus Chinese character
bigrams. A Chinese word is looked up as the AND of its bigrams through the index and then checked
as an exact substring, so "钙化" finds the report that contains 钙化 and nothing that merely
contains 钙 and 化 apart.
"""

from __future__ import annotations

import re

from django.db import connection

from vocab.languages import CJK_RUN_RE as _CJK_RUN
from vocab.languages import has_cjk


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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
