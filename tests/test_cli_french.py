"""Everything the command line prints is French: every help page, every usage error, click's own texts included."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from cli import cli
from engine.cli.click_fr import CATALOGUE, MODULES

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "travaux_condition_execution.json")

# Words that are English and not French; a help page or an error message containing one leaks English.
ENGLISH = {"the", "and", "is", "not", "of", "for", "with", "this", "show", "exit", "required", "directory", "file",
           "path", "integer", "error", "invalid", "missing", "such", "did", "mean", "got", "unexpected", "range",
           "try", "does", "exist", "choose", "from", "aborted", "commands", "arguments", "usage:", "options:",
           "default", "writable", "readable", "but", "given", "was", "were",
           "one", "takes", "requires", "value", "values", "command", "no", "help", "float", "text.", "or"}


def _words(text: str) -> set[str]:
    """The words of a text a person reads, without what is code: options, choices, quoted examples, codes."""
    text = re.sub(r"«[^»]*»", " ", text)                  # quoted commands, file names, values
    text = re.sub(r"\[[^\]]*\|[^\]]*\]", " ", text)       # [json|text]
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)      # --format, -o
    words = set()
    for word in re.findall(r"[^\s,;:()\[\]«»\"'’?!]+", text):
        word = word.rstrip(".")
        if "_" in word or "/" in word or "." in word or word.isupper():
            continue  # codes (condition_execution), paths, metavars (MARCHE)
        words.add(word.casefold())
    return words


def _english(text: str) -> set[str]:
    found = _words(text) & ENGLISH
    return found | {h for h in ("Usage:", "Options:", "Commands:", "Error:") if h in text}


def test_the_english_detector_finds_click_english():
    """The detector used below does find click's untranslated texts (so that its silence means something)."""
    for text in ("Usage: clausier [OPTIONS] COMMAND [ARGS]...", "  -h, --help  Show this message and exit.",
                 "Error: No such option '--formt'. Did you mean '--format'?", "Missing argument 'MARCHE'.",
                 "Invalid value for '--jobs': 0 is not in the range x>=1.", "[default: json]", "[required]",
                 "Got unexpected extra argument (autre.json)", "File '/tmp' is a directory."):
        assert _english(text), text
    assert not _english("Erreur : option inconnue « --formt » ; vouliez-vous dire « --format » ?")


def _commands(group: click.Group, path=()):
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


COMMANDS = [()] + list(_commands(cli))


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "clausier" for p in COMMANDS])
def test_every_help_page_is_french(runner, path):
    """`--help` of every command: French headings, option texts, defaults, no English word."""
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Usage : clausier"), out
    assert "Options :" in out and "Affiche cette aide et quitte." in out
    assert not _english(out), (_english(out), out)
    if path == ():
        assert "Commandes :" in out and "Codes de sortie" in out and "clausier examples" in out
    if "[défaut" not in out:
        assert "default" not in out


# Every kind of usage error click can raise for clausier's commands (text output: `evaluate` errs in JSON by default).
T = ["--format", "text"]
USAGE_ERRORS = {
    "commande inconnue": ["evalute", EXAMPLE],
    "commande manquante": ["--debug"],
    "option inconnue": ["explain", EXAMPLE, "--formt", "json"],
    "argument manquant": ["evaluate", *T],
    "option obligatoire manquante": ["batch", "plan.csv"],
    "argument en trop": ["evaluate", EXAMPLE, "autre.json", *T],
    "valeur hors liste": ["explain", EXAMPLE, "--format", "xml"],
    "mode inconnu": ["generate", EXAMPLE, "--mode", "clause"],
    "hors des valeurs admises": ["batch", "plan.csv", "-o", "sortie", "--jobs", "0"],
    "pas un nombre": ["batch", "plan.csv", "-o", "sortie", "--jobs", "deux"],
    "dossier attendu": ["generate", EXAMPLE, "--templates", EXAMPLE],
    "dossier inexistant": ["generate", EXAMPLE, "--templates", "/nulle/part"],
    "fichier attendu": ["generate", EXAMPLE, "-o", "/tmp"],
    "valeur d'option absente": ["explain", EXAMPLE, "--date"],
    "option sans valeur": ["generate", EXAMPLE, "--force=oui"],
    "date invalide": ["evaluate", EXAMPLE, "--date", "24/11/2026", *T],
    "sous-commande inconnue": ["rules", "lister"],
}


@pytest.mark.parametrize("args", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_every_usage_error_is_french(runner, args):
    """A usage error: exit 2, « Erreur : … » in French with the usage and where to find help; no English word."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, (result.stderr, result.exception)
    err = result.stderr
    assert err.startswith("Erreur : "), err
    assert "Usage : clausier" in err and "Aide : clausier" in err
    assert not _english(err), (_english(err), err)
    first = err.split("\n")[0]
    assert not re.search(r"'[^']*'", first.replace("l'", "").replace("d'", "")), f"Python quotes in {first}"
    assert result.stdout == ""


def test_clausier_alone_shows_its_help(runner):
    """A new user typing `clausier` gets the help page, not an error."""
    result = runner.invoke(cli, [])
    assert result.exit_code == 0 and result.stdout.startswith("Usage : clausier") and "Commandes :" in result.stdout


def test_a_typo_in_a_command_or_an_option_gets_a_suggestion(runner):
    """« vouliez-vous dire … ? » for a command and an option."""
    command = runner.invoke(cli, ["evalute", EXAMPLE])
    assert "commande inconnue « evalute » ; vouliez-vous dire « evaluate »" in command.stderr
    option = runner.invoke(cli, ["evaluate", EXAMPLE, "--formt", "json", "--format", "text"])
    assert "option inconnue « --formt » ; vouliez-vous dire « --format » ?" in option.stderr


def _click_messages() -> dict[str, set[str]]:
    """The texts click marks for translation, per module (read from its installed source)."""
    found = {}
    for name in MODULES:
        try:
            module = __import__(name, fromlist=["_"])
        except ImportError:
            continue
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        texts = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                texts |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        found[name] = texts
    return found


# click's texts meant for developers (exceptions about misdeclared commands), never shown to a user
DEVELOPER_TEXTS = re.compile(r"defined twice|cannot use the same flag|Could not determine name|No options defined|"
                             r"Arguments take exactly|Unknown color|Unknown standard stream|DeprecationWarning|"
                             r"Choice\(|^d$|Editing failed|shell completion|Bash version")


def test_the_catalogue_matches_click_texts():
    """Each catalogue entry is a text of the installed click, and each of click's user texts is translated.

    Fails after a click upgrade that changes a text: the catalogue must follow.
    """
    texts = set().union(*_click_messages().values()) | {"required"}  # `_(extra["required"])` in click.core
    assert set(CATALOGUE) - texts == set(), "catalogue entries click no longer has"
    untranslated = {t for t in texts - set(CATALOGUE) if not DEVELOPER_TEXTS.search(t)}
    assert untranslated == set()
    for msgid, french in CATALOGUE.items():
        placeholders = set(re.findall(r"\{(\w+)", french))
        assert placeholders <= set(re.findall(r"\{(\w+)", msgid)), msgid
