"""Every example's document opens in LibreOffice: headless conversion to PDF succeeds.

Skipped only when `soffice` is not installed (`.ci/run` installs libreoffice-writer-nogui).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) absent")]


def test_every_generated_document_converts_to_pdf(tmp_path):
    """LibreOffice converts each generated .docx (comments and annex included) to a non-empty PDF."""
    docs = []
    for path in EXAMPLES:
        decision = engine.evaluate(json.loads(path.read_text(encoding="utf-8")))
        out = tmp_path / f"{path.stem}.docx"
        out.write_bytes(engine.render(decision))
        docs.append(out)
    profile = (tmp_path / "lo_profile").as_uri()  # private profile: safe alongside other LibreOffice runs
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *map(str, docs)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for doc in docs:
        pdf = tmp_path / "pdf" / f"{doc.stem}.pdf"
        assert pdf.exists(), f"{doc.name} : conversion échouée\n{result.stdout}\n{result.stderr}"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 10_000
        assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 2, f"{pdf.name} : moins de deux pages"
