"""Issue 14 F3/F4: characters PostgreSQL cannot take and queries nested too deeply are refused with
a 400 that says where, on every surface that takes a query; and (property tests) no text at all,
whatever its characters or nesting, makes the parser or any of those surfaces raise."""

from __future__ import annotations

import json
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.search.query import Query, QuerySyntaxError, parse_query
from cases.search.syntax import MAX_NESTING, MAX_QUERY_LENGTH
from tests.api.conftest import make_full_case

# Every surface that reads a `q` in the query language (HTML and API).
QUERY_SURFACES = [
    "/",
    "/cohort/",
    "/cohort/cases.csv",
    "/api/cases/",
    "/api/cases/export/csv/",
    "/api/cases/export/phenopackets/",
]


def _url(path: str, **params: str) -> str:
    # Built by hand: a lone surrogate has no UTF-8 form, so a client can only send its
    # (invalid) surrogatepass bytes, which is what a hostile client would do.
    query = "&".join(
        f"{name}={quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}" for name, value in params.items()
    )
    return f"{path}?{query}"


# --- the parser ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [("fe\x00ver", 2), ("calcinosis + \x00", 13), ("a\ud800b", 1), ('"skin \x00ulcer"', 6)],
)
def test_unstorable_characters_are_refused_with_their_position(text, position):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert caught.value.position == position
    assert f"U+{ord(text[position]):04X}" in caught.value.message
    assert f"at character {position + 1}" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 240 + "fever" + ")" * 240,
        "-" * 1000 + "fever",
        "NOT " * 400 + "fever",
        "(-" * 300 + "fever" + ")" * 300,
    ],
)
def test_deep_nesting_is_refused_not_a_recursion_error(text):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert "nested too deeply" in caught.value.message


def test_nesting_up_to_the_limit_still_parses():
    assert not parse_query("(" * MAX_NESTING + "fever" + ")" * MAX_NESTING).empty
    assert not parse_query("-" * MAX_NESTING + "fever").empty
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse_query("-" * (MAX_NESTING + 1) + "fever")


def test_query_length_is_capped():
    assert not parse_query("a" * MAX_QUERY_LENGTH).empty
    with pytest.raises(QuerySyntaxError, match="too long"):
        parse_query("a" * (MAX_QUERY_LENGTH + 1))


# Any character at all: NUL, controls, lone surrogates, RTL marks and scripts, full-width operators.
ANY_CHARACTER = st.characters(exclude_categories=())
SPECIAL = st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\u202e", "\u200f", "\x1b", "\x7f", "\ufeff", "（", "）", "－", "＋", "｜"]
)
ATOMS = st.one_of(
    st.text(ANY_CHARACTER, max_size=8),
    st.sampled_from(
        ["fever", "calcinosis", "钙质沉着", "sex:female", "age:30-50", "hpo:HP:0003761", '"a b"']
    ),
    SPECIAL,
)


def _compose(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map(lambda q: f"({q})"),
        children.map(lambda q: f"-{q}"),
        children.map(lambda q: f"NOT {q}"),
        st.tuples(children, st.sampled_from([" + ", " | ", " ", "+", "|", " AND ", " OR "]), children).map(
            "".join
        ),
        children.map(lambda q: f'"{q}'),
        children.map(lambda q: f"({q}"),
    )


QUERIES = st.recursive(ATOMS, _compose, max_leaves=40)
# Deep nests of one construct, far past the limit
DEEP = st.tuples(st.sampled_from(["(", "-", "NOT ", "(-", "－", "（"]), st.integers(0, 400)).map(
    lambda pair: pair[0] * pair[1] + "fever" + (")" * pair[1] if "(" in pair[0] else "")
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(QUERIES, DEEP, st.text(ANY_CHARACTER, max_size=60)))
def test_parser_gives_a_tree_or_a_syntax_error_for_any_text(text):
    try:
        query = parse_query(text)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(text)
    else:
        assert isinstance(query, Query)


# --- every surface -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", QUERY_SURFACES)
def test_nul_in_q_is_a_400_naming_the_position_on_every_surface(client, path):
    make_full_case()
    response = client.get(_url(path, q="fe\x00ver"))
    assert response.status_code == 400
    body = response.content.decode()
    if path.startswith("/api/"):
        error = response.json()["error"]
        assert error["position"] == 2 and "U+0000" in error["message"]
    else:
        assert "U+0000" in body and "character 3" in body


@pytest.mark.django_db
@pytest.mark.parametrize("path", QUERY_SURFACES)
def test_nul_in_a_filter_parameter_is_a_400_naming_the_parameter(client, path):
    response = client.get(_url(path, drug="predni\x00sone"))
    assert response.status_code == 400
    assert "drug" in response.content.decode()
    assert "U+0000" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", QUERY_SURFACES)
@pytest.mark.parametrize("q", ["(" * 240 + "x" + ")" * 240, "-" * 1000 + "fever", "x" * 2001])
def test_deep_or_long_queries_are_a_400_on_every_surface(client, path, q):
    response = client.get(_url(path, q=q))
    assert response.status_code == 400
    assert "nested too deeply" in response.content.decode() or "too long" in response.content.decode()


@pytest.mark.django_db
def test_other_text_surfaces_refuse_nul_cleanly(client):
    make_full_case()
    similar = client.get(_url("/similar/", features="calcinosis", exclude="10.1000/x\x00y"))
    assert similar.status_code == 200 and "10.1000/x" in similar.content.decode()
    api = client.get(_url("/api/cases/1/similar/", exclude_publications="10.1000/x\x00y"))
    assert api.status_code in (400, 404)
    match = client.post(
        "/api/similar/",
        data=json.dumps({"features": [{"id": "HP:0003761"}], "exclude_publications": ["10.1/\u0000"]}),
        content_type="application/json",
    )
    assert match.status_code == 400
    assert client.get(_url("/api/terms/", q="calc\x00")).status_code in (200, 400)
    assert client.get(_url("/search/autocomplete", q="calc\x00")).status_code == 200


SURFACE_TEXT = st.one_of(QUERIES, DEEP, st.text(ANY_CHARACTER, max_size=40))


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=SURFACE_TEXT, path=st.sampled_from([*QUERY_SURFACES, "/api/terms/", "/similar/"]))
def test_every_query_surface_answers_any_text_without_a_server_error(client, text, path):
    from django.core.cache import cache

    cache.clear()  # the examples must not run into the throttles
    name = "features" if path == "/similar/" else "q"
    response = client.get(_url(path, **{name: text}))
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ids=st.lists(st.text(ANY_CHARACTER, max_size=12), max_size=3), exclude=st.lists(SURFACE_TEXT, max_size=2)
)
def test_similar_match_answers_any_text_without_a_server_error(client, ids, exclude):
    from django.core.cache import cache

    cache.clear()
    # ensure_ascii keeps lone surrogates as \\ud800 escapes, as any JSON client may send them
    body = json.dumps(
        {"features": [{"id": i} for i in ids] or [{"id": "HP:0003761"}], "exclude_publications": exclude}
    )
    response = client.post("/api/similar/", data=body, content_type="application/json")
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
