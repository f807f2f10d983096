"""The contract between Python and the rulesets: every parameter, block, fact, content list and wording that
Python reads by name is declared once, in `rulesets/index.yaml` (section `engine`), and checked when the rules
load. Renaming or deleting one of them in the YAML fails the load (so `clausier rules check`) with its name,
never a silent change in decisions or documents.

Python code reads the names through `kb.names` (for example `kb.names.parameters.penalty_per_hour`), never
as literals. The roles (Python-side attribute names) are fixed here; their values are the YAML's.
"""

from __future__ import annotations

import string
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.errors import RulesetError
from engine.law.references import _first_error
from engine.law.yamlfile import load_yaml


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameters(_Section):
    """Dated parameters read outside rule conditions."""

    sss_codes: str            # the CPV codes of social and specific services (a file named by the parameter)
    ess_reservable_codes: str  # the CPV codes a contract reserved to ESS companies may cover
    insertion_codes: str      # the CPV codes designating the insertion service itself
    hours_minimum: str
    criterion_weight: str     # default weight of the insertion criterion
    penalty_per_hour: str     # practice value shown as guidance beside the penalty blank
    reservation_share: str    # minimum share of workers of a reserved contract's beneficiaries
    ess_max_duration: str     # maximum duration of an ESS-reserved contract


class ParameterFamilies(_Section):
    """Parameters read per segment: `<family>.<segment>` must exist for every segment of the vocabulary."""

    labour_share: str
    insertion_rate: str
    hourly_cost: str


class ProcedureFamilies(_Section):
    """Parameters read per procedure (clausier audit): `<family>.<procedure>`, with `<family>.concession` and
    `<family>.inconnue` (a procedure the published data does not name) required."""

    launch_lag: str           # practice lag between the launch of a consultation and the notification


class Blocks(_Section):
    """Clause blocks whose presence changes what Python puts in the template context."""

    sme_share: str
    oeth: str
    ranked_criteria: str
    environment_line: str
    reservation: str
    ess_reservation: str
    ccag: str                 # the clause activates the insertion clause of a CCAG 2021
    hours: str                # the clause commits to insertion hours
    mandatory_reminder: str   # a criterion lot above the EU threshold still owes the social execution condition
    public_service_quality: str  # a conceded public service: « qualité du service rendu aux usagers » criterion


class Facts(_Section):
    hours_clause: str         # asserted when the clause is expressed in hours


class Contents(_Section):
    purpose_criteria: str     # criteria of an insertion-purpose contract (contenus.yaml)
    counting: str             # what counts as an insertion hour (its sources go to the annex)
    personal_data: str        # personal data of the clause, a practice model (its sources go to the annex)
    conceded_service_criteria: str  # criteria rows of a conceded public service


class References(_Section):
    """References Python cites itself (in the documents' comments and annex)."""

    ccag_choice: str          # the practice of choosing the CCAG from the purchase


class Wordings(_Section):
    """Sentences the engine writes itself (not the conclusion of a rule), in `formulations.yaml`."""

    date_overrides_option: str
    practice_hours: str
    practice_hours_unverified: str
    practice_hours_none_verified: str
    unverified_reference: str
    unverified_value: str
    no_rule_admits_mode: str
    no_mode_admitted: str
    hours_formula: str
    hours_formula_lots: str


class EngineNames(_Section):
    parameters: Parameters
    parameter_families: ParameterFamilies
    procedure_families: ProcedureFamilies
    blocks: Blocks
    facts: Facts
    contents: Contents
    wordings: Wordings
    references: References


class Wording(BaseModel):
    """A sentence with `{placeholders}`; `variables` lists those Python fills (checked against the text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    texte: str
    variables: tuple[str, ...] = ()

    def fill(self, **values) -> str:
        return self.texte.format(**values)


def load_wordings(path: Path, root: Path) -> dict[str, Wording]:
    shown = str(path.relative_to(root))
    out = {}
    for name, body in (load_yaml(path, root) or {}).items():
        try:
            wording = Wording.model_validate(body)
        except ValidationError as exc:
            raise RulesetError(shown, name, _first_error(exc)) from None
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(wording.texte) if f is not None}
        except ValueError as exc:
            raise RulesetError(shown, name, f"accolades mal formées dans le texte ({exc})") from None
        if used != set(wording.variables):
            raise RulesetError(shown, name, f"le texte utilise {sorted(used)}, « variables » déclare "
                                            f"{sorted(wording.variables)} : les deux doivent concorder")
        out[name] = wording
    return out


def parse_names(raw) -> EngineNames:
    try:
        return EngineNames.model_validate(raw)
    except ValidationError as exc:
        raise RulesetError("index.yaml", "engine", _first_error(exc)) from None


def check_names(names: EngineNames, *, parameters, segments, blocks, facts, contents, wordings,
                references) -> None:
    """Every declared name exists in the data it names; the message gives the role and the name."""

    def missing(section: str, role: str, name: str, where: str) -> RulesetError:
        return RulesetError("index.yaml", f"engine.{section}.{role}",
                            f"« {name} » introuvable dans {where} : le moteur lit ce nom ; renommez-le aussi ici")

    for role, name in names.parameters:
        if name not in parameters:
            raise missing("parameters", role, name, "parameters/")
    for role, family in names.parameter_families:
        for segment in segments:
            if f"{family}.{segment}" not in parameters:
                raise missing("parameter_families", role, f"{family}.{segment}", "parameters/")
    for role, family in names.procedure_families:
        for key in ("concession", "inconnue"):
            if f"{family}.{key}" not in parameters:
                raise missing("procedure_families", role, f"{family}.{key}", "parameters/")
    for section, declared, known, where in (
        ("blocks", names.blocks, blocks, "les blocs des règles (then.blocs)"),
        ("facts", names.facts, facts, "les faits des règles (then.faits)"),
        ("contents", names.contents, contents, "contenus.yaml"),
        ("wordings", names.wordings, wordings, "formulations.yaml"),
        ("references", names.references, references, "references.yaml"),
    ):
        for role, name in declared:
            if name not in known:
                raise missing(section, role, name, where)
