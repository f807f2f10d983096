"""clausier's command line: the only code that reads files, prints and exits.

Exit codes: 0 success; 1 domain refusal (mode not allowed, file exists, ruleset or template error);
2 invalid input (the message names the field and what is expected). Tracebacks only with --debug.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import json
import os
import signal
import sys
import traceback
from pathlib import Path

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


def _read_market(source: str, as_json: bool = False) -> tuple[bytes, str]:
    """The raw bytes of MARCHE (a file or `-`), at most the size limit plus one byte (never a whole endless stream)."""
    from engine.errors import FieldProblem, InputError
    from engine.validation import MAX_BYTES, read_market_file, safe

    if source == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1), "entrée standard"
    shown = safe(source, 200)

    def problem(message: str) -> InputProblem:
        payload = InputError([FieldProblem("$", message)], shown).as_dict()
        return InputProblem(f"{shown} : {message}", payload, as_json)

    path = Path(source)
    if path.is_dir():
        raise problem("est un dossier, un fichier JSON est attendu")
    try:
        return read_market_file(path), shown
    except FileNotFoundError:
        raise problem("fichier introuvable") from None
    except PermissionError:
        raise problem("lecture non autorisée") from None
    except OSError as exc:
        raise problem(f"lecture impossible ({exc.strerror or exc})") from None


def _iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"date ISO attendue (AAAA-MM-JJ), reçu « {value} »") from None


def _engine_call(fn, *args, as_json=False, **kwargs):
    """Run an engine function, turning its errors into CLI errors with French messages.

    The engine's exception stays attached as the cause: `main()` prints its traceback with --debug, and the
    exit code is the same with or without --debug.
    """
    import engine

    try:
        return fn(*args, **kwargs)
    except engine.InputError as exc:
        raise InputProblem(str(exc), exc.as_dict(), as_json) from exc
    except engine.NoApplicableVersion as exc:
        raise InputProblem(exc.located(), exc.as_dict(), as_json) from exc
    except engine.EngineError as exc:  # NotAllowed, RulesetError, DocumentError…
        raise Refused(str(exc)) from exc


def _evaluate(ctx, market: str, date, as_json=False):
    import engine

    data, source = _read_market(market, as_json)
    from engine.validation import parse_market

    parsed = _engine_call(parse_market, data, source, as_json=as_json)
    return _engine_call(engine.evaluate, parsed, date, rulesets=ctx.obj["rulesets"], as_json=as_json)


def write_atomically(path: Path, data: bytes, force: bool) -> None:
    """Write the document atomically (engine._files), never over an existing file unless `force`.

    Temporary files left by a killed earlier run in the same folder are removed first.
    """
    from engine._files import remove_stale_parts, write_atomically as write

    folder = path.parent
    if not folder.is_dir():
        raise Refused(f"{folder} : dossier de sortie introuvable")
    remove_stale_parts(folder)
    try:
        write(path, data, overwrite=force, sync=True)
    except FileExistsError:
        raise Refused(f"{path} existe déjà : utilisez --force pour le remplacer") from None
    except OSError as exc:
        raise Refused(f"{path} : écriture impossible ({exc.strerror or exc})") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Affiche la trace Python complète en cas d'erreur.")
@click.option("--rulesets", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier de règles à utiliser à la place des règles fournies (copie modifiée par l'organisation).")
@click.version_option(package_name="clausier", message="clausier %(version)s")
@click.pass_context
def cli(ctx, debug, rulesets):
    """Rédige des clauses sociales d'insertion à partir de la description d'un marché (JSON).

    Les règles appliquées sont celles en vigueur à la date de lancement de la consultation.
    """
    ctx.obj = {"rulesets": rulesets}  # --debug is read by main(), which handles the errors


MARKET = click.argument("market", metavar="MARCHE")
DATE = click.option("--date", callback=_iso_date, metavar="AAAA-MM-JJ",
                    help="Date du droit applicable si le marché n'a pas de « launch_date » (défaut : aujourd'hui).")


@cli.command()
@MARKET
@DATE
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True,
              help="Format de sortie.")
@click.pass_context
def evaluate(ctx, market, date, fmt):
    """Décision : modes admis, obligations, heures, fondements (MARCHE : fichier JSON ou - pour l'entrée standard)."""
    decision = _evaluate(ctx, market, date, as_json=fmt == "json")
    if fmt == "json":
        click.echo(decision.model_dump_json(indent=2))
    else:
        from engine.explain import summary

        click.echo(summary(decision, ctx.obj["rulesets"]))


@cli.command()
@MARKET
@DATE
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier .docx à écrire (défaut : nom du marché avec l'extension .docx).")
@click.option("--force", is_flag=True, help="Remplace le fichier de sortie s'il existe.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Dossier de modèles de l'organisation.")
@click.option("--no-annex", is_flag=True, help="N'ajoute pas l'annexe de justification.")
@click.option("--no-comments", is_flag=True, help="N'ajoute pas les commentaires Word (règle et article).")
@click.pass_context
def generate(ctx, market, date, output, force, templates, no_annex, no_comments):
    """Écrit la clause Word (.docx) du mode demandé, ou du mode recommandé."""
    from engine.documents import render

    if output is None:
        output = Path("clause.docx" if market == "-" else Path(market).with_suffix(".docx").name)
    if output.suffix.lower() != ".docx":
        raise InputProblem(f"{output} : l'extension .docx est attendue pour le fichier de sortie")
    if market != "-" and output.exists() and output.resolve() == Path(market).resolve():
        raise InputProblem(f"{output} : est le fichier du marché lui-même ; choisissez un autre fichier de sortie")
    if output.exists() and not force:
        raise Refused(f"{output} existe déjà : utilisez --force pour le remplacer")
    decision = _evaluate(ctx, market, date)
    data = _engine_call(render, decision, templates, annex=not no_annex, comments=not no_comments,
                        rulesets=ctx.obj["rulesets"])
    write_atomically(output, data, force)
    how = "demandé" if decision.requested_mode else "recommandé"
    click.echo(f"{output} écrit : {decision.mode} ({how}), droit au {decision.launch_date.isoformat()}")


@cli.command()
@MARKET
@DATE
@click.pass_context
def explain(ctx, market, date):
    """Explique en clair chaque règle appliquée, pourquoi, et sur quel article."""
    from engine.explain import explain as explain_text

    decision = _evaluate(ctx, market, date)
    click.echo(explain_text(decision, ctx.obj["rulesets"]))


@cli.command()
@MARKET
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@click.pass_context
def validate(ctx, market, fmt):
    """Vérifie la description du marché sans appliquer les règles."""
    from engine.validation import parse_market

    data, source = _read_market(market, fmt == "json")
    parsed = _engine_call(parse_market, data, source, as_json=fmt == "json")
    if fmt == "json":
        click.echo(json.dumps({"valide": True, "marche": parsed.model_dump(mode="json", exclude_none=True)},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(f"{source} : description du marché valide")


@cli.command()
def schema():
    """Affiche le schéma JSON de la description d'un marché."""
    from engine.models import Market

    click.echo(json.dumps(Market.model_json_schema(), ensure_ascii=False, indent=2))


@cli.group()
def rules():
    """Consulter et vérifier les règles."""


@rules.command("list")
@DATE
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@click.pass_context
def rules_list(ctx, date, fmt):
    """Liste les règles (toutes, ou celles en vigueur à --date) avec leurs références."""
    from engine.knowledge import knowledge

    kb = _engine_call(knowledge, ctx.parent.obj["rulesets"])
    selected = [r for r in kb.rules if date is None or r.applies_on(date)]
    if fmt == "json":
        out = [{"id": r.id, "label": r.label, "valid_from": r.valid_from.isoformat(),
                "valid_until": r.valid_until.isoformat() if r.valid_until else None,
                "references": [kb.references[x].public_dict() for x in r.references], "file": r.file}
               for r in selected]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for r in selected:
        until = f" au {r.valid_until.isoformat()}" if r.valid_until else ""
        refs = "; ".join(kb.references[x].cite() + ("" if kb.references[x].verified else " [non vérifié]")
                         for x in r.references)
        click.echo(f"{r.id}\n  {r.label}\n  en vigueur du {r.valid_from.isoformat()}{until} — {refs}")
    click.echo(f"{len(selected)} règle(s)")


@rules.command("check")
@click.pass_context
def rules_check(ctx):
    """Vérifie les règles : schéma, références, paramètres, couverture des dates."""
    from engine.lint import check_all

    problems = _engine_call(check_all, ctx.parent.obj["rulesets"])
    if problems:
        for p in problems:
            click.echo(f"- {p}", err=True)
        raise Refused(f"{len(problems)} problème(s) dans les règles")
    click.echo("Règles valides : schéma, références, paramètres et couverture des dates vérifiés.")


@cli.group()
def templates():
    """Vérifier les modèles Word d'une organisation (voir docs/template-context.md)."""


@templates.command("check")
@click.argument("folder", metavar="DOSSIER", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def templates_check(ctx, folder):
    """Signale les variables non fournies par le contexte et les blocs requis absents des modèles de DOSSIER."""
    from engine.templates_check import check_templates

    results = _engine_call(check_templates, folder, ctx.parent.obj["rulesets"])
    count = 0
    for name, problems in results.items():
        click.echo(f"{name} : {'à corriger' if problems else 'conforme'}")
        for p in problems:
            click.echo(f"  - {p.message}")
        count += len(problems)
    if count:
        raise Refused(f"{count} problème(s) dans les modèles de {folder}")


@cli.command()
@click.argument("source", metavar="ENTREE", type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), metavar="DOSSIER",
              help="Dossier où écrire un fichier par marché et le résumé (_resume.csv, _resume.json).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processus en parallèle (défaut : tous les cœurs).")
@click.option("--format", "fmt", type=click.Choice(["docx", "json"]), default="docx", show_default=True,
              help="docx : la clause Word ; json : la décision.")
@click.option("--force", is_flag=True, help="Refait et remplace les fichiers déjà écrits par un traitement précédent.")
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
@DATE
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Dossier de modèles de l'organisation.")
@click.pass_context
def batch(ctx, source, outdir, jobs, fmt, force, quiet, date, templates):
    """Traite un plan d'achats : un fichier par marché et un résumé (ENTREE : dossier de .json, .jsonl ou .csv).

    Un marché en erreur n'arrête pas les autres ; code 1 si au moins un marché a échoué ou n'est pas admis.
    Relancé, le traitement saute les marchés dont le fichier existe déjà (sauf --force).
    """
    from engine import batch as lots

    try:
        items = lots.read_input(source, outdir)
    except lots.BatchInputError as exc:
        raise InputProblem(str(exc)) from None
    if outdir.exists() and not outdir.is_dir():
        raise InputProblem(f"{outdir} : n'est pas un dossier")
    outdir.mkdir(parents=True, exist_ok=True)
    options = lots.Options(fmt=fmt, force=force, on=date, templates=templates, rulesets=ctx.obj["rulesets"])
    quiet = quiet or not sys.stderr.isatty()
    bar = contextlib.nullcontext() if quiet else click.progressbar(
        length=len(items), label="Marchés", file=sys.stderr, show_pos=True, show_eta=True)
    with bar:
        rows = _engine_call(lots.run, items, outdir, options, jobs, progress=None if quiet else bar.update)
    csv_path, _ = lots.write_summary(outdir, rows, source, fmt)
    c = lots.counts(rows)
    click.echo(f"{len(rows)} marché(s) : {c[lots.WRITTEN]} écrit(s), {c[lots.DONE]} déjà fait(s), "
               f"{c[lots.REFUSED]} non admis, {c[lots.FAILED]} en erreur — résumé : {csv_path}")
    failures = [row for row in rows if row["status"] in (lots.REFUSED, lots.FAILED)]
    if failures:
        shown = 20  # a plan of thousands of lines: the summary file has them all
        for row in failures[:shown]:
            click.echo(f"- {row['source']} : {row['error']}", err=True)
        if len(failures) > shown:
            click.echo(f"- … et {len(failures) - shown} autre(s)", err=True)
        raise Refused(f"{len(failures)} marché(s) sans document : voir {csv_path}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute (0.0.0.0 : toutes).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port d'écoute.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Processus qui répondent (un par cœur, par exemple).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGINE",
              help="Origine autorisée à appeler l'API depuis un navigateur (répétable ; par défaut : aucune).")
@click.option("--no-access-log", is_flag=True, help="Ne journalise pas chaque requête.")
def serve(host, port, workers, cors_origins, no_access_log):
    """Service HTTP : l'API /v1/ et le questionnaire des acheteurs (pip install ".[web]").

    Sans état : tout processus répond à toute requête. SIGTERM l'arrête proprement.
    """
    try:
        from engine.service import serve as run  # FastAPI and uvicorn: the optional `web` extra
    except ImportError as exc:
        raise InputProblem(f"le service HTTP demande des paquets absents ({exc.name}) : "
                           "installez-les avec « pip install \".[web]\" » (ou « pip install 'clausier[web]' »)") from exc
    run(host=host, port=port, workers=workers, cors_origins=cors_origins, access_log=not no_access_log)


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


def _show_usage_error(exc: click.UsageError) -> None:
    field, message = _usage_problem(exc)
    if _wants_json(sys.argv[1:]):
        payload = {"erreur": "usage", "problemes": [{"champ": field, "message": message}]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2), err=True)
    elif field == "$":
        click.echo(f"Erreur : {message}", err=True)
    else:
        click.echo(f"Erreur : {field} : {message}", err=True)


def _terminate(signum, frame):
    """SIGTERM/SIGHUP: leave like Ctrl-C does, through every `finally` (temporary files are deleted)."""
    raise SystemExit(128 + signum)


def main():
    """Entry point of the `clausier` command.

    Exit codes: 0, 1 (refusal or internal error), 2 (invalid input or usage), 130 (Ctrl-C), 128+n (signal n).
    Tracebacks only with --debug (the exit code stays the same).
    """
    debug = "--debug" in sys.argv[1:]
    # The interpreter's last garbage collections over the rules, templates and lxml trees about to vanish
    # anyway cost ≈ 120 ms of every run; the commands close their own files, so the OS can reclaim the rest.
    atexit.register(gc.freeze)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    try:
        cli.main(standalone_mode=False, prog_name="clausier")
    except click.UsageError as exc:
        _show_usage_error(exc)
        sys.exit(EXIT_INPUT)
    except click.ClickException as exc:
        if debug and exc.__cause__ is not None:
            traceback.print_exception(exc.__cause__)
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("Interrompu.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # `clausier evaluate x | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_REFUSED)
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users unless --debug
        if debug:
            raise
        from engine.validation import safe

        click.echo(f"Erreur interne : {exc.__class__.__name__} : {safe(str(exc), 500)} "
                   "(relancez avec --debug pour le détail)", err=True)
        sys.exit(EXIT_REFUSED)
    sys.exit(0)


if __name__ == "__main__":
    main()
