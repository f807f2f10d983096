"""The `clausier` command group: French help pages, its global options, and how every failure is reported.

`ClausierGroup.main` is where errors become exit codes and messages, for the installed command and for
click's CliRunner alike: usage errors, clausier's own errors (CliError), interruptions and bugs.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from engine.cli import click_fr
from engine.cli.errors import (
    EXIT_CODES_HELP,
    REPORT_BUG,
    CliError,
    problem,
    usage_error,
)
from engine.errors import ExitCode

click_fr.install()


def _french_spaces(text: str) -> str:
    """Non-breaking spaces inside « » and before « : », so that wrapping never strands them."""
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»").replace(" :", "\u00a0:")


class FrenchHelpFormatter(click.HelpFormatter):
    def write_text(self, text: str) -> None:
        super().write_text(_french_spaces(text))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _french_spaces(definition)) for term, definition in rows], col_max, col_spacing)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")  # French typography: a space before « : »

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else click_fr.gettext("Usage:") + " ")


class FrenchContext(click.Context):
    formatter_class = FrenchHelpFormatter


class Choice(click.Choice):
    """click's Choice with a French message listing the values without quotes."""

    def get_invalid_choice_message(self, value, ctx) -> str:
        return f"« {value} » n'est pas une valeur possible ; valeurs possibles : {', '.join(self.choices)}"


def _with_context(parse_args):
    """click's parser raises some usage errors without their context: give it, for the usage line and help."""
    def parse(self, ctx, args):
        try:
            return parse_args(self, ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise
    return parse


class ClausierCommand(click.Command):
    context_class = FrenchContext
    parse_args = _with_context(click.Command.parse_args)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIONS]")
        super().__init__(*args, **kwargs)


class ClausierGroup(click.Group):
    context_class = FrenchContext
    parse_args = _with_context(click.Group.parse_args)
    command_class = ClausierCommand
    group_class = type  # subgroups are ClausierGroups too

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the command; on failure, print a French message (or a JSON object) and exit with its code.

        Exit codes: see engine.errors.ExitCode; 130 on Ctrl-C. Tracebacks only with --debug (same code).
        """
        args = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in args
        try:
            result = super().main(args, prog_name or "clausier", complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            if exc.__class__.__name__ == "NoArgsIsHelpError" and exc.ctx is not None:  # `clausier` alone
                click.echo(exc.ctx.get_help())
                sys.exit(ExitCode.OK)
            _exit(usage_error(exc), args, debug)
        except CliError as exc:
            _exit(exc, args, debug)
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("Interrompu.", err=True)
            sys.exit(130)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # `clausier evaluate x | head`: the reader left, nothing to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(ExitCode.REFUSED)
        except click.ClickException as exc:  # click's file errors (click.File), not used by clausier's options
            _exit(CliError("lecture_impossible", exc.format_message()), args, debug)
        except Exception as exc:  # noqa: BLE001 - last resort: a bug, reported as such, traceback with --debug
            if debug:
                traceback.print_exception(exc)
            from engine.market.reading import safe

            message = f"erreur interne : {exc.__class__.__name__} : {safe(str(exc), 500)}\n{REPORT_BUG}"
            _exit(CliError("erreur_interne", message, [problem(None, "erreur_interne", safe(str(exc), 500))]),
                  args, False)
        if not standalone_mode:
            return result
        sys.exit(int(result) if isinstance(result, int) else 0)


def _exit(exc: CliError, args: list[str], debug: bool):
    if debug and exc.__cause__ is not None:
        traceback.print_exception(exc.__cause__)
    exc.show_to(output_is_json(args))
    sys.exit(exc.exit_code)


def output_is_json(args: list[str]) -> bool:
    """Whether the command line asked for JSON output: `--format json`, or a command whose default is JSON."""
    for i, arg in enumerate(args):
        if arg == "--format" and i + 1 < len(args):
            return args[i + 1] == "json"
        if arg.startswith("--format="):
            return arg.partition("=")[2] == "json"
    command = cli
    for arg in args:
        if isinstance(command, click.Group) and arg in command.commands:
            command = command.commands[arg]
    if isinstance(command, click.Group):
        return False
    fmt = next((p for p in command.params if p.name == "fmt"), None)
    return fmt is not None and fmt.default == "json"


@click.group(name="clausier", cls=ClausierGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Codes de sortie :\n\n\b\n" + EXIT_CODES_HELP)
@click.option("--debug", is_flag=True, help="Affiche la trace Python complète en cas d'erreur.")
@click.option("--rulesets", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DOSSIER",
              help="Dossier de règles à utiliser à la place des règles fournies (copie modifiée par l'organisation).")
@click.version_option(package_name="clausier", message="clausier %(version)s")
@click.pass_context
def cli(ctx, debug, rulesets):
    """Rédige des clauses sociales d'insertion à partir de la description d'un marché (JSON).

    Les règles appliquées sont celles en vigueur à la date de lancement de la consultation.

    Pour commencer : « clausier examples exemples » écrit des marchés d'exemple dans le dossier
    « exemples », puis « clausier generate exemples/travaux_condition_execution.json » écrit la clause.
    Chaque commande a son aide : « clausier generate --help ».

    Avec --format json, toute commande écrit son résultat en JSON sur la sortie standard et ses erreurs
    en un objet JSON sur la sortie d'erreur : {"code", "message", "problemes": [{"champ", "code",
    "message"}]} (codes décrits dans le README).
    """
    ctx.obj = {"rulesets": rulesets}  # --debug is read by ClausierGroup.main, which handles the errors
