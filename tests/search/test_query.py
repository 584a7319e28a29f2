"""The query language parser: structure, precedence and malformed queries with positions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cases.search.query import And, Field, Not, Or, QuerySyntaxError, Words, parse_query


def test_and_or_not_precedence():
    root = parse_query("calcinosis + anti-Scl-70 | raynaud -fever").root
    assert isinstance(root, Or)
    left, right = root.children
    assert isinstance(left, And)
    assert [child.text for child in left.children] == ["calcinosis", "anti-Scl-70"]
    assert isinstance(right, And)
    assert right.children[0] == Words(27, "raynaud")
    assert isinstance(right.children[1], Not)
    assert right.children[1].child.text == "fever"


def test_adjacent_words_form_one_name_and_hyphens_stay_inside_words():
    root = parse_query("skin ulcer + anti-Scl-70").root
    assert [child.text for child in root.children] == ["skin ulcer", "anti-Scl-70"]


def test_not_keyword_quotes_and_groups():
    root = parse_query('NOT "digital ulcer" + (sex:female | sex:male)').root
    assert isinstance(root, And)
    negated, group = root.children
    assert isinstance(negated, Not) and negated.child == Words(4, "digital ulcer", quoted=True)
    assert isinstance(group, Or) and [c.value for c in group.children] == ["female", "male"]


def test_fields_and_ranges():
    root = parse_query("age:30-50 year:2010- lang:ZH hpo:3761 outcome:Improved sex:f").root
    fields = {child.name: child for child in root.children}
    assert (fields["age"].low, fields["age"].high) == (30, 50)
    assert (fields["year"].low, fields["year"].high) == (2010, None)
    assert fields["lang"].value == "zh"
    assert fields["hpo"].value == "HP:0003761"
    assert fields["outcome"].value == "improved"
    assert fields["sex"].value == "female"
    single = parse_query("age:40").root
    assert isinstance(single, Field) and (single.low, single.high) == (40, 40)


def test_chinese_and_full_width_operators():
    root = parse_query("钙质沉着＋抗Scl-70抗体").root
    assert isinstance(root, And)
    assert [c.text for c in root.children] == ["钙质沉着", "抗Scl-70抗体"]


def test_positives_skip_negated_items():
    query = parse_query("a + -b + NOT (c | d) + e")
    assert [node.text for node in query.positives] == ["a", "e"]


def test_empty_query():
    assert parse_query("   ").empty


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("calcinosis +", 12, "nothing after '+'"),
        ("calcinosis + | fever", 13, "nothing after '+'"),
        ("a | | b", 4, "nothing after '|'"),
        ("| a", 0, "needs a term before"),
        ("(calcinosis | fever", 0, "unbalanced '('"),
        ("calcinosis)", 10, "unbalanced ')'"),
        ('fever "digital ulcer', 6, "unterminated quote"),
        ("age:50-30", 4, "reversed"),
        ("age:old", 4, "number or a range"),
        ("sex:xyz", 4, "sex must be"),
        ("outcome:better", 8, "outcome must be"),
        ("year:1700", 5, "year out of range"),
        ("fever + colour:red", 8, "unknown field 'colour'"),
        ("fever NOT", 9, "nothing after 'NOT'"),
        ("()", 0, "empty parentheses"),
        ("drug:", 5, "needs a value"),
    ],
)
def test_malformed_queries_say_what_and_where(text, position, fragment):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert fragment in caught.value.message
    assert caught.value.position == position
    assert isinstance(caught.value, ValueError)


def test_the_parser_needs_no_django_settings():
    """Scripts parse queries without configuring Django: the facet declarations it reads load
    without settings."""
    code = "from cases.search.query import parse_query; print(parse_query('sex:f age:30- hpo:3761').root)"
    without_settings = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=without_settings, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "HP:0003761" in result.stdout and "female" in result.stdout
