"""The serve command: the HTTP API and the buyers' questionnaire (engine/service/, optional `web` extra)."""

from __future__ import annotations

import click

from engine.cli.errors import CliError, problem
from engine.cli.group import cli


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
        from engine.service import (
            serve as run,  # FastAPI and uvicorn: the optional `web` extra
        )
    except ImportError as exc:
        message = (f"le service HTTP demande des paquets absents ({exc.name}) : installez-les avec "
                   "« pip install \".[web]\" » (ou « pip install 'clausier[web]' »)")
        raise CliError("service_non_installe", message, [problem(None, "service_non_installe", message)]) from exc
    run(host=host, port=port, workers=workers, cors_origins=cors_origins, access_log=not no_access_log)
