"""Cases with facts and evidence for the search tests, built through the models and the search
column service (no extractor, no corpus needed)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from types import SimpleNamespace

import numpy as np
from pyroaring import BitMap

from cases.models import (
    Agent,
    Case,
    Diagnosis,
    Disease,
    Measurement,
    Outcome,
    PhenotypicFeature,
    Report,
    Term,
    Treatment,
)
from cases.search.semantic import Ontology, Profile, excluded_closure
from cases.services import case_refresh_search_columns

CREST_ZH = (
    "病例资料 患者女，40岁，因全身多处钙化灶15年、右髂部破溃1年入院。"
    "1994年因发热、面部皮疹，双手遇冷变白、变紫（雷诺现象）就诊。"
    "查体：双手指端硬化。实验室检查：抗Scl-70抗体阳性，IgG 18.2 g/L 升高，ANA阴性。"
    "给予地尔硫䓬30 mg口服，每日3次，治疗3个月后破溃愈合，钙化灶缩小。"
    "诊断：CREST综合征。否认高血压病史。"
)


def _span(text: str, snippet: str, after: int = 0) -> tuple[int, int, str]:
    start = text.index(snippet, after)
    return start, start + len(snippet), snippet


def make_report(
    *, text: str, language: str, title: str = "", year: int | None = 2020, pmid: str = "", doi: str = ""
) -> Report:
    raw = text.encode("utf-8")
    return Report.objects.create(
        raw=raw,
        content_hash=hashlib.sha256(raw + title.encode()).hexdigest(),
        format="text",
        encoding="utf-8",
        text=text,
        language=language,
        title=title,
        year=year,
        pmid=pmid,
        doi=doi,
        parse_status=Report.ParseStatus.PARSED,
    )


def make_case(
    *,
    text: str,
    language: str = "en",
    features: list[tuple[str, str | None]] = (),  # (hpo id, evidence snippet)
    excluded: list[tuple[str, str | None]] = (),
    diagnoses: list[tuple[str, str | None]] = (),  # (disease code, snippet)
    treatments: list[tuple[str, str | None, dict]] = (),  # (agent name, snippet, extra fields)
    outcomes: list[tuple[str, str, str | None]] = (),  # (about, direction, snippet)
    measurements: list[tuple[str, str, str | None, dict]] = (),  # (analyte, interpretation, snippet, extra)
    sex: str = "female",
    age: float | None = 40,
    status: str = Case.Status.MACHINE,
    year: int | None = 2020,
    title: str = "",
    pmid: str = "",
    doi: str = "",
) -> Case:
    report = make_report(
        text=text, language=language, title=title or text[:40], year=year, pmid=pmid, doi=doi
    )
    case = Case.objects.create(report=report, sex=sex, age_years=age, status=status)

    def evidence(snippet: str | None) -> dict:
        if not snippet:
            return {}
        start, end, found = _span(text, snippet)
        return {"evidence_start": start, "evidence_end": end, "evidence_text": found}

    for hpo_id, snippet in features:
        PhenotypicFeature.objects.create(case=case, term=Term.objects.get(hpo_id=hpo_id), **evidence(snippet))
    for hpo_id, snippet in excluded:
        PhenotypicFeature.objects.create(
            case=case, term=Term.objects.get(hpo_id=hpo_id), excluded=True, **evidence(snippet)
        )
    for code, snippet in diagnoses:
        Diagnosis.objects.create(case=case, disease=Disease.objects.get(code=code), **evidence(snippet))
    for name, snippet, extra in treatments:
        agent = Agent.objects.get(name=name)
        Treatment.objects.create(case=case, agent=agent, agent_name=name, **extra, **evidence(snippet))
    for about, direction, snippet in outcomes:
        Outcome.objects.create(case=case, about=about, direction=direction, **evidence(snippet))
    for analyte, interpretation, snippet, extra in measurements:
        Measurement.objects.create(
            case=case, analyte=analyte, interpretation=interpretation, **extra, **evidence(snippet)
        )
    case_refresh_search_columns(case=case)
    case.refresh_from_db()
    return case


def make_crest_zh(**overrides) -> Case:
    """A Chinese CREST-like case: calcinosis, Raynaud, sclerodactyly, anti-Scl-70, diltiazem."""
    values = dict(
        text=CREST_ZH,
        language="zh",
        title="CREST综合征伴严重钙质沉着1例",
        year=2016,
        pmid="27000001",
        doi="10.1000/crest.2016.1",
        features=[
            ("HP:0003761", "钙化灶"),
            ("HP:0030880", "雷诺现象"),
            ("HP:0011838", "指端硬化"),
            ("HP:0030859", "抗Scl-70抗体阳性"),
            ("HP:0001945", "发热"),
            ("HP:0200042", "破溃"),
        ],
        excluded=[("HP:0000822", "否认高血压"), ("HP:0003493", "ANA阴性")],
        diagnoses=[("ORPHA:220402", "CREST综合征")],
        treatments=[
            (
                "diltiazem",
                "地尔硫䓬30 mg口服，每日3次",
                {
                    "dose": 30,
                    "dose_unit": "mg",
                    "route": "oral",
                    "frequency": "three times daily",
                    "duration": "3 months",
                },
            )
        ],
        outcomes=[("skin ulcer", "improved", "破溃愈合"), ("calcinosis", "improved", "钙化灶缩小")],
        measurements=[("IgG", "high", "IgG 18.2 g/L 升高", {"value": 18.2, "unit": "g/L"})],
    )
    values.update(overrides)
    return make_case(**values)


def toy_phenotype_index(ontology: Ontology, cases: dict[int, Profile]) -> SimpleNamespace:
    """The parts of the search index similar cases read (term and excluded bitmaps, excluded
    closure, IC sums per case), built from profiles without a database, for ranking tests."""
    term, excluded = defaultdict(BitMap), defaultdict(BitMap)
    size = max(cases) + 1
    observed_ic, mentioned_ic = np.zeros(size), np.zeros(size)
    for case_id, profile in cases.items():
        closure = ontology.closure(profile.present)
        for t in closure:
            term[t].add(case_id)
        for t in profile.excluded:
            excluded[t].add(case_id)
        observed_ic[case_id] = sum(ontology.ic[t] for t in closure)
        mentioned_ic[case_id] = sum(ontology.ic[t] for t in closure | ontology.closure(profile.excluded))
    return SimpleNamespace(
        term=term,
        excluded=excluded,
        excluded_closure=excluded_closure(ontology, excluded),
        observed_ic=observed_ic,
        mentioned_ic=mentioned_ic,
    )
