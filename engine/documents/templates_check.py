"""Checks an organisation's Word templates against the context clausier provides.

`check_templates(folder)` reads each of the six templates an organisation may replace and reports:
- a template file that is missing or is not a readable .docx, or whose Jinja does not parse;
- every variable path the template uses (`{{ marche.titre }}`, `{% for l in reserve.lots %}{{ l.numero }}`…)
  that the context's types do not declare (`context_types.py`, documented in docs/template-context.md);
- every required block missing: a `⟦block⟧` marker present in clausier's own template of the same name
  (the part of the clause the rules may select, e.g. `⟦penalites⟧`), absent from the organisation's.

No I/O beyond reading the templates; the CLI prints the result (`clausier templates check DIR`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from jinja2 import TemplateSyntaxError, nodes

from engine.documents.context_types import skeleton
from engine.documents.word import docxtpl_door
from engine.documents.word.finish import MARKER
from engine.law.knowledge import knowledge
from engine.resources import templates_dir

_LOOP_NAMES = {"loop"}

@dataclass(frozen=True)
class Problem:
    template: str
    kind: str  # "absent", "illisible", "variable", "bloc"
    message: str

    def __str__(self) -> str:
        return f"{self.template} : {self.message}"


def reference_context(rulesets=None) -> dict:
    """Every variable a template may use: the context's types (`context_types.TemplateContext`), with the
    keys the rulesets give to `blocs`, `bases*` (every block a rule may select) and `contenus`."""
    kb = knowledge(rulesets)
    blocks = list(kb.known_blocks)
    return skeleton(keys={"blocs": blocks, "bases": blocks, "bases_de": blocks, "bases_a": blocks,
                          "contenus": list(kb.contents)})


def _path(node, aliases):
    if isinstance(node, nodes.Name):
        return list(aliases[node.name]) if node.name in aliases else [node.name]
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, aliases)
        return None if base is None else base + [node.attr]
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        base = _path(node.node, aliases)
        return None if base is None else base + [node.arg.value]
    return None


def _used_paths(node, aliases: dict, assigned: set, out: set) -> None:
    if isinstance(node, nodes.For):
        _used_paths(node.iter, aliases, assigned, out)
        inner = dict(aliases)
        it = _path(node.iter, aliases)
        names = [n.name for n in node.target.find_all(nodes.Name)] if not isinstance(node.target, nodes.Name) \
            else [node.target.name]
        for name in names:
            inner[name] = (it + ["[]"]) if it is not None and len(names) == 1 else ["?"]
        for child in node.body + node.else_:
            _used_paths(child, inner, assigned, out)
        return
    if isinstance(node, nodes.Assign):
        assigned.update(n.name for n in node.target.find_all(nodes.Name))
    if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
        path = _path(node, aliases)
        if path is not None and isinstance(node, nodes.Name) and node.ctx != "load":
            return
        if path is not None:
            out.add(tuple(path))
            if isinstance(node, nodes.Getitem):
                _used_paths(node.arg, aliases, assigned, out)
            return
    for child in node.iter_child_nodes():
        _used_paths(child, aliases, assigned, out)


def _exists(context, path) -> bool:
    cur = context
    for step in path:
        if step == "?":
            return True
        if step == "[]":
            if not isinstance(cur, list):
                return False
            if not cur:
                return True
            cur = cur[0]
        elif isinstance(cur, dict):
            if step not in cur:
                return False
            cur = cur[step]
        elif not hasattr(cur, step):  # str methods, e.g. {{ marche.titre.upper() }}
            return False
        else:
            return True
    return True


def _markers(data: bytes) -> set[str]:
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    texts += [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return {m for text in texts for m in MARKER.findall(text)}


def check_template(name: str, data: bytes, context: dict, reference: bytes | None, env) -> list[Problem]:
    """The problems of one template (see the module docstring)."""
    try:
        source = docxtpl_door.jinja_source(data)
    except Exception as exc:  # a zip or XML that python-docx cannot open
        return [Problem(name, "illisible", f"fichier illisible comme document Word ({type(exc).__name__})")]
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [Problem(name, "illisible", f"erreur de syntaxe Jinja : {exc.message}")]
    used: set = set()
    assigned: set = set()
    _used_paths(tree, {}, assigned, used)
    problems = []
    for path in sorted(used):
        if path[0] in assigned or path[0] in _LOOP_NAMES or path[0] in env.globals:
            continue
        if not _exists(context, path):
            shown = ".".join(p for p in path if p != "[]")
            problems.append(Problem(name, "variable", f"variable « {shown} » non fournie par le contexte"))
    markers = _markers(data)
    # a marker names a block of the rules, the reserved lots' list, or a content list (its sources go to
    # the section's comment)
    known = set(context.get("blocs", {})) | {"reserve_lots"} | set(context.get("contenus", {}))
    for block in sorted(markers - known):
        problems.append(Problem(name, "bloc", f"marqueur ⟦{block}⟧ : bloc inconnu des règles et des contenus"))
    if reference is not None:
        for block in sorted(_markers(reference) - markers):
            problems.append(Problem(name, "bloc", f"bloc requis absent : ⟦{block}⟧ (présent dans le modèle "
                                                  "de clausier ; un titre doit porter ce marqueur)"))
    return problems


def check_templates(folder: str | Path, rulesets=None) -> dict[str, list[Problem]]:
    """For each template name, the problems found in `folder` (empty list: the template is fine)."""
    from engine.documents.template_files import jinja_env, template_names

    folder = Path(folder)
    context = reference_context(rulesets)
    env = jinja_env()
    ours = templates_dir()
    out: dict[str, list[Problem]] = {}
    for name in template_names(rulesets):
        path = folder / name
        if not path.is_file():
            out[name] = [Problem(name, "absent", f"modèle absent de {folder}")]
            continue
        reference = (ours / name).read_bytes() if (ours / name).is_file() else None
        out[name] = check_template(name, path.read_bytes(), context, reference, env)
    return out
