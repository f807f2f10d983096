"""Commands on one market: evaluate, generate, explain, validate, schema."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.common import (
    DATE,
    MARKET,
    MODE,
    echo_json,
    evaluate_market,
    format_option,
    read_market,
    write_atomically,
)
from engine.cli.errors import CliError, engine_call, file_error, problem
from engine.cli.group import cli


def _mode_label(ctx, code: str | None) -> str:
    from engine.law.knowledge import knowledge

    modes = knowledge(ctx.obj["rulesets"]).vocabulary.modes
    return modes[code].libelle if code in modes else "aucun mode"


@cli.command()
@MARKET
@DATE
@MODE
@format_option(default="json")
@click.pass_context
def evaluate(ctx, market, date, mode, fmt):
    """Décision : modes admis, obligations, heures, fondements (MARCHE : fichier JSON ou - pour l'entrée standard).

    Code 0 même si le mode n'est pas admis : la décision le dit (« allowed »). Des marchés à essayer :
    « clausier examples DOSSIER ».
    """
    decision = evaluate_market(ctx, market, date, mode)
    if fmt == "json":
        click.echo(decision.model_dump_json(indent=2))
    else:
        from engine.reasoning.explain import summary

        click.echo(summary(decision, ctx.obj["rulesets"]))


@cli.command()
@MARKET
@DATE
@MODE
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="SORTIE.docx",
              help="Fichier .docx à écrire (défaut : nom du marché avec l'extension .docx).")
@click.option("--force", is_flag=True, help="Remplace le fichier de sortie s'il existe.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              metavar="DOSSIER", help="Dossier de modèles de l'organisation.")
@click.option("--no-annex", is_flag=True, help="N'ajoute pas l'annexe de justification.")
@click.option("--no-comments", is_flag=True, help="N'ajoute pas les commentaires Word (règle et article).")
@format_option()
@click.pass_context
def generate(ctx, market, date, mode, output, force, templates, no_annex, no_comments, fmt):
    """Écrit la clause Word (.docx) du mode demandé (--mode, ou champ « mode »), sinon du mode recommandé.

    Code 1 avec les motifs et les modes admis si le mode n'est pas admis ; n'écrase jamais un fichier
    sans --force (code 3). Des marchés à essayer : « clausier examples DOSSIER ».
    """
    from engine.documents.render import render

    if output is None:
        output = Path("clause.docx" if market == "-" else Path(market).with_suffix(".docx").name)
    if output.suffix.lower() != ".docx":
        raise CliError("usage", f"{output} : l'extension .docx est attendue pour le fichier de sortie",
                       [problem("--output", "valeur_option_invalide", "l'extension .docx est attendue")])
    if market != "-" and output.exists() and output.resolve() == Path(market).resolve():
        raise CliError("usage", f"{output} : est le fichier du marché lui-même ; choisissez un autre fichier de sortie",
                       [problem("--output", "valeur_option_invalide", "est le fichier du marché lui-même")])
    if output.exists() and not force:
        raise file_error("fichier_existant", output, "existe déjà : utilisez --force pour le remplacer", "--output")
    decision = evaluate_market(ctx, market, date, mode)
    data = engine_call(render, decision, templates, annex=not no_annex, comments=not no_comments,
                       rulesets=ctx.obj["rulesets"])
    write_atomically(output, data, force)
    how = "demandé" if decision.requested_mode else "recommandé"
    if fmt == "json":
        echo_json({"fichier": str(output), "mode": decision.mode, "libelle_mode": _mode_label(ctx, decision.mode),
                   "mode_demande": decision.requested_mode is not None,
                   "date_droit": decision.launch_date.isoformat(), "version_clausier": decision.clausier_version,
                   "avertissements": [w.text for w in decision.warnings]})
        return
    from engine import fmt as french

    click.echo(f"{output} écrit (mode {how}) : {_mode_label(ctx, decision.mode)} ; droit applicable au "
               f"{french.date_fr(decision.launch_date)}.")
    if decision.warnings:  # the document is written all the same: the buyer reads these before using it
        click.echo(f"Avertissements ({len(decision.warnings)}) :", err=True)
        for warning in decision.warnings:
            click.echo(f"  - {warning.text}", err=True)


@cli.command()
@MARKET
@DATE
@MODE
@format_option()
@click.pass_context
def explain(ctx, market, date, mode, fmt):
    """Explique en clair chaque règle appliquée, pourquoi, et sur quel article."""
    from engine.reasoning.explain import explain as explain_text

    decision = evaluate_market(ctx, market, date, mode)
    text = explain_text(decision, ctx.obj["rulesets"])
    if fmt == "json":
        echo_json({"explication": text, "mode": decision.mode, "admis": decision.allowed,
                   "mode_recommande": decision.recommended_mode})
    else:
        click.echo(text)


@cli.command()
@MARKET
@format_option()
@click.pass_context
def validate(ctx, market, fmt):
    """Vérifie la description du marché sans appliquer les règles."""
    from engine.law.knowledge import knowledge
    from engine.market.reading import parse_market
    from engine.reasoning.facts import check_cpv

    data, source = read_market(market)
    parsed = engine_call(parse_market, data, source)
    engine_call(lambda: check_cpv(knowledge(ctx.obj["rulesets"]), parsed, source))
    if fmt == "json":
        echo_json({"valide": True, "marche": parsed.model_dump(mode="json", exclude_none=True)})
    else:
        click.echo(f"{source} : description du marché valide")


@cli.command()
@click.option("--decision", "of_decision", is_flag=True,
              help="Le schéma de la décision (sortie de « evaluate ») au lieu de celui de la description d'un marché.")
@format_option(default="json", choices=("json",))
@click.pass_context
def schema(ctx, of_decision, fmt):
    """Affiche le schéma JSON de la description d'un marché (ou, avec --decision, de la décision)."""
    from engine.reasoning.schemas import decision_schema, market_schema

    build = decision_schema if of_decision else market_schema
    echo_json(engine_call(build, ctx.obj["rulesets"]))
