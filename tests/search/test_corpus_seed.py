"""The Chinese seed report through the real ingestion service and extractor, then found by the
query language (runs only where ../shared/corpus is present)."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS_DIR

SEED = CORPUS_DIR / "dev" / "crest-calcinosis-zh.txt"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not SEED.exists(), reason=f"{SEED} is not present"),
]


@pytest.mark.parametrize(
    "q", ["calcinosis + anti-Scl-70", "钙质沉着", "钙化", "lang:zh + raynaud phenomenon"]
)
def test_seed_report_is_found(db, anonymous, q):
    from cases.models import Case
    from cases.search import CaseSearch
    from ingest.services import job_run, report_receive

    job = report_receive(data=SEED.read_bytes(), filename=SEED.name, queue=False)
    job_run(job_id=job.pk)
    case_ids = set(Case.objects.filter(report__jobs=job).values_list("id", flat=True))
    assert case_ids, "the seed report produced no case"
    result = CaseSearch({"q": q}).execute(user=anonymous)
    assert case_ids & set(result.case_ids), q
