"""The Word templates: which file serves a decision, the Jinja environment, and each template prepared once.

A prepared template is kept per resolved path and prepared again when its file changes (modification
time, size or inode), so an organisation editing a template sees the change in a running process.
"""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import jinja2
from docx.opc.exceptions import PackageNotFoundError

from engine import fmt
from engine.documents.word.jinja_cache import shared_env
from engine.documents.word.prepared import PreparedTemplate, keep_docxtpl_escapes
from engine.errors import DocumentError
from engine.law.knowledge import knowledge
from engine.os_messages import os_reason
from engine.reasoning.decision import Decision
from engine.resources import templates_dir

_LOCK = threading.Lock()
_TEMPLATES: dict[Path, tuple[tuple, PreparedTemplate]] = {}  # path -> (file signature, prepared)
_MAX_TEMPLATES = 64


def jinja_env() -> jinja2.Environment:
    """The only Jinja environment clausier renders with: missing variables fail, text is escaped."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True, finalize=keep_docxtpl_escapes)
    env.filters.update(euros=fmt.euros, date_fr=fmt.date_fr, nombre=fmt.number)
    return env


def template_name(decision: Decision) -> str:
    """`public_<mode>.docx` or `prive_<mode>.docx`."""
    return _name(decision.public, decision.mode)


def template_names(rulesets=None) -> tuple[str, ...]:
    """Every template a folder of templates holds: public ones first, modes in the vocabulary's order."""
    modes = knowledge(rulesets).vocabulary.modes
    return tuple(_name(public, mode) for public in (True, False) for mode in modes)


def _name(public: bool, mode: str) -> str:
    return f"{'public' if public else 'prive'}_{mode}.docx"


def prepared(path: Path) -> PreparedTemplate:
    """The template at `path` (resolved), prepared once per process and again whenever the file changes."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DocumentError(path.name, f"modèle introuvable dans {path.parent}") from None
    except OSError as exc:
        raise DocumentError(path.name, f"modèle illisible : {os_reason(exc)}") from None
    signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    cached = _TEMPLATES.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    with _LOCK:
        cached = _TEMPLATES.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
        try:
            prepared = PreparedTemplate(path.read_bytes(), shared_env(jinja_env))
        except OSError as exc:
            raise DocumentError(path.name, f"modèle illisible : {os_reason(exc)}") from None
        except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
            raise DocumentError(path.name, "ce fichier n'est pas un document Word .docx lisible "
                                f"({exc.__class__.__name__} : {exc})") from None
        if len(_TEMPLATES) >= _MAX_TEMPLATES and path not in _TEMPLATES:
            _TEMPLATES.pop(next(iter(_TEMPLATES)))  # many organisation folders: stay bounded
        _TEMPLATES[path] = (signature, prepared)
    return prepared


def template_folder(templates: str | Path | None) -> Path:
    """The folder of templates to use, resolved (a relative folder means the same after a change of directory)."""
    return Path(templates).resolve() if templates else templates_dir()
