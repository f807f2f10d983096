"""Faults while writing: no partial document, no silent overwrite, temporary files cleaned up.

The subprocess tests run the real entry point with `os.fsync` replaced by a pause: the moment the
temporary file is complete but not yet renamed, i.e. the last instant a crash could leave debris. They
then interrupt the process (SIGINT = Ctrl-C, SIGTERM, SIGKILL) and look at the output folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from engine.cli.common import write_atomically
from engine.cli.errors import CliError
from engine.files import remove_stale_parts

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "travaux_condition_execution.json"

# Runs `clausier ARGS…` with fsync replaced by "say so, then wait": the temp file exists, the target not yet.
SLOW_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import cli

    def paused_fsync(fd, marker=Path(os.environ["FAULT_MARKER"])):
        marker.write_text("temporary file written")
        time.sleep(60)

    os.fsync = paused_fsync
    sys.argv[0] = "clausier"
    cli.main()
""")


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def _start_slow_generate(tmp_path: Path, out: Path) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FAULT_MARKER": str(marker)}
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, "generate", str(EXAMPLE), "-o", str(out)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the writer ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the writer never reached the write")
        time.sleep(0.02)
    return proc, marker


@pytest.fixture(name="outdir")
def _outdir(tmp_path):
    """An empty output folder."""
    out = tmp_path / "sortie"
    out.mkdir()
    return out


class TestKilledMidway:
    @pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM)],
                             ids=["SIGINT", "SIGTERM"])
    def test_interrupted_generation_leaves_nothing(self, tmp_path, outdir, sig, code):
        """Ctrl-C or SIGTERM during the write: no document, no temporary file, a clear exit code."""
        target = outdir / "clause.docx"
        proc, _ = _start_slow_generate(tmp_path, target)
        assert _parts(outdir), "the temporary file exists while writing"
        assert not target.exists()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == code, err
        assert b"Traceback" not in err
        assert list(outdir.iterdir()) == []

    def test_sigkill_leaves_only_a_locked_free_part_file_that_the_next_run_removes(self, tmp_path, outdir):
        """SIGKILL cannot be caught: the temp file stays (never under the target's name) and the next run deletes it."""
        target = outdir / "clause.docx"
        proc, _ = _start_slow_generate(tmp_path, target)
        proc.kill()
        proc.communicate(timeout=30)
        stale = _parts(outdir)
        assert len(stale) == 1 and stale[0].startswith(".clause.docx.") and stale[0] != "clause.docx"
        assert not target.exists()
        result = CliRunner().invoke(cli.cli, ["generate", str(EXAMPLE), "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        assert sorted(p.name for p in outdir.iterdir()) == ["clause.docx"]
        assert target.read_bytes()[:2] == b"PK"

    def test_a_live_writers_part_file_is_not_removed(self, tmp_path, outdir):
        """The cleanup spares a temporary file that another running process is still writing."""
        target = outdir / "clause.docx"
        proc, _ = _start_slow_generate(tmp_path, target)
        try:
            live = _parts(outdir)
            assert remove_stale_parts(outdir) == []
            write_atomically(outdir / "autre.docx", b"PK other", force=False)
            assert set(live) <= set(_parts(outdir))
        finally:
            proc.kill()
            proc.communicate(timeout=30)
        assert len(remove_stale_parts(outdir)) == 1
        assert _parts(outdir) == []


class TestWriteAtomically:
    def test_never_overwrites_without_force(self, tmp_path):
        """An existing file is kept and the refusal names --force."""
        target = tmp_path / "clause.docx"
        target.write_bytes(b"previous work")
        with pytest.raises(CliError, match="--force") as err:
            write_atomically(target, b"new", force=False)
        assert (err.value.code, err.value.exit_code) == ("fichier_existant", 3)
        assert target.read_bytes() == b"previous work"
        write_atomically(target, b"new", force=True)
        assert target.read_bytes() == b"new"
        assert _parts(tmp_path) == []

    def test_a_failing_write_leaves_nothing(self, tmp_path, monkeypatch):
        """Disk full in the middle of the write: a refusal, no target, no temporary file."""
        def full(fd, data):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "write", full)
        with pytest.raises(CliError, match="écriture impossible") as err:
            write_atomically(tmp_path / "clause.docx", b"x" * 1000, force=False)
        assert "plus de place sur le disque" in err.value.message and "No space" not in err.value.message
        assert (err.value.code, err.value.exit_code) == ("ecriture_impossible", 3)
        assert list(tmp_path.iterdir()) == []

    def test_ctrl_c_inside_the_write_leaves_nothing(self, tmp_path, monkeypatch):
        """KeyboardInterrupt while flushing: it propagates, and the temporary file is gone."""
        def interrupted(fd):
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "fsync", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_atomically(tmp_path / "clause.docx", b"data", force=True)
        assert list(tmp_path.iterdir()) == []

    def test_a_file_created_meanwhile_is_not_replaced(self, tmp_path, monkeypatch):
        """If the target appears between the check and the link, it is kept."""
        target = tmp_path / "clause.docx"
        real_fsync = os.fsync

        def someone_else_writes(fd):
            real_fsync(fd)
            target.write_bytes(b"theirs")

        monkeypatch.setattr(os, "fsync", someone_else_writes)
        with pytest.raises(CliError, match="existe déjà"):
            write_atomically(target, b"ours", force=False)
        assert target.read_bytes() == b"theirs"
        assert _parts(tmp_path) == []

    def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(self, tmp_path):
        """Not the 0600 of temporary files: a document is readable like any file the user creates."""
        old = os.umask(0o022)
        try:
            target = tmp_path / "clause.docx"
            write_atomically(target, b"a", force=False)
            assert target.stat().st_mode & 0o777 == 0o644
            target.chmod(0o640)
            write_atomically(target, b"b", force=True)
            assert target.stat().st_mode & 0o777 == 0o640
        finally:
            os.umask(old)

    def test_missing_output_folder(self, tmp_path):
        """An output folder that does not exist is a refusal, not a traceback."""
        with pytest.raises(CliError, match="introuvable"):
            write_atomically(tmp_path / "absent" / "clause.docx", b"x", force=False)

    def test_only_clausier_part_files_are_cleaned(self, tmp_path):
        """A user's own file that merely ends in .part is never touched."""
        mine = tmp_path / ".notes.part"
        mine.write_text("à garder")
        stale = tmp_path / ".clause.docx.abcd1234.part"
        stale.write_bytes(b"debris")
        assert remove_stale_parts(tmp_path) == [stale]
        assert mine.exists()


class TestGenerateOutput:
    def test_generate_refuses_to_write_over_its_own_input(self, tmp_path):
        """A market file named .docx given as its own output is refused even with --force."""
        market = tmp_path / "marche.docx"
        market.write_bytes(EXAMPLE.read_bytes())
        result = CliRunner().invoke(cli.cli, ["generate", str(market), "-o", str(market), "--force"])
        assert result.exit_code == 2, result.stderr
        assert market.read_bytes() == EXAMPLE.read_bytes()

    def test_output_must_be_docx(self, tmp_path):
        """-o with another extension: exit 2 and nothing written."""
        result = CliRunner().invoke(cli.cli, ["generate", str(EXAMPLE), "-o", str(tmp_path / "clause.pdf")])
        assert result.exit_code == 2
        assert list(tmp_path.iterdir()) == []

    def test_refused_generation_writes_nothing_and_prints_nothing(self, tmp_path):
        """A mode that is not allowed: exit 1, empty stdout, no file."""
        market = tmp_path / "m.json"
        market.write_text('{"segment": "travaux", "amount": 300000, "procedure": "procedure_adaptee", '
                          '"buyer_type": "collectivite", "reserved_for": "ess", "mode": "condition_execution", '
                          '"launch_date": "2026-06-01"}', encoding="utf-8")
        result = CliRunner().invoke(cli.cli, ["generate", str(market), "-o", str(tmp_path / "c.docx")])
        assert result.exit_code == 1 and result.stdout == ""
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
