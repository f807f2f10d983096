"""Where the rulesets and templates live: inside the installed distribution, or beside the package in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"dossier « {name} » introuvable (ni {installed} ni {checkout})")


def rulesets_dir() -> Path:
    """The `rulesets/` folder shipped with clausier."""
    return _locate("rulesets")


def templates_dir() -> Path:
    """The `templates/` folder shipped with clausier."""
    return _locate("templates")


def examples_dir() -> Path:
    """The example markets shipped with clausier (`clausier examples`)."""
    return _locate("examples")
