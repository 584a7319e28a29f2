"""The curation workflow in the Django admin: review queue, evidence beside the facts, history.

| module | holds |
|---|---|
| `case.py` | CaseAdmin: the review queue and the review page (form, inlines, transitions) |
| `actions.py` | the queue's bulk actions (assign, transitions, reject, find duplicates) |
| `facts.py` | the fact inlines and read-only fact lists, generated from cases.facts.FACT_KINDS |
| `filters.py` | the queue's filters (assignee, parser version, duplicates, feature) |
| `vocabulary.py` | terms, diseases, agents, analytes: bilingual search and autocomplete |
| `duplicates.py` | probable duplicate pairs: merge or dismiss |
| `history.py` | history shown, never reverted |

Other apps add to the queue without `cases` importing them: ingestion's "re-parse" action comes
from ingest.admin through `CaseAdmin.add_action` (ingest/apps.py).
"""

from __future__ import annotations

from . import duplicates, vocabulary  # noqa: F401  (registers their admins)
from .case import CaseAdmin
from .facts import FACT_INLINES, FactInline, _formset_prefix

__all__ = ["FACT_INLINES", "CaseAdmin", "FactInline", "_formset_prefix"]
