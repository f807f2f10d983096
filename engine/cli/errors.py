"""How the command line fails: exit codes, French messages, JSON error objects (`--format json`)."""

from __future__ import annotations

import json
import sys

import click

EXIT_REFUSED, EXIT_INPUT = 1, 2


class InputProblem(click.ClickException):
    """Invalid input: exit 2, message on stderr (JSON when --format json)."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, payload: dict | None = None, as_json: bool = False):
        super().__init__(message)
        self.payload, self.as_json = payload, as_json

    def show(self, file=None):
        if self.as_json and self.payload is not None:
            click.echo(json.dumps(self.payload, ensure_ascii=False, indent=2), err=True)
        else:
            click.echo(f"Erreur : {self.message}", err=True)


class Refused(click.ClickException):
    exit_code = EXIT_REFUSED

    def show(self, file=None):
        click.echo(f"Erreur : {self.message}", err=True)


def engine_call(fn, *args, as_json=False, **kwargs):
    """Run an engine function, turning its errors into CLI errors with French messages.

    The engine's exception stays attached as the cause: `main()` prints its traceback with --debug, and the
    exit code is the same with or without --debug.
    """
    from engine.errors import EngineError, InputError, NoApplicableVersion

    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        raise InputProblem(str(exc), exc.as_dict(), as_json) from exc
    except NoApplicableVersion as exc:
        raise InputProblem(exc.located(), exc.as_dict(), as_json) from exc
    except EngineError as exc:  # NotAllowed, RulesetError, DocumentError…
        raise Refused(str(exc)) from exc


def _usage_problem(exc: click.UsageError) -> tuple[str, str]:
    """click's usage errors as (option or argument, French message): click's own wording is English."""
    param = getattr(exc, "param", None)
    name = "$"
    if param is not None:
        name = " / ".join(param.opts) if isinstance(param, click.Option) else (param.metavar or param.name).upper()
    if isinstance(exc, click.MissingParameter) and param is not None:
        return name, "manquant (voir --help)"
    if isinstance(exc, click.BadParameter) and param is not None:
        if isinstance(param.type, click.Choice):
            return name, f"valeur invalide ; valeurs possibles : {', '.join(map(str, param.type.choices))}"
        return name, exc.message
    if isinstance(exc, click.NoSuchOption):
        return exc.option_name, "option inconnue (voir --help)"
    if isinstance(exc, click.BadOptionUsage):
        return exc.option_name, f"option mal employée : {exc.message}"
    return name, f"{exc.format_message()} (voir --help)"


def _wants_json(args: list[str]) -> bool:
    """Whether the command line asked for JSON output (`evaluate` does by default)."""
    pairs = list(zip(args, args[1:]))
    if "--format=json" in args or ("--format", "json") in pairs:
        return True
    if "--format=text" in args or ("--format", "text") in pairs:
        return False
    return "evaluate" in args


def show_usage_error(exc: click.UsageError) -> None:
    field, message = _usage_problem(exc)
    if _wants_json(sys.argv[1:]):
        payload = {"erreur": "usage", "problemes": [{"champ": field, "message": message}]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2), err=True)
    elif field == "$":
        click.echo(f"Erreur : {message}", err=True)
    else:
        click.echo(f"Erreur : {field} : {message}", err=True)
