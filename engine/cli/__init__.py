"""The command line (click): each module holds a family of commands; `main` is the entry point."""

from engine.cli.group import cli
from engine.cli.main import main

__all__ = ["cli", "main"]
