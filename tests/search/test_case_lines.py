"""Result cards and case pages show one line per finding with its number of mentions, readable
series and dose changes, an onset only where the report states it, the report's title as the
heading, and never the case in its own similar list."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlparse

from cases.models import Diagnosis, Disease, Outcome, PhenotypicFeature, Term
from cases.summaries import case_summaries
from tests.search.builders import make_case

TEXT = (
    "In 2015 a 50-year-old woman developed a skin ulcer on the leg. The skin ulcer grew, and a "
    "second skin ulcer appeared. Calcinosis was seen on X-ray. Prednisone 30 mg daily was given, "
    "reduced to 15 mg, then increased to 30 mg. The ulcer measured 5 cm, then 4 cm, then 2.5 cm, "
    "and healed. Diagnosis: CREST syndrome."
)


EVIDENCE = {"start": 1, "end": 2, "text": "n"}


def _repeated_case():
    """A machine-extracted case whose skin ulcer was recorded twice (three mentions in all), with
    a measured series, dose changes, and an onset carried onto a finding whose text gives none."""
    case = make_case(
        text=TEXT,
        features=[("HP:0200042", "skin ulcer"), ("HP:0003761", "Calcinosis")],
        diagnoses=[("ORPHA:220402", "CREST syndrome")],
        treatments=[
            (
                "prednisone",
                "Prednisone 30 mg daily",
                {
                    "dose": 30,
                    "dose_unit": "mg",
                    "dose_changes": [
                        {"change": "decreased", "dose": 15.0, "unit": "mg", "evidence": EVIDENCE},
                        {"change": "increased", "dose": 30.0, "unit": "mg", "evidence": EVIDENCE},
                    ],
                },
            )
        ],
        outcomes=[("skin ulcer", "improved", "grew"), ("skin ulcer", "resolved", "healed")],
        title="Calcinosis and ulcers in CREST syndrome",
        year=2021,
    )
    first = TEXT.index("skin ulcer")
    second = TEXT.index("skin ulcer", first + 1)
    third = TEXT.index("skin ulcer", second + 1)
    ulcer = case.phenotypicfeatures.get(term__hpo_id="HP:0200042")
    ulcer.mentions = [[first, first + 10], [second, second + 10]]
    ulcer.onset = "2015"  # stated just before the finding
    ulcer.save()
    PhenotypicFeature.objects.create(  # the parser's second record of the same finding
        case=case,
        term=Term.objects.get(hpo_id="HP:0200042"),
        evidence_start=third,
        evidence_end=third + 10,
        evidence_text="skin ulcer",
    )
    case.phenotypicfeatures.filter(term__hpo_id="HP:0003761").update(onset="2021")  # not in the text
    Diagnosis.objects.create(case=case, disease=Disease.objects.get(code="ORPHA:220402"))
    size = TEXT.index("5 cm")
    Outcome.objects.filter(case=case, direction="resolved").update(
        series=[
            {"value": 5.0, "unit": "cm", "evidence": {"start": size, "end": size + 1, "text": "5"}},
            {"value": 4.0, "unit": "cm", "evidence": {"start": size + 10, "end": size + 11, "text": "4"}},
            {"value": 2.5, "unit": "cm", "evidence": {"start": size + 21, "end": size + 24, "text": "2.5"}},
        ]
    )
    return case


def test_summary_one_line_per_finding_with_mentions(db, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    case = _repeated_case()
    (summary,) = case_summaries(case_ids=[case.pk], user=AnonymousUser())
    ulcers = [f for f in summary.features if f.hpo_id == "HP:0200042"]
    assert len(ulcers) == 1 and ulcers[0].mentions == 3
    assert len(summary.diagnosis_labels) == 1  # recorded twice, shown once
    # One outcome per finding: the last stated
    assert [(o.about, o.direction) for o in summary.outcome_items] == [("skin ulcer", "resolved")]
    assert summary.heading == "Calcinosis and ulcers in CREST syndrome"


def test_result_card_heading_and_no_repeats(client, db):
    case = _repeated_case()
    page = client.get("/", {"q": "skin ulcer"}).content.decode()
    card = re.search(rf'<article class="case-row" data-case-id="{case.pk}">(.*?)</article>', page, re.S)
    card = card.group(1)
    assert re.search(r"<h3><a [^>]+>Calcinosis and ulcers in CREST syndrome</a></h3>", card)
    line = re.sub(r"<[^>]+>", "", re.search(r'<p class="line">(.*?)</p>', card, re.S).group(1))
    assert line.count("Skin ulcer") == 1 and "×3" in line
    assert "resolved" in line and "improved" not in line


def test_case_page_lines_series_dose_changes_onset_and_similar(client, db):
    case = _repeated_case()
    other = make_case(
        text="A woman with a skin ulcer and calcinosis.",
        features=[("HP:0200042", "skin ulcer"), ("HP:0003761", "calcinosis")],
    )
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<h1 id="case-title">Calcinosis and ulcers in CREST syndrome</h1>' in page
    features = re.search(r'<section id="features">(.*?)</section>', page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", features, re.S)
    assert sum("Skin ulcer" in item for item in items) == 1
    ulcer = next(item for item in items if "Skin ulcer" in item)
    assert "×3" in ulcer and "onset 2015" in ulcer
    calcinosis = next(item for item in items if "Calcinosis" in item)
    assert "onset" not in calcinosis  # "2021" is nowhere in the report
    # Readable series and dose changes, never a Python dict
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "5 cm → 4 cm → 2.5 cm" in text
    assert "decreased to 15 mg; increased to 30 mg" in text
    assert "{'" not in text and "'evidence'" not in text and '"start"' not in text
    # Every mention of the finding is highlighted, under one anchor
    ulcer_anchor = re.search(r'href="#(ev-f\d+)" data-anchor', ulcer).group(1)
    assert len(re.findall(rf'<mark class="evidence" data-facts="[^"]*{ulcer_anchor}', page)) == 3
    assert page.count(f'id="{ulcer_anchor}"') == 1
    # The similar list never holds the case itself; "Edit these features" names each term once
    similar = re.search(r'<ol class="similar-list" id="similar-list">(.*?)</ol>', page, re.S).group(1)
    listed = [int(i) for i in re.findall(r'<li data-case-id="(\d+)">', similar)]
    assert case.pk not in listed and other.pk in listed
    edit = html_lib.unescape(re.search(r'<a href="([^"]+)" id="edit-features"', page).group(1))
    features_param = parse_qs(urlparse(edit).query)["features"][0]
    assert features_param == "HP:0200042, HP:0003761"


def test_ingested_facts_keep_their_mentions(db):
    from cases.models import Case
    from ingest.services.facts import build_facts
    from ingest.services.vocabulary import vocabulary_ids
    from tests.search.builders import make_report

    report = make_report(text=TEXT, language="en")
    case = Case.objects.create(report=report)
    first = TEXT.index("skin ulcer")
    second = TEXT.index("skin ulcer", first + 1)
    patient = {
        "features": [
            {
                "code": "HP:0200042",
                "label": "Skin ulcer",
                "evidence": {"start": first, "end": first + 10, "text": "skin ulcer"},
                "mentions": [
                    {"start": first, "end": first + 10, "text": "skin ulcer"},
                    {"start": second, "end": second + 10, "text": "skin ulcer"},
                    {"start": 10_000, "end": 10_010, "text": "beyond the text"},
                ],
            }
        ],
        "outcomes": [{"about": "skin ulcer", "direction": "improved", "after_treatment": "Prednisone"}],
    }
    vocabulary_ids.ensure()
    facts = build_facts(case, patient, provenance="machine", parser_version="t", text_length=len(TEXT))
    (feature,) = facts[PhenotypicFeature]
    assert feature.mentions == [[first, first + 10], [second, second + 10]]
    (outcome,) = facts[Outcome]
    assert outcome.after_treatment == "prednisone"
