"""`{% fact_kinds as kinds %}`: the fact kinds (cases.facts.FACT_KINDS) for templates that list
every kind, such as the admin's evidence colours and legend."""

from __future__ import annotations

from django import template

from cases.facts import FACT_KINDS, FactKind

register = template.Library()


@register.simple_tag
def fact_kinds() -> list[FactKind]:
    return list(FACT_KINDS)
