"""Every exception clausier raises. Messages are French: they reach users through the CLI.

No I/O here, no click: the CLI maps these classes to exit codes (InputError -> 2, the rest -> 1).
"""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base class of clausier's own errors."""


def schema_location(loc: tuple) -> tuple:
    """A pydantic error location without pydantic's validator and literal markers: the path of the key."""
    return tuple(x for x in loc if not (isinstance(x, str) and x.startswith(("function-", "literal["))))


@dataclass(frozen=True)
class FieldProblem:
    """One problem in the market description: where (JSON path) and what is expected."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"champ": self.path, "message": self.message}


class InputError(EngineError):
    """The market description is not valid; `problems` names each field and what is expected."""

    def __init__(self, problems: list[FieldProblem], source: str | None = None):
        self.problems = problems
        self.source = source
        where = f"{source} : " if source else ""
        lines = [f"{p.path} : {p.message}" for p in problems]
        super().__init__(where + "description du marché invalide\n  - " + "\n  - ".join(lines))

    def as_dict(self) -> dict:
        return {
            "erreur": "entree_invalide",
            "source": self.source,
            "problemes": [p.as_dict() for p in self.problems],
        }


class RulesetError(EngineError):
    """A ruleset or parameter file is malformed: names the file, the object and the problem."""

    def __init__(self, path: str, where: str | None, message: str):
        self.path, self.where, self.message = path, where, message
        loc = f"{path}: {where}: " if where else f"{path}: "
        super().__init__(loc + message)


class NoApplicableVersion(EngineError):
    """No value of a dated parameter (or no version of a rule) applies on the requested date."""

    def __init__(self, name: str, on_date, needed_by: str | None = None, *, message: str | None = None):
        self.name, self.on_date, self.needed_by = name, on_date, needed_by
        by = f" (requis par la règle « {needed_by} »)" if needed_by else ""
        super().__init__(message or (
            f"aucune valeur du paramètre « {name} » n'est applicable au {on_date.isoformat()}{by} : "
            "la date de lancement est hors de la période couverte par les règles"
        ))

    @classmethod
    def outside(cls, on_date, covered: tuple, how: str) -> NoApplicableVersion:
        """A date outside the period the rules cover, said as a user reads it: the date, where it came from
        (`how`), the period covered (from the data)."""
        start, end = covered
        period = (f"du {start.isoformat()} au {end.isoformat()}" if end else f"à partir du {start.isoformat()}")
        return cls("launch_date", on_date, message=(
            f"la date retenue ({on_date.isoformat()}, {how}) est hors de la période couverte par les règles "
            f"({period}, période où toutes les valeurs datées nécessaires sont connues) : indiquez une date "
            "de lancement dans cette période, ou une version des règles qui couvre cette date"))

    field = "launch_date"  # the input field at fault, whatever the parameter

    def located(self) -> str:
        """The message prefixed with the field at fault, as input errors are."""
        return f"{self.field} : {self}"

    def as_dict(self) -> dict:
        return {"erreur": "date_non_couverte", "problemes": [{"champ": self.field, "message": str(self)}]}


class EvaluationError(EngineError):
    """The rule engine failed while evaluating a market (a rule action raised)."""


class DocumentError(EngineError):
    """A Word template could not be rendered; carries the template name and the text around the fault."""

    def __init__(self, template: str, message: str, docx_context: str | None = None):
        self.template, self.docx_context = template, docx_context
        ctx = f"\n  contexte : {docx_context}" if docx_context else ""
        super().__init__(f"modèle {template} : {message}{ctx}")


class NotAllowed(EngineError):
    """A document was requested for a mode the law does not allow for this market."""

    def __init__(self, decision):
        self.decision = decision
        reasons = "\n  - ".join(decision.reasons) or "mode non admis"
        eligible = ", ".join(decision.eligible_modes) or "aucun"
        super().__init__(
            f"le mode « {decision.mode} » n'est pas admis pour ce marché :\n  - {reasons}\n"
            f"modes admis : {eligible}"
        )
