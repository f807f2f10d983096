"""How the command line fails: stable codes and exit codes (engine.errors), French messages, JSON error objects.

Every failure is a `CliError` carrying a code of `engine.errors.ERROR_CODES` (which fixes its exit code), a
French message and, per problem, `{champ, code, message}`. A person reads « Erreur : … » on stderr; a
program that asked for JSON (`--format json`, or `evaluate`'s default) reads one JSON object on stderr.
"""

from __future__ import annotations

import json

import click

from engine.errors import ERROR_CODES, WHOLE, ExitCode

REPORT_BUG = ("C'est un défaut de clausier, pas une erreur de votre part : relancez la même commande avec "
              "--debug et transmettez la trace obtenue, la commande et le fichier du marché à l'équipe qui "
              "maintient clausier.")


class CliError(click.ClickException):
    """A failure with a stable code, a French message and the problems found (each `{champ, code, message}`)."""

    def __init__(self, code: str, message: str, problems: list[dict] | None = None, *, source: str | None = None,
                 details: list[str] | None = None, hints: list[str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.code = code
        self.exit_code = int(ERROR_CODES[code][0])
        self.problems = problems if problems is not None else []
        self.source = source
        self.details = details or []  # lines for a person before the message (the markets of a batch that failed…)
        self.hints = hints or []  # lines for a person after it (usage, where to find help)
        self.extra = extra or {}  # more members of the JSON object (the admitted modes of a refusal…)

    def payload(self) -> dict:
        # the message's first line: the problems, one by one, follow as data
        out = {"code": self.code, "erreur": self.code, "message": self.message.split("\n")[0].rstrip(" :"),
               "code_sortie": self.exit_code}
        if self.source is not None:
            out["source"] = self.source
        out.update(self.extra)
        out["problemes"] = self.problems
        return out

    def show_to(self, as_json: bool) -> None:
        if as_json:
            click.echo(json.dumps(self.payload(), ensure_ascii=False, indent=2), err=True)
            return
        for line in self.details:
            click.echo(line, err=True)
        click.echo(f"Erreur : {self.message}", err=True)
        for line in self.hints:
            click.echo(line, err=True)

    def show(self, file=None):  # click's own handler (never reached through ClausierGroup.main)
        self.show_to(False)


def problem(champ: str | None, code: str, message: str) -> dict:
    return {"champ": champ, "code": code, "message": message}


def file_error(code: str, path, message: str, champ: str | None = None) -> CliError:
    """A file problem (exit 3): `path` and what happened, e.g. « clause.docx : existe déjà … »."""
    return CliError(code, f"{path} : {message}", [problem(champ, code, message)], source=str(path))


def _not_allowed(exc, rulesets) -> CliError:
    """A refused mode, in the buyer's words: the mode and the admitted modes by their French labels."""
    from engine.reasoning.explain import refusal

    reasons = exc.decision.reasons or ["mode non admis"]
    return CliError("mode_non_admis", refusal(exc.decision, rulesets),
                    [problem("mode", "mode_non_admis", r) for r in reasons],
                    extra={"mode": exc.decision.mode, "modes_admis": exc.decision.eligible_modes})


def engine_call(fn, *args, rulesets=None, **kwargs):
    """Run an engine function, turning its errors into CliErrors with their stable codes and French messages.

    `rulesets` is passed on to `fn` when given. The engine's exception stays attached as the cause: the
    entry point prints its traceback with --debug, and the exit code is the same with or without --debug.
    """
    from engine.batch import BatchInputError
    from engine.errors import (
        DocumentError,
        EngineError,
        InputError,
        NoApplicableVersion,
        NotAllowed,
        RulesetError,
    )

    if rulesets is not None:
        kwargs["rulesets"] = rulesets
    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        raise CliError(exc.code, str(exc), [p.as_dict() for p in exc.problems], source=exc.source) from exc
    except NoApplicableVersion as exc:
        raise CliError(exc.code, exc.located(), exc.as_dict()["problemes"]) from exc
    except NotAllowed as exc:
        raise _not_allowed(exc, rulesets) from exc
    except (RulesetError, DocumentError) as exc:
        raise CliError(exc.code, str(exc), [problem(None, exc.code, str(exc))]) from exc
    except BatchInputError as exc:
        raise CliError(exc.code, str(exc), [problem(None, exc.code, str(exc))]) from exc
    except EngineError as exc:  # EvaluationError: a rule action failed
        raise CliError("erreur_interne", f"{exc}\n{REPORT_BUG}", [problem(None, "erreur_interne", str(exc))]) from exc


# --- usage errors (click's exceptions, whose texts click_fr translates) -------------------------------


def _param_name(param) -> str | None:
    if param is None:
        return None
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def _suggest(possibilities) -> str:
    shown = [f"« {p} »" for p in sorted(possibilities or [])][:3]
    return f" ; vouliez-vous dire {' ou '.join(shown)} ?" if shown else ""


def usage_problem(exc: click.UsageError) -> dict:
    """click's usage error as `{champ, code, message}` in French."""
    param = getattr(exc, "param", None)
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)
    if no_such_command is not None and isinstance(exc, no_such_command):
        return problem(None, "commande_inconnue",
                       f"commande inconnue « {exc.command_name} »{_suggest(exc.possibilities)}")
    if isinstance(exc, click.NoSuchOption):
        return problem(exc.option_name, "option_inconnue",
                       f"option inconnue « {exc.option_name} »{_suggest(exc.possibilities)}")
    if isinstance(exc, click.MissingParameter):
        name = _param_name(param)
        if isinstance(param, click.Option):
            return problem(name, "argument_manquant", f"l'option {name} est obligatoire")
        return problem(name, "argument_manquant", f"l'argument {name} est manquant")
    if isinstance(exc, click.BadParameter):
        return problem(_param_name(param), "valeur_option_invalide", exc.message.rstrip("."))
    if isinstance(exc, click.BadOptionUsage):
        return problem(exc.option_name, "valeur_option_invalide", exc.message.rstrip("."))
    message = exc.message.rstrip(".")
    from engine.cli.click_fr import CATALOGUE

    extra = CATALOGUE["Got unexpected extra argument ({args})"].split("(")[0]
    code = "argument_en_trop" if message.startswith(extra.strip()) else "usage"
    return problem(None, code, message)


def usage_error(exc: click.UsageError) -> CliError:
    p = usage_problem(exc)
    shown = p["champ"] in (None, WHOLE) or p["champ"] in p["message"]
    text = p["message"] if shown else f"{p['champ']} : {p['message']}"
    hints = [exc.ctx.get_usage(), f"Aide : {exc.ctx.command_path} --help"] if exc.ctx is not None else []
    return CliError("usage", text, [p], hints=hints)


EXIT_CODES_HELP = "\n".join(f"{int(c)} : {label}" for c, label in (
    (ExitCode.OK, "terminé"),
    (ExitCode.REFUSED, "refusé (mode non admis ; marché en erreur ou non admis dans un lot)"),
    (ExitCode.INVALID_INPUT, "entrée ou ligne de commande invalide"),
    (ExitCode.FILE_PROBLEM, "problème de fichier (sortie déjà là sans --force, écriture\n"
                            "    impossible, entrée introuvable)"),
    (ExitCode.INVALID_RULES, "règles ou modèles Word invalides"),
    (ExitCode.INTERNAL, "erreur interne de clausier (un défaut à signaler)"),
))
