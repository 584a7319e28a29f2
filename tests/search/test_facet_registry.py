"""Facets are declared once (cases/search/facets/): a facet registered here, and nowhere else, is
parsed, filtered, counted, linked and offered by the API like the shipped ones."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlparse

import pytest

from cases.models import Case
from cases.search import CaseSearch, QuerySyntaxError, parse_query
from cases.search.facets import FACETS, Column, Single
from cases.search.facets.value import ValueFacet

COUNTRY = ValueFacet(
    name="country",
    aliases=("nation",),
    param=Single(description="Country of the patient"),
    column=Column("country", family="country"),
    title="Country",
    position=90,
    example="country:Japan",
)


@pytest.fixture
def countries(registry) -> dict:
    Case.objects.filter(pk__in=[registry["crest"].pk, registry["dermato"].pk]).update(country="Japan")
    Case.objects.filter(pk=registry["raynaud"].pk).update(country="France")
    with FACETS.registered(COUNTRY):
        yield registry


def _ids(registry: dict, *names: str) -> set[int]:
    return {registry[name].pk for name in names}


def test_a_registered_facet_is_parsed_filtered_and_counted(countries, anonymous):
    root = parse_query("nation:Japan + calcinosis").root
    assert root.children[0].name == "country" and root.children[0].value == "Japan"

    by_query = CaseSearch({"q": "country:Japan"}).execute(user=anonymous)
    assert set(by_query.case_ids) == _ids(countries, "crest", "dermato")
    by_parameter = CaseSearch({"q": "calcinosis | raynaud phenomenon", "country": "France"}).execute(
        user=anonymous
    )
    assert set(by_parameter.case_ids) == _ids(countries, "raynaud")

    counted = CaseSearch({}).execute(user=anonymous).facets["country"]
    assert [(value.key, value.count, value.param) for value in counted] == [
        ("Japan", 2, "country"),
        ("France", 1, "country"),
    ]


def test_a_registered_facet_reaches_the_pages_and_the_api(countries, client):
    html = client.get("/", {"q": "calcinosis"}).content.decode()
    assert 'data-facet="country"' in html and "<h4>Country</h4>" in html
    assert "<code>country:Japan</code>" in html  # the syntax help lists it
    link = re.search(r'<a href="([^"]+)" data-param="country" data-key="Japan">', html).group(1)
    params = dict(parse_qsl(urlparse(link.replace("&amp;", "&")).query))
    assert params == {"q": "calcinosis", "country": "Japan"}
    refined = client.get(link.replace("&amp;", "&")).content.decode()
    assert '<a class="chip"' in refined and "country: Japan" in refined

    body = client.get("/api/cases/", {"country": "Japan"}).json()
    assert body["count"] == 2
    assert {row["value"]: row["count"] for row in body["facets"]["country"]} == {"Japan": 2}


def test_an_unregistered_facet_is_an_unknown_field_again(registry):
    with FACETS.registered(COUNTRY):
        assert parse_query("country:Japan").root.name == "country"
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("country:Japan")
    assert "unknown field 'country'" in caught.value.message
    assert FACETS.get("country") is None


def test_names_are_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        FACETS.register(ValueFacet(name="sex", column=Column("sex", family="sex2")))
    assert [facet.name for facet in FACETS].count("sex") == 1
