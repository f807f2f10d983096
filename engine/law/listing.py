"""The rules as a list a person or a program reads: id, label, validity dates, references and file
(`clausier rules list --format json`, `GET /v1/rules`)."""

from __future__ import annotations

import datetime as dt

from engine.law.knowledge import KnowledgeBase


def rules_listing(kb: KnowledgeBase, on: dt.date | None = None) -> list[dict]:
    """Every rule, or those in force on `on`, in the order of the rulesets."""
    return [{"id": r.id, "label": r.label, "valid_from": r.valid_from.isoformat(),
             "valid_until": r.valid_until.isoformat() if r.valid_until else None,
             "references": [kb.references[x].public_dict() for x in r.references], "file": r.file}
            for r in kb.rules if on is None or r.applies_on(on)]
