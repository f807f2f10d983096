"""Commands that give a new user something to start from: the example markets and a procurement plan template."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.common import echo_json, format_option, write_atomically
from engine.cli.errors import engine_call, file_error
from engine.cli.group import cli
from engine.os_messages import os_reason

TEMPLATE_EXAMPLE = "plan_achats_modele.csv"  # the template as shipped in examples/


@cli.command()
@click.argument("folder", metavar="DOSSIER", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Remplace les fichiers d'exemple déjà présents dans DOSSIER.")
@format_option()
def examples(folder, force, fmt):
    """Écrit les marchés d'exemple (un par mode, acheteurs publics et privés…) et un plan d'achats dans DOSSIER.

    Ensuite : « clausier generate DOSSIER/travaux_condition_execution.json » ou « clausier batch
    DOSSIER/plan_achats_modele.csv -o clauses ».
    """
    from engine.resources import examples_dir

    sources = sorted(p for p in examples_dir().iterdir() if p.suffix in (".json", ".csv") and p.is_file())
    if folder.exists() and not folder.is_dir():
        raise file_error("ecriture_impossible", folder, "n'est pas un dossier", "DOSSIER")
    targets = [folder / p.name for p in sources]
    existing = [t for t in targets if t.exists()]
    if existing and not force:  # checked before writing anything: never half a set of examples
        raise file_error("fichier_existant", existing[0],
                         f"existe déjà ({len(existing)} fichier(s) d'exemple présents) : utilisez --force pour "
                         "les remplacer", "DOSSIER")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_error("ecriture_impossible", folder, f"création impossible ({os_reason(exc, writing=True)})",
                         "DOSSIER") from None
    for source, target in zip(sources, targets):
        write_atomically(target, source.read_bytes(), force, "DOSSIER")
    if fmt == "json":
        echo_json({"dossier": str(folder), "fichiers": [str(t) for t in targets]})
        return
    click.echo(f"{len(targets)} fichier(s) d'exemple écrit(s) dans {folder} :")
    for target in targets:
        click.echo(f"  {target.name}")


@cli.command("batch-template")
@click.argument("plan", metavar="PLAN.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplace le fichier s'il existe.")
@format_option()
@click.pass_context
def batch_template(ctx, plan, force, fmt):
    """Écrit un modèle de plan d'achats (CSV pour tableur, colonnes en français, une ligne d'exemple).

    Remplissez une ligne par marché (une cellule vide est un champ absent ; les valeurs s'écrivent comme
    clausier les affiche, « Collectivité territoriale », « appel d'offres », ou par leur code), puis :
    « clausier batch PLAN.csv -o DOSSIER ».
    """
    from engine.batch.template import plan_template
    from engine.law.knowledge import knowledge

    if plan.suffix.lower() != ".csv":
        from engine.cli.errors import CliError, problem

        raise CliError("usage", f"{plan} : l'extension .csv est attendue",
                       [problem("PLAN.csv", "valeur_option_invalide", "l'extension .csv est attendue")])
    if plan.exists() and not force:
        raise file_error("fichier_existant", plan, "existe déjà : utilisez --force pour le remplacer", "PLAN.csv")
    vocabulary = engine_call(knowledge, ctx.obj["rulesets"]).vocabulary
    write_atomically(plan, plan_template(vocabulary), force, "PLAN.csv")
    if fmt == "json":
        echo_json({"fichier": str(plan)})
    else:
        click.echo(f"{plan} écrit : modèle de plan d'achats (une ligne d'exemple à remplacer).")
