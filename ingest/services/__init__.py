"""Writes of the ingestion flow: receive reports, run jobs, parse and re-parse reports into cases.

The flow (DESIGN.md): receiving stores the Report (raw bytes exactly as received, SHA-256 content
hash) and an IngestJob in one transaction and queues the job after commit; a worker claims the job,
decodes the report (ingest.readers), runs the extraction pipeline or the phenopacket importer and
writes the cases and their facts in one transaction. The job row is the state of the work: the
broker only carries job ids, so a message delivered twice, or re-queued after a worker died, finds
the row already done and does nothing.

One module per stage; each imports only the ones below it in this table (no import circles), and
none imports ingest.tasks (they queue work by task name, see `dispatch`):

| module                | holds                                                                  |
|-----------------------|------------------------------------------------------------------------|
| `receive`             | bytes in: content hash, duplicates, containers split, jobs created     |
| `jobs`                | claim / run / retry / recover / fail a job; `RunResult`; poison pills  |
| `parse`               | `report_parse`: prepare (no writes) then write reports/cases/facts bulk |
| `reparse`             | `report_reparse`: replace machine facts, keep curators'; the summary;   |
|                       | `cases_reparse`: the review queue's re-parse action (ingest.admin)      |
| `decode`              | a report's bytes -> decoded fields and patients (reader + pipeline)    |
| `phenopacket_import`  | a GA4GH phenopacket -> a patient of the extraction record              |
| `facts`               | a patient -> Case fields and fact rows; what differs between fact      |
|                       | kinds is in their declarations (cases.facts.FACT_KINDS), not here      |
| `vocabulary`          | per-process vocabulary ids (terms, diseases, agents, analytes)         |
| `dispatch`            | job ids -> Celery tasks, by task name                                  |
| `citation`, `errors`  | citation columns; transient errors vs `ParseError`                     |

This package re-exports the functions callers outside it use, so `from ingest.services import
report_receive` keeps working; code inside the package imports the module it needs.
"""

from __future__ import annotations

from .dispatch import jobs_enqueue
from .errors import TRANSIENT_ERRORS, ParseError
from .jobs import MAX_ATTEMPTS, RunResult, job_retry, job_run, jobs_recover, jobs_run
from .parse import report_parse
from .phenopacket_import import IMPORTER_VERSION, phenopacket_patient
from .receive import content_hash, report_receive, reports_receive, reports_receive_many
from .reparse import CaseChanges, ReparseSummary, report_reparse
from .vocabulary import vocabulary_cache_clear

__all__ = [
    "IMPORTER_VERSION",
    "MAX_ATTEMPTS",
    "TRANSIENT_ERRORS",
    "CaseChanges",
    "ParseError",
    "ReparseSummary",
    "RunResult",
    "content_hash",
    "job_retry",
    "job_run",
    "jobs_enqueue",
    "jobs_recover",
    "jobs_run",
    "phenopacket_patient",
    "report_parse",
    "report_receive",
    "report_reparse",
    "reports_receive",
    "reports_receive_many",
    "vocabulary_cache_clear",
]
