"""One visibility rule (cases/visibility.py): the SQL of Case.objects.visible_to and the bitmaps of
the search index must select the same cases, for every kind of user and both settings."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from cases.models import Case
from cases.search.index import SearchIndex
from tests.factories import UserFactory
from tests.search.builders import make_case


@pytest.fixture
def every_state(db) -> dict[str, Case]:
    cases = {
        status: make_case(text=f"A {status} case with calcinosis.", status=status)
        for status in ("machine", "in_review", "curated", "published", "rejected")
    }
    for status in ("machine", "curated"):
        merged = make_case(text=f"A merged {status} duplicate.", status=status)
        Case.objects.filter(pk=merged.pk).update(merged_into=cases["published"])
        cases[f"merged {status}"] = merged
    return cases


def _users() -> dict[str, object]:
    curators, _ = Group.objects.get_or_create(name="curators")
    curator = UserFactory(username="curating")
    curator.groups.add(curators)
    staff_curator = UserFactory(username="curating-staff", is_staff=True)
    staff_curator.groups.add(curators)
    return {
        "nobody": None,
        "anonymous": AnonymousUser(),
        "user": UserFactory(username="reader"),
        "curator": curator,
        "staff curator": staff_curator,
        "staff": UserFactory(username="staffer", is_staff=True),
    }


@pytest.mark.parametrize("curated_only", [False, True])
def test_queryset_and_index_agree(every_state, settings, curated_only):
    settings.PUBLIC_CURATED_ONLY = curated_only
    index = SearchIndex(database="test")
    index.build()
    public = {"curated", "published"} if curated_only else {"machine", "in_review", "curated", "published"}
    for name, user in _users().items():
        in_sql = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        assert in_sql == set(index.visible(user)), name
        expected = set(every_state) if getattr(user, "is_staff", False) else public
        assert in_sql == {every_state[state].pk for state in expected}, name
