"""The tree shows the data flow: each stage of engine/ imports only from the stages before it, and no module
imports itself back through another (no cycle). A newcomer following cli.py to the .docx never goes back up."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Stages in data-flow order. Foundations (errors, fmt, files, resources) may be imported by every stage;
# a stage may import from itself and from any stage before it, never from one after it.
FOUNDATIONS = {"engine.errors", "engine.fmt", "engine.files", "engine.resources", "engine.version", "engine.os_messages"}
STAGES = ["market", "law", "reasoning", "documents", "batch", "service", "audit", "cli"]
TOP = {"engine", "engine.testing"}  # the public API and test helpers sit above every stage


def _module(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph(root: Path) -> dict[str, set[str]]:
    """Module -> the engine modules it imports (at module level or inside functions)."""
    paths = sorted((root / "engine").rglob("*.py"))
    modules = {_module(root, p) for p in paths}
    graph = {}
    for path in paths:
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:  # `from engine import fmt` imports engine.fmt, not engine
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in modules else node.module)
        graph[_module(root, path)] = {m for m in found if m in modules}
    return graph


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def backward_imports(root: Path) -> list[str]:
    out = []
    for module, imported in _graph(root).items():
        mine = _stage(module)
        if mine is None:
            continue
        for other in imported:
            theirs = _stage(other)
            if other in TOP or (theirs is not None and STAGES.index(theirs) > STAGES.index(mine)):
                out.append(f"{module} -> {other}")
    return sorted(out)


def cycles(root: Path) -> list[list[str]]:
    graph = _graph(root)
    for mod in graph:  # a package's __init__ importing its own modules is no edge back up
        graph[mod] = {m for m in graph[mod] if not m.startswith(mod + ".")}
    state: dict[str, int] = {}
    found = []

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_every_module_belongs_to_a_stage_or_the_foundations():
    strays = [m for m in _graph(ROOT) if m not in FOUNDATIONS | TOP and _stage(m) is None]
    assert strays == []


def test_no_stage_imports_from_a_later_stage():
    assert backward_imports(ROOT) == []


def test_no_import_cycle():
    assert cycles(ROOT) == []


def test_the_checks_see_a_backward_import_and_a_cycle(tmp_path):
    """The checks themselves can fail: a law module importing reasoning, and two modules importing each other."""
    for name, source in {
        "engine/__init__.py": "",
        "engine/law/__init__.py": "",
        "engine/law/rules.py": "from engine.reasoning.evaluate import evaluate\n",
        "engine/reasoning/__init__.py": "",
        "engine/reasoning/evaluate.py": "from engine.reasoning import facts\n",
        "engine/reasoning/facts.py": "import engine.reasoning.evaluate\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    assert backward_imports(tmp_path) == ["engine.law.rules -> engine.reasoning.evaluate"]
    assert ["engine.reasoning.evaluate", "engine.reasoning.facts", "engine.reasoning.evaluate"] in cycles(tmp_path)
