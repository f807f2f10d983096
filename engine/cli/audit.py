"""The audit command: published contract data (DECP) checked against the law of their date (engine/audit/)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from engine.cli.common import echo_json, format_option, iso_date
from engine.cli.errors import CliError, engine_call, file_error, problem
from engine.cli.group import cli


@cli.command()
@click.argument("inputs", metavar="ENTREE...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), metavar="DOSSIER",
              help="Dossier des résultats : contrats.csv, synthese.json, rapport.html.")
@click.option("--date", callback=iso_date, metavar="AAAA-MM-JJ",
              help="Applique le droit de cette date à tous les contrats (défaut : date de lancement estimée de chacun).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processus en parallèle (défaut : tous les cœurs).")
@click.option("--buyers", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="ACHETEURS.csv",
              help="Types d'acheteurs connus : colonnes « siret » et « type ».")
@click.option("--force", is_flag=True, help="Remplace les résultats d'un audit précédent dans DOSSIER.")
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
@format_option()
@click.pass_context
def audit(ctx, inputs, outdir, date, jobs, buyers, force, quiet, fmt):
    """Audite des données essentielles (DECP) : contrats soumis à la clause sociale obligatoire, clauses publiées.

    ENTREE : fichiers DECP tels que publiés (JSON 2019, JSON 2022, CSV tabulaire), format reconnu au contenu.
    Les enregistrements illisibles ne bloquent rien : ils sont comptés, avec leur motif, dans le rapport.
    """
    from engine import audit as auditing

    total = sum(p.stat().st_size for p in inputs if p.is_file())
    quiet = quiet or fmt == "json" or not sys.stderr.isatty()
    bar = contextlib.nullcontext() if quiet else click.progressbar(
        length=total, label="Lecture", file=sys.stderr, show_percent=True, show_eta=True)
    try:
        with bar:
            data = engine_call(auditing.audit, list(inputs), outdir, on=date, jobs=jobs, buyers=buyers, force=force,
                               progress=None if quiet else bar.update, rulesets=ctx.obj["rulesets"])
    except auditing.AuditInputError as exc:
        path, _, reason = str(exc).partition(" : ")
        if reason == "fichier introuvable":
            raise file_error("fichier_introuvable", path, reason, "ENTREE") from None
        raise CliError("donnees_illisibles", str(exc), [problem("ENTREE", "donnees_illisibles", str(exc))]) from None
    except auditing.OutputError as exc:
        code = "fichier_existant" if "n'est pas vide" in str(exc) else "ecriture_impossible"
        raise file_error(code, outdir, str(exc).split(" : ", 1)[-1], "--output") from None
    if fmt == "json":
        echo_json(data)
        return
    e, v = data["enregistrements"], data["par_verdict"]
    click.echo(f"{e['contrats_distincts']} contrat(s) distinct(s) sur {e['lus']} enregistrement(s) lu(s) "
               f"({e['doublons_ecartes']} doublon(s), {e['illisibles']} illisible(s)) : "
               + ", ".join(f"{k} {v[k]['contrats']}" for k in v) + f" — résultats dans {outdir}")
