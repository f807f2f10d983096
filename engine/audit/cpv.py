"""CPV 2008 validity for the audit: the code exists in the nomenclature and its check digit, when given, is
the official one. The nomenclature is the rulesets' own (`rulesets/cpv-2008.csv`, loaded and checked by
`engine.law.cpv` with the rest of the knowledge base), so the audit and the engine agree on every code.
"""

from __future__ import annotations

from engine.law.knowledge import knowledge


def valid(code8: str, check: str | None, rulesets=None) -> bool:
    return knowledge(rulesets).cpv.problem(code8 if check is None else f"{code8}-{check}") is None
