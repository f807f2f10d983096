"""Rules as data: the YAML schema of a rule and its validation (compiling it is `engine.reasoning.compiled`).

A rule says *when* (tests on the market fact, derived facts that must exist) and *then* (facts it
asserts, modes it admits or excludes, obligations, warnings, clause blocks…). Rules carry their legal
references and validity dates; `epoch_bounds` gives the dates where the law changes.
Derived facts are never negated: durable-rules has no truth maintenance, so a negation on a fact that a
later rule asserts would fire wrongly. Negative tests exist only on market fields.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from engine.errors import RulesetError
from engine.law.parameters import ParameterSet
from engine.law.references import Reference, _first_error
from engine.law.yamlfile import load_yaml

MODES = ("condition_execution", "critere_attribution", "objet_marche")
_IDENT = r"^[a-z][a-z0-9_]*$"
_PLACEHOLDER = re.compile(r"\{([pm]):([a-z0-9_.]+)\}")
Scalar = Union[bool, int, float, str]


class Comparison(BaseModel):
    """A test on one market field: membership or a numeric comparison (number or parameter name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")
    not_in: tuple[Scalar, ...] | None = None
    gte: float | str | None = None
    gt: float | str | None = None
    lt: float | str | None = None
    lte: float | str | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        if not any(v is not None for v in (self.in_, self.not_in, self.gte, self.gt, self.lt, self.lte)):
            raise ValueError("test vide : utilisez in, not_in, gte, gt, lt ou lte")
        return self


class When(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    marche: dict[str, Union[Scalar, list[Scalar], Comparison]] = {}
    faits: tuple[str, ...] = ()


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["condition_execution", "critere_attribution", "objet_marche"]
    rang: int = Field(ge=1, le=100)
    motif: str


class Then(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    faits: tuple[str, ...] = ()
    admet: tuple[Literal["condition_execution", "critere_attribution", "objet_marche"], ...] = ()
    exclut: dict[Literal["condition_execution", "critere_attribution", "objet_marche"], str] = {}
    refuse: tuple[str, ...] = ()
    recommande: tuple[Recommendation, ...] = ()
    obligations: tuple[str, ...] = ()
    avertissements: tuple[str, ...] = ()
    recommandations: tuple[str, ...] = ()
    blocs: tuple[str, ...] = ()

    @field_validator("faits", "blocs")
    @classmethod
    def _idents(cls, v):
        for name in v:
            if not re.match(_IDENT, name):
                raise ValueError(f"nom invalide '{name}' (snake_case ASCII attendu)")
        return v


class Rule(BaseModel):
    """One rule of the ruleset, validated strictly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_IDENT)
    label: str
    family: str | None = Field(default=None, pattern=_IDENT)
    valid_from: dt.date
    valid_until: dt.date | None = None
    references: tuple[str, ...] = Field(min_length=1)
    text: str
    last_reviewed_on: dt.date
    when: When
    then: Then
    file: str = ""

    @model_validator(mode="after")
    def _dates(self):
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise ValueError("valid_until doit être postérieur à valid_from")
        return self

    def applies_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)

    def parameter_names(self) -> set[str]:
        names = set()
        for test in self.when.marche.values():
            if isinstance(test, Comparison):
                for bound in (test.gte, test.gt, test.lt, test.lte):
                    if isinstance(bound, str):
                        names.add(bound)
        for text in self.messages():
            names.update(n for kind, n in _PLACEHOLDER.findall(text) if kind == "p")
        return names

    @cached_property
    def used_parameters(self) -> tuple[str, ...]:
        """`parameter_names()`, sorted, computed once (rules are frozen)."""
        return tuple(sorted(self.parameter_names()))

    @cached_property
    def asserted(self) -> tuple[str, ...]:
        """What firing the rule establishes, as the trace records it (« bloc:x », « mode_admis:y »…)."""
        then = self.then
        out = list(then.faits)
        out += [f"mode_admis:{m}" for m in then.admet]
        out += [f"mode_exclu:{m}" for m in then.exclut]
        out += [f"recommande:{r.mode}" for r in then.recommande]
        out += ["refus"] * bool(then.refuse) + ["obligation"] * len(then.obligations)
        out += ["avertissement"] * len(then.avertissements) + ["recommandation"] * len(then.recommandations)
        out += [f"bloc:{b}" for b in then.blocs]
        return tuple(out)

    def messages(self) -> list[str]:
        t = self.then
        return [
            *t.obligations,
            *t.avertissements,
            *t.recommandations,
            *t.refuse,
            *t.exclut.values(),
            *(r.motif for r in t.recommande),
        ]


def load_rules(folder: Path, root: Path) -> list[Rule]:
    """Load every `rulesets/rules/*.yaml` file (each a list of rules), in file then list order."""
    rules: list[Rule] = []
    for path in sorted(folder.glob("*.yaml")):
        shown = str(path.relative_to(root))
        try:
            raw = load_yaml(path, root)
        except RulesetError as exc:
            raise _located(exc, path, shown) from None
        if not isinstance(raw, list):
            raise RulesetError(shown, None, "le fichier doit contenir une liste de règles")
        for i, body in enumerate(raw):
            rid = body.get("id", f"#{i + 1}") if isinstance(body, dict) else f"#{i + 1}"
            try:
                rules.append(Rule.model_validate({**body, "file": shown}))
            except ValidationError as exc:
                raise RulesetError(shown, f"règle '{rid}'", _first_error(exc)) from None
            except TypeError:
                raise RulesetError(shown, f"règle '{rid}'", "une règle doit être un dictionnaire") from None
    return rules


_RULE_ID = re.compile(r"^-\s+id:\s*['\"]?([^'\"\s#]+)")
_YAML_PROBLEMS = (
    ("tab character", "tabulation dans l'indentation (indentez avec des espaces)"),
    ("cannot start any token", "tabulation ou caractère interdit en début d'élément (indentez avec des espaces)"),
    ("could not determine a constructor", "étiquette YAML non admise (« !!… ») : seules des données simples sont lues"),
    ("clé en double", None),
)


def _located(exc: RulesetError, path: Path, shown: str) -> RulesetError:
    """A YAML syntax error in a rules file, with its line, the rule it falls in and the problem in French."""
    err = getattr(exc, "yaml_error", None)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if mark is None:  # not a syntax error with a position: keep the loader's message
        return exc
    problem = err.problem or err.context or ""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return exc
    rule = None
    for line in text.splitlines()[: mark.line + 1]:
        found = _RULE_ID.match(line)
        if found:
            rule = found.group(1)
    for needle, french in _YAML_PROBLEMS:
        if needle in problem:
            problem = french or problem
            break
    else:
        problem = f"syntaxe invalide ({problem})"
    where = f"règle '{rule}'" if rule else None
    return RulesetError(shown, where, f"YAML invalide ligne {mark.line + 1}, colonne {mark.column + 1} : {problem}")


# A label names what a rule decides; a value written into it (an amount, a rate, a date or a year) goes stale
# when the dated parameter or the rule's validity changes, so labels name the threshold or the event instead
# (« au-delà du seuil européen », « avant l'entrée en vigueur de la loi Climat »). « CCAG 2021 » and
# « décret n° 2022-767 » are names.
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_VALUE_IN_LABEL = re.compile(
    rf"\d[\d\u00a0\u202f ]*(?:[.,]\d+)?\s?(?:€|%|euros?\b)"      # an amount or a rate
    rf"|\b\d{{1,2}}(?:er)?\s(?:{_MONTHS})\b"                      # a date in words
    rf"|\b\d{{4}}-\d{{2}}-\d{{2}}\b"                                     # an ISO date
    rf"|(?<!CCAG )(?<!n° )\b(?:19|20)\d{{2}}\b(?!-\d)",               # a year (not a text's number)
    re.IGNORECASE)


def value_in_label(label: str) -> str | None:
    """The amount, rate, date or year a label spells out, if any."""
    found = _VALUE_IN_LABEL.search(label)
    return found.group(0) if found else None


def check_rules(
    rules: list[Rule],
    references: dict[str, Reference],
    params: ParameterSet,
    fields: dict[str, Any],
) -> None:
    """Cross-checks the loader cannot do alone; raises RulesetError on the first problem found."""
    seen: dict[str, str] = {}
    produced = {f for r in rules for f in r.then.faits}
    for r in rules:
        where = f"règle '{r.id}'"
        if r.id in seen:
            raise RulesetError(r.file, where, f"identifiant déjà utilisé dans {seen[r.id]}")
        seen[r.id] = r.file
        if (value := value_in_label(r.label)) is not None:
            raise RulesetError(r.file, where, f"le libellé écrit une valeur (« {value} ») qui vieillira avec le "
                                              "paramètre ou la date de validité : nommez le seuil ou l'événement")
        for ref in r.references:
            if ref not in references:
                raise RulesetError(r.file, where, f"référence inconnue '{ref}'")
        for name in r.parameter_names():
            if name not in params:
                raise RulesetError(r.file, where, f"paramètre inconnu '{name}'")
        for text in r.messages():
            for kind, name in _PLACEHOLDER.findall(text):
                if kind == "m" and name not in fields:
                    raise RulesetError(r.file, where, f"champ inconnu '{name}' dans un message")
        for fact in r.when.faits:
            if fact not in produced:
                raise RulesetError(r.file, where, f"le fait '{fact}' n'est produit par aucune règle")
        for field, test in r.when.marche.items():
            if field not in fields:
                raise RulesetError(r.file, where, f"champ du marché inconnu '{field}'")
            _check_values(r, field, test, fields[field])


def _check_values(rule: Rule, field: str, test, allowed) -> None:
    """Catch typos in enumerated values (`collectivte`) before they silently never match."""
    if allowed is None:
        return
    if isinstance(test, Comparison):
        values = list(test.in_ or ()) + list(test.not_in or ())
        if any(b is not None for b in (test.gte, test.gt, test.lt, test.lte)):
            raise RulesetError(rule.file, f"règle '{rule.id}'", f"comparaison numérique sur le champ énuméré '{field}'")
    elif isinstance(test, list):
        values = test
    else:
        values = [test]
    for v in values:
        if v not in allowed:
            raise RulesetError(
                rule.file, f"règle '{rule.id}'", f"valeur '{v}' impossible pour '{field}' (attendu : {sorted(map(str, allowed))})"
            )


def epoch_bounds(rules: list[Rule], params: ParameterSet) -> list[dt.date]:
    """Sorted dates where the law changes (a rule or a parameter value starts or ends)."""
    dates = set(params.change_dates())
    for r in rules:
        dates.add(r.valid_from)
        if r.valid_until:
            dates.add(r.valid_until)
    return sorted(dates)
