"""Every exception clausier raises, and the stable codes and exit codes that front ends report them with.

Messages are French: they reach users through the CLI (and any other front end). No I/O here, no click:
`ExitCode` and `ERROR_CODES` are the one place where the kinds of failure, their stable codes (the `code`
of a JSON error object) and their exit codes are defined; `PROBLEM_CODES` lists the codes of single
problems (`{champ, code, message}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """The command line's exit codes (documented in README and `clausier --help`)."""

    OK = 0              # done
    REFUSED = 1         # refused: mode not allowed, markets of a batch in error or not allowed
    INVALID_INPUT = 2   # invalid input or usage: the message names the field or option
    FILE_PROBLEM = 3    # output exists without --force, cannot write, input file missing or unreadable
    INVALID_RULES = 4   # invalid rules (--rulesets) or Word templates (--templates)
    INTERNAL = 5        # a bug in clausier


# Stable code of each kind of failure -> (exit code, what it means, in French). Never renamed: programs test them.
ERROR_CODES: dict[str, tuple[ExitCode, str]] = {
    "usage": (ExitCode.INVALID_INPUT, "ligne de commande invalide (option, argument ou commande)"),
    "entree_invalide": (ExitCode.INVALID_INPUT, "description du marché invalide"),
    "date_non_couverte": (ExitCode.INVALID_INPUT, "date de lancement hors de la période couverte par les règles"),
    "plan_invalide": (ExitCode.INVALID_INPUT, "plan d'achats illisible (type de fichier, colonnes du CSV)"),
    "donnees_illisibles": (ExitCode.INVALID_INPUT, "fichier de données essentielles (DECP) ou d'acheteurs illisible"),
    "mode_non_admis": (ExitCode.REFUSED, "le mode demandé n'est pas admis pour ce marché"),
    "marches_sans_document": (ExitCode.REFUSED, "au moins un marché du lot est en erreur ou non admis"),
    "fichier_existant": (ExitCode.FILE_PROBLEM, "le fichier de sortie existe déjà (utilisez --force)"),
    "fichier_introuvable": (ExitCode.FILE_PROBLEM, "fichier ou dossier d'entrée introuvable"),
    "lecture_impossible": (ExitCode.FILE_PROBLEM, "fichier d'entrée illisible (droits, dossier au lieu d'un fichier)"),
    "ecriture_impossible": (ExitCode.FILE_PROBLEM, "écriture impossible (droits, place, dossier absent)"),
    "regles_invalides": (ExitCode.INVALID_RULES, "règles invalides"),
    "modeles_invalides": (ExitCode.INVALID_RULES, "modèles Word invalides"),
    "service_non_installe": (ExitCode.INVALID_INPUT, "le service HTTP demande l'extension web (pip install \".[web]\")"),
    "erreur_interne": (ExitCode.INTERNAL, "erreur interne de clausier (un défaut à signaler)"),
    # reported by cli.py itself, when the package cannot even be imported
    "installation_incomplete": (ExitCode.INTERNAL, "installation incomplète : un module compilé ne se charge pas"),
}

# Stable code of a single problem (`{champ, code, message}`), in input or usage errors.
PROBLEM_CODES: dict[str, str] = {
    "json_invalide": "le fichier n'est pas un JSON lisible (vide, mal formé, encodage, taille, imbrication)",
    "champ_manquant": "champ obligatoire absent",
    "champ_inconnu": "champ qui ne fait pas partie du format",
    "valeur_non_admise": "valeur hors de la liste des valeurs possibles",
    "type_invalide": "valeur d'un autre type que celui attendu (nombre, texte, date, objet, liste)",
    "hors_limites": "nombre, longueur ou nombre d'éléments hors des bornes admises",
    "format_invalide": "texte qui ne respecte pas le format attendu (code CPV, numéro de lot, caractères)",
    "valeur_invalide": "valeur refusée pour une autre raison, expliquée par le message",
    "date_non_couverte": "date hors de la période couverte par les règles",
    "mode_non_admis": "le mode demandé n'est pas admis (un motif par problème)",
    "marche_en_erreur": "un marché d'un lot n'a pas pu être traité (le champ est le marché : fichier ou ligne)",
    "option_inconnue": "option inconnue de la commande",
    "commande_inconnue": "commande inconnue",
    "argument_manquant": "argument ou option obligatoire absent",
    "argument_en_trop": "argument en trop sur la ligne de commande",
    "valeur_option_invalide": "valeur d'option ou d'argument invalide",
}


class EngineError(Exception):
    """Base class of clausier's own errors."""

    code = "erreur_interne"  # the stable code front ends report this kind of failure with (ERROR_CODES)


def schema_location(loc: tuple) -> tuple:
    """A pydantic error location without pydantic's validator and literal markers: the path of the key."""
    return tuple(x for x in loc if not (isinstance(x, str) and x.startswith(("function-", "literal["))))


@dataclass(frozen=True)
class FieldProblem:
    """One problem in the market description: where (JSON path) and what is expected."""

    path: str
    message: str
    code: str = "valeur_invalide"  # a key of PROBLEM_CODES

    def as_dict(self) -> dict[str, str]:
        return {"champ": self.path, "code": self.code, "message": self.message}

    def shown(self) -> str:
        """The problem for a person: the field, then what is wrong (no field for the document as a whole)."""
        return self.message if self.path == WHOLE else f"{self.path} : {self.message}"


WHOLE = "$"  # the path of a problem about the whole document rather than one field (JSON output only)


class InputError(EngineError):
    """The market description is not valid; `problems` names each field and what is expected."""

    code = "entree_invalide"

    def __init__(self, problems: list[FieldProblem], source: str | None = None):
        self.problems = problems
        self.source = source
        where = f"{source} : " if source else ""
        lines = [p.shown() for p in problems]
        super().__init__(where + "description du marché invalide\n  - " + "\n  - ".join(lines))

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "erreur": self.code,  # the key of clausier 0.1, kept for the programs that read it
            "message": "description du marché invalide",
            "source": self.source,
            "problemes": [p.as_dict() for p in self.problems],
        }


class RulesetError(EngineError):
    """A ruleset or parameter file is malformed: names the file, the object and the problem."""

    code = "regles_invalides"

    def __init__(self, path: str, where: str | None, message: str):
        self.path, self.where, self.message = path, where, message
        loc = f"{path} : {where} : " if where else f"{path} : "
        super().__init__(loc + message)


class NoApplicableVersion(EngineError):
    """No value of a dated parameter (or no version of a rule) applies on the requested date."""

    code = "date_non_couverte"

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
        return {"code": self.code, "erreur": self.code, "message": self.located(),
                "problemes": [{"champ": self.field, "code": self.code, "message": str(self)}]}


class EvaluationError(EngineError):
    """The rule engine failed while evaluating a market (a rule action raised)."""


class DocumentError(EngineError):
    """A Word template could not be rendered; carries the template name and the text around the fault."""

    code = "modeles_invalides"

    def __init__(self, template: str, message: str, docx_context: str | None = None):
        self.template, self.docx_context = template, docx_context
        ctx = f"\n  contexte : {docx_context}" if docx_context else ""
        super().__init__(f"modèle {template} : {message}{ctx}")


class NotAllowed(EngineError):
    """A document was requested for a mode the law does not allow for this market."""

    code = "mode_non_admis"

    def __init__(self, decision):
        self.decision = decision
        reasons = "\n  - ".join(decision.reasons) or "mode non admis"
        eligible = ", ".join(decision.eligible_modes) or "aucun"
        super().__init__(
            f"le mode « {decision.mode} » n'est pas admis pour ce marché :\n  - {reasons}\n"
            f"modes admis : {eligible}"
        )
