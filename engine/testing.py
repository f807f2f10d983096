"""Test helpers reusable by organisations that edit the rulesets: YAML legal cases and .docx text.

`check_case(case)` returns a list of differences (empty when the case holds); `docx_text(bytes)` reads a
generated document back as normalised text (paragraphs, table rows as `a | b`, headers and footers);
`markets(n)` makes a reproducible mix of plausible markets (tests and bench/).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.law.yamlfile import load_yaml
from engine.market.model import BuyerType, ContractType, Procedure, Segment

_OUTPUT_KEYS = ("allowed", "mode", "recommended_mode", "eligible_modes", "category", "segment", "public")


class _Outputs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allowed: bool | None = None
    mode: str | None = None
    recommended_mode: str | None = None
    eligible_modes: list[str] | None = None
    category: str | None = None
    segment: str | None = None
    public: bool | None = None
    hours: int | None = None


class _Expected(BaseModel):
    """What a legal case expects; an unknown key (a misspelt `fired`, `warnings_contain`…) is refused."""

    model_config = ConfigDict(extra="forbid")
    error: str | None = None
    error_fields: list[str] = []
    fired: list[str] = []
    not_fired: list[str] = []
    outputs: _Outputs | None = None
    obligations_contain: list[str] = []
    warnings_contain: list[str] = []
    recommendations_contain: list[str] = []
    reasons_contain: list[str] = []
    texts_absent: list[str] = []
    references_absent: list[str] = []
    blocks: list[str] = []
    no_blocks: list[str] = []
    lots: dict[str, dict[str, Any]] = {}

    @field_validator("lots")
    @classmethod
    def _lot_keys(cls, v):
        known = {"mode", "allowed", "reasons", "eligible_modes", "recommended_mode", "hours", "segment", "blocks"}
        for number, body in v.items():
            unknown = set(body) - known
            if unknown:
                raise ValueError(f"lot {number} : clé(s) inconnue(s) {sorted(unknown)} (attendu : {sorted(known)})")
        return v


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    input: dict
    expected: _Expected


def load_cases(path: Path) -> list[dict]:
    """Read a YAML file of legal cases, refusing any unknown or missing key with the case's name."""
    cases = load_yaml(path) or []
    if not isinstance(cases, list):
        raise ValueError(f"{path}: une liste de cas est attendue")
    names = set()
    for case in cases:
        name = case.get("name", "?") if isinstance(case, dict) else "?"
        try:
            _Case.model_validate(case)
        except ValidationError as exc:
            where = "; ".join(".".join(str(x) for x in e["loc"]) + " : " + e["msg"] for e in exc.errors())
            raise ValueError(f"{path}: cas « {name} » : {where}") from None
        if name in names:
            raise ValueError(f"{path}: cas « {name} » : nom déjà utilisé dans ce fichier")
        names.add(name)
    return cases


def check_case(case: dict, rulesets=None) -> list[str]:
    """Evaluate a case and compare with its expectations; returns the differences."""
    from engine.errors import EngineError
    from engine.reasoning.evaluate import evaluate

    exp = case["expected"]
    if "error" in exp:
        try:
            evaluate(case["input"], rulesets=rulesets)
        except EngineError as exc:
            if type(exc).__name__ != exp["error"]:
                return [f"erreur attendue {exp['error']}, obtenue {type(exc).__name__} : {exc}"]
            paths = [p.path for p in getattr(exc, "problems", [])]
            return [f"champ en erreur attendu : {f} (obtenus : {paths})" for f in exp.get("error_fields", [])
                    if f not in paths]
        return [f"erreur attendue {exp['error']}, aucune erreur levée"]
    decision = evaluate(case["input"], rulesets=rulesets)
    fired = [s.rule for s in decision.trace]
    diffs = []
    for rule in exp.get("fired", []):
        if rule not in fired:
            diffs.append(f"règle attendue non appliquée : {rule}")
    for rule in exp.get("not_fired", []):
        if rule in fired:
            diffs.append(f"règle appliquée à tort : {rule}")
    outputs = exp.get("outputs", {})
    for key in _OUTPUT_KEYS:
        if key in outputs and getattr(decision, key) != outputs[key]:
            diffs.append(f"{key} : attendu {outputs[key]!r}, obtenu {getattr(decision, key)!r}")
    if "hours" in outputs:
        got = decision.hours.value if decision.hours else None
        if got != outputs["hours"]:
            diffs.append(f"hours : attendu {outputs['hours']!r}, obtenu {got!r}")
    for key, attr in (("obligations_contain", "obligations"), ("warnings_contain", "warnings"),
                      ("recommendations_contain", "recommendations")):
        texts = [s.text for s in getattr(decision, attr)] + [
            s.text for lot in decision.lots for s in getattr(lot, attr, [])
        ]
        texts = [plain(t) for t in texts]
        for needle in exp.get(key, []):
            if not any(plain(needle) in t for t in texts):
                diffs.append(f"{attr} : aucun texte ne contient « {needle} »")
    for needle in exp.get("reasons_contain", []):
        if not any(plain(needle) in plain(r) for r in decision.reasons):
            diffs.append(f"reasons : aucun motif ne contient « {needle} »")
    every = [s.text for attr in ("obligations", "warnings", "recommendations") for s in getattr(decision, attr)]
    every += [s.text for lot in decision.lots for attr in ("obligations", "warnings", "recommendations")
              for s in getattr(lot, attr)] + list(decision.reasons)
    for needle in exp.get("texts_absent", []):
        if any(plain(needle) in plain(t) for t in every):
            diffs.append(f"texte présent à tort : « {needle} »")
    cited = [r for r in decision.references] + [r for s in decision.trace for r in s.references]
    for code in exp.get("references_absent", []):
        found = sorted({f"{r['code']} {r['article']}" for r in cited if r["code"] == code})
        if found:
            diffs.append(f"référence citée à tort ({code}) : {', '.join(found)}")
    for block in exp.get("blocks", []):
        if block not in decision.blocks:
            diffs.append(f"bloc attendu absent : {block}")
    for block in exp.get("no_blocks", []):
        if block in decision.blocks:
            diffs.append(f"bloc présent à tort : {block}")
    for number, lot_exp in (exp.get("lots") or {}).items():
        lot = next((x for x in decision.lots if x.number == str(number)), None)
        if lot is None:
            diffs.append(f"lot {number} absent de la décision")
            continue
        for key, value in lot_exp.items():
            got = (lot.hours.value if lot.hours else None) if key == "hours" else getattr(lot, key)
            if got != value:
                diffs.append(f"lot {number}, {key} : attendu {value!r}, obtenu {got!r}")
    return diffs


def plain(text: str) -> str:
    """Non-breaking spaces as plain spaces, so that expectations can be typed naturally."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def docx_text(data: bytes) -> str:
    """Normalised text of a .docx: header, body (tables as `a | b` rows), footer; blank lines removed."""
    from docx2python import docx2python

    with docx2python(io.BytesIO(data)) as doc:
        parts = []
        for section in (doc.header, doc.body, doc.footer):
            for table in section:
                for row in table:
                    cells = [" ".join(p.strip() for p in cell if p.strip()) for cell in row]
                    cells = [c for c in cells if c]
                    if cells:
                        parts.append(" | ".join(cells) if len(row) > 1 else cells[0])
    return "\n".join(" ".join(line.split()) for line in parts if line.strip())


def docx_comments(data: bytes) -> list[tuple[str, str]]:
    """(anchored text, comment text) of every Word comment."""
    from docx2python import docx2python

    with docx2python(io.BytesIO(data)) as doc:
        return [(c[0], c[3]) for c in doc.comments]


_PRIVATE_PROCEDURES = ("consultation", "gre_a_gre")
_SEGMENTS = list(get_args(Segment))
_PUBLIC_PROCEDURES = [p for p in get_args(Procedure) if p not in _PRIVATE_PROCEDURES]
_BUYERS = [b for b in get_args(BuyerType) if b != "entreprise"]
_CONTRACTS = list(get_args(ContractType))
_RESERVATIONS = [None, None, None, "siae", "ea_esat", "siae_ea_esat", "ess"]
_MODES = [None, "condition_execution", "condition_execution", "critere_attribution", "objet_marche"]


def _market(rng: random.Random) -> dict:
    """One plausible market: every segment, buyer, contract and mode (a quarter without a mode), 2022-2027."""
    private = rng.random() < 0.15
    m = {
        "title": f"Marché {rng.randrange(10_000)}",
        "segment": rng.choice(_SEGMENTS),
        "amount": round(rng.choice([3e4, 9e4, 2.5e5, 5e5, 1.2e6, 6.2e6, 2e7]) * rng.uniform(0.8, 1.2), 2),
        "procedure": rng.choice(_PRIVATE_PROCEDURES if private else _PUBLIC_PROCEDURES),
        "buyer_type": "entreprise" if private else rng.choice(_BUYERS),
        "contract_type": rng.choice(["marche", "accord_cadre"] if private else _CONTRACTS),
        "launch_date": (dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365 - 2))).isoformat(),
    }
    if m["contract_type"] == "marche_subsequent":
        m["framework_amount"] = round(m["amount"] * rng.choice([1, 3, 10]), 2)
    if reserved := rng.choice(_RESERVATIONS):
        m["reserved_for"] = reserved
    if mode := rng.choice(_MODES):
        m["mode"] = mode
    if rng.random() < 0.2:
        m["duration_months"] = rng.randrange(1, 60)
    return m


def markets(n: int, seed: int = 2026) -> list[dict]:
    """`n` plausible markets, the same for the same seed (the bench mix, also used by tests)."""
    rng = random.Random(seed)
    return [_market(rng) for _ in range(n)]
