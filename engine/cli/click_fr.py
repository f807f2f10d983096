"""click's own texts in French: its help headings, help option texts and error messages.

click marks every text it prints for translation with gettext (`_()` and `ngettext()` in its modules),
but reads the process's gettext domain, which would make the language depend on the machine's locale
and on a compiled catalogue. clausier always speaks French, so `install()` gives click's modules a
translation function backed by `CATALOGUE` (click's message id -> French text, with the same named
placeholders). A text missing from the catalogue stays English: tests/test_cli_french.py scans every help
page and every usage error for English words, and checks that each entry still matches click's source.
"""

from __future__ import annotations

import importlib

# click's message ids (exactly as in its source) -> French. « !r » placeholders are dropped: French
# quotes « » are written around them instead of Python's repr quotes.
CATALOGUE: dict[str, str] = {
    # help pages
    "Usage:": "Usage :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version de clausier et quitte.",
    "default: {default}": "défaut : {default}",
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculé)",
    "deprecated": "obsolète",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    # usage errors
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "Missing command.": "commande manquante.",
    "Missing argument": "argument manquant",
    "Missing option": "option manquante",
    "Missing parameter": "paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "paramètre manquant : {param_name}",
    "No such option {name!r}.": "option inconnue « {name} ».",
    "No such command {name!r}.": "commande inconnue « {name} ».",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire l'une de celles-ci : {possibilities} ?)",
    "Invalid value: {message}": "valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "valeur invalide pour {param_hint} : {message}",
    "Got unexpected extra argument ({args})": "argument en trop ({args})",
    "Got unexpected extra arguments ({args})": "arguments en trop ({args})",
    "Option {name!r} does not take a value.": "l'option « {name} » ne prend pas de valeur.",
    "Option {name!r} requires an argument.": "l'option « {name} » attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "l'option « {name} » attend {nargs} valeurs.",
    "Argument {name!r} takes {nargs} values.": "l'argument « {name} » attend {nargs} valeurs.",
    "Takes {nargs} values but 1 was given.": "attend {nargs} valeurs, une seule a été donnée.",
    "Takes {nargs} values but {len} were given.": "attend {nargs} valeurs, {len} ont été données.",
    "Value must be an iterable.": "une liste de valeurs est attendue.",
    "Invalid start character for option ({option})": "caractère initial invalide pour une option ({option})",
    "{value!r} is not {choice}.": "« {value} » n'est pas une valeur possible ; valeur possible : {choice}.",
    "{value!r} is not one of {choices}.": "« {value} » n'est pas une valeur possible ; valeurs possibles : {choices}.",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "{value!r} does not match the format {format}.": "« {value} » ne respecte pas le format {format}.",
    "{value!r} does not match the formats {formats}.": "« {value} » ne respecte aucun des formats {formats}.",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} est hors des valeurs admises ({range}).",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "« {value} » n'est pas une valeur oui/non ; valeurs reconnues : {states}",
    "{value!r} is not a valid UUID.": "« {value} » n'est pas un identifiant UUID valide.",
    "{len_type} values are required, but {len_value} was given.": "{len_type} valeurs attendues, {len_value} donnée.",
    "{len_type} values are required, but {len_value} were given.": "{len_type} valeurs attendues, {len_value} données.",
    "file": "le fichier",
    "directory": "le dossier",
    "path": "le chemin",
    # {name} (« file », « directory ») is left out: click capitalises each of its words
    "{name} {filename!r} does not exist.": "« {filename} » n'existe pas.",
    "{name} {filename!r} is a file.": "« {filename} » est un fichier, un dossier est attendu.",
    "{name} {filename!r} is a directory.": "« {filename} » est un dossier, un fichier est attendu.",
    "{name} {filename!r} is not readable.": "« {filename} » n'est pas lisible (droit de lecture refusé).",
    "{name} {filename!r} is not writable.": "« {filename} » n'est pas modifiable (droit d'écriture refusé).",
    "{name} {filename!r} is not executable.": "« {filename} » n'est pas exécutable.",
    "Could not open file {filename!r}: {message}": "impossible d'ouvrir le fichier « {filename} » : {message}",
    "unknown error": "erreur inconnue",
    "Aborted!": "Interrompu.",
    "Error: invalid input": "Erreur : saisie invalide",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirme l'action sans la demander.",
}

# click's modules that print texts (each imports gettext's functions under these names)
MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser", "click._parser",
           "click.types", "click.termui", "click.utils")


def gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Give click's modules the French catalogue (idempotent; the process only runs clausier's commands)."""
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a module moved in another click version: its texts stay untranslated
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
