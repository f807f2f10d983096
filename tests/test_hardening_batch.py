"""`clausier batch` against path tricks in input names: every output stays a plain file directly inside
the requested output folder; nothing outside it is created, followed or overwritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

GOOD = {"segment": "travaux", "amount": 6_200_000, "procedure": "appel_offres", "buyer_type": "collectivite",
        "mode": "condition_execution", "launch_date": "2026-11-24", "title": "Groupe scolaire"}

TRICKY_NAMES = [
    "..json",                      # stem "."
    "...json",                     # stem ".."
    "\u2025.json",                 # TWO DOT LEADER: NFKD gives ".."
    "\uff0e\uff0e\uff0fetc\uff0fpasswd.json",  # fullwidth "../etc/passwd"
    "a\\..\\..\\b.json",           # Windows separators
    "_resume.json",                # would overwrite the summary
    "-rf.json",                    # looks like an option
    "CON.json",                    # reserved on Windows
    "ligne\nnouvelle.json",        # newline in a name
    "\u202eexcod.json",            # right-to-left override
    "x" * 240 + ".json",           # very long name
    "espace .json",
]


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.fixture(name="plan")
def _plan(tmp_path):
    """A folder of markets whose file names try to escape, and the files present before the run."""
    folder = tmp_path / "plan"
    folder.mkdir()
    for name in TRICKY_NAMES:
        (folder / name).write_text(json.dumps(GOOD), encoding="utf-8")
    return folder


def test_tricky_input_names_stay_inside_the_output_folder(tmp_path, plan):
    """Every output is a direct child of the output folder, the summary is intact, nothing else appears."""
    out = tmp_path / "sortie"
    before = _all_files(tmp_path)
    result = CliRunner().invoke(cli, ["batch", str(plan), "-o", str(out), "-j", "1", "--format", "json", "-q"])
    assert result.exit_code in (0, 1), (result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    created = _all_files(tmp_path) - before
    assert created, "the batch wrote something"
    for path in created:
        assert path.parent in (out, tmp_path), path
        assert path == out or path.parent == out, path
        assert not path.is_symlink()
    summary = json.loads((out / "_resume.json").read_text(encoding="utf-8"))
    assert len(summary["markets"]) == len([n for n in TRICKY_NAMES if not n.startswith(".")])  # hidden: skipped
    written = [row for row in summary["markets"] if row["status"] == "ecrit"]
    assert written, summary
    for row in summary["markets"]:
        if row["output"]:
            name = row["output"]
            assert "/" not in name and "\\" not in name and not name.startswith((".", "_"))
            assert (out / name).is_file()


def _one_market_plan(tmp_path):
    """A plan folder holding `ecole.json`, and an empty output folder."""
    folder, out = tmp_path / "plan", tmp_path / "sortie"
    folder.mkdir()
    out.mkdir()
    (folder / "ecole.json").write_text(json.dumps(GOOD), encoding="utf-8")
    return folder, out


def test_an_output_symlink_planted_in_the_output_folder_is_never_followed(tmp_path):
    """A symlink named like an output and pointing outside: the outside file is never written."""
    folder, out = _one_market_plan(tmp_path)
    victim = tmp_path / "victime.txt"
    victim.write_text("ne pas toucher", encoding="utf-8")
    os.symlink(victim, out / "ecole.json")
    for extra in ([], ["--force"]):
        result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "1", "--format", "json", "-q",
                                          *extra])
        assert "Traceback" not in result.stderr, result.stderr
        assert victim.read_text(encoding="utf-8") == "ne pas toucher"


def test_a_dangling_symlink_planted_in_the_output_folder_is_not_followed(tmp_path):
    """A dangling symlink named like an output: nothing is created where it points."""
    folder, out = _one_market_plan(tmp_path)
    target = tmp_path / "ailleurs.json"
    os.symlink(target, out / "ecole.json")
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "1", "--format", "json", "-q"])
    assert "Traceback" not in result.stderr, result.stderr
    assert not target.exists()


def test_jsonl_names_come_from_the_reference_made_safe(tmp_path):
    """JSON Lines outputs are named after the reference, made safe (never a path), or the line number."""
    plan = tmp_path / "plan.jsonl"
    evil = dict(GOOD, title="../../../etc/passwd", reference="/tmp/x")
    plan.write_text(json.dumps(evil) + "\n" + json.dumps(GOOD) + "\n", encoding="utf-8")
    out = tmp_path / "sortie"
    result = CliRunner().invoke(cli, ["batch", str(plan), "-o", str(out), "-j", "1", "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["_resume.csv", "_resume.json", "ligne-00002.json",
                                                      "tmp_x.json"]


def test_batch_outputs_get_the_usual_permissions(tmp_path):
    """Outputs are readable like any file the user creates (umask), not 0600 like temporary files."""
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "ecole.json").write_text(json.dumps(GOOD), encoding="utf-8")
    out = tmp_path / "sortie"
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "1", "--format", "json", "-q"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()} == {
        "ecole.json": 0o644, "_resume.csv": 0o644, "_resume.json": 0o644}
