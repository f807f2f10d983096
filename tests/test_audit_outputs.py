"""Output files (CSV for Excel, JSON, self-contained HTML), OUTDIR protection and the CLI's exit codes."""

import json
import re
import subprocess
import sys

import pytest

from engine.audit import OutputError, audit
from engine.audit.contract import COLUMNS
from tests._audit import ALL_FIXTURES, FIXTURES, ROOT, TODAY

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)


def test_files(tmp_path):
    data = audit(ALL_FIXTURES, tmp_path, jobs=1, today=TODAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contrats.csv", "rapport.html", "synthese.json"]
    raw = (tmp_path / "contrats.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(";") == list(COLUMNS)
    assert json.loads((tmp_path / "synthese.json").read_text(encoding="utf-8")) == json.loads(json.dumps(data, default=str))
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html and "<svg" in html
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)  # no external asset
    assert "<script" not in html
    assert "dérogation" in html and "Qualité des données" in html


def test_outdir_not_empty_is_refused_and_untouched(tmp_path):
    (tmp_path / "a_moi.txt").write_text("garder", encoding="utf-8")
    with pytest.raises(OutputError, match="pas vide"):
        audit(ALL_FIXTURES, tmp_path, jobs=1, today=TODAY)
    assert [p.name for p in tmp_path.iterdir()] == ["a_moi.txt"]
    audit(ALL_FIXTURES, tmp_path, jobs=1, today=TODAY, force=True)
    assert (tmp_path / "a_moi.txt").read_text(encoding="utf-8") == "garder"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".audit-")]


def _cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "audit", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_exit_codes(tmp_path):
    ok = _cli(FIXTURES / "decp-2022-cas.json", "-o", tmp_path / "out", "-j", "1")
    assert ok.returncode == 0, ok.stderr
    assert "contrat(s) distinct(s)" in ok.stdout and "Traceback" not in ok.stderr
    again = _cli(FIXTURES / "decp-2022-cas.json", "-o", tmp_path / "out")
    assert again.returncode == 3 and "--force" in again.stderr
    missing = _cli(tmp_path / "absent.json", "-o", tmp_path / "o2")  # a file problem: exit 3, as every command
    assert missing.returncode == 3 and "introuvable" in missing.stderr
    as_json = _cli(tmp_path / "absent.json", "-o", tmp_path / "o2", "--format", "json")
    assert json.loads(as_json.stderr)["code"] == "fichier_introuvable"
    bad_buyers = tmp_path / "acheteurs.csv"
    bad_buyers.write_text("siret;type\n21750001600019;mairie\n", encoding="utf-8")
    refused = _cli(FIXTURES / "decp-2022-cas.json", "-o", tmp_path / "o3", "--buyers", bad_buyers)
    assert refused.returncode == 2 and "mairie" in refused.stderr and "collectivite" in refused.stderr
    assert not (tmp_path / "o3").exists()
    bad_date = _cli(FIXTURES / "decp-2022-cas.json", "-o", tmp_path / "o4", "--date", "29/11/2026")
    assert bad_date.returncode == 2 and "AAAA-MM-JJ" in bad_date.stderr
