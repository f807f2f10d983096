"""The batch command: a whole procurement plan."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from engine.cli.common import DATE
from engine.cli.errors import InputProblem, Refused, engine_call
from engine.cli.group import cli


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
@click.option("--require-date", is_flag=True,
              help="Refuse (en erreur) un marché sans « launch_date » au lieu de lui appliquer --date ou la date du jour.")
@click.pass_context
def batch(ctx, source, outdir, jobs, fmt, force, quiet, date, templates, require_date):
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
    options = lots.Options(fmt=fmt, force=force, on=date, templates=templates, rulesets=ctx.obj["rulesets"],
                           freeze_heap=True, require_date=require_date)
    quiet = quiet or not sys.stderr.isatty()
    bar = contextlib.nullcontext() if quiet else click.progressbar(
        length=len(items), label="Marchés", file=sys.stderr, show_pos=True, show_eta=True)
    with bar:
        rows = engine_call(lots.run, items, outdir, options, jobs, progress=None if quiet else bar.update)
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
