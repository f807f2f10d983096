"""Writing output files atomically: a temporary file in the same folder, then a rename (or a link).

Readers see either nothing or the whole file. The data goes to `.<name>.<random>.part` (never the
target's name). A writer holds a lock on its temporary file until it is renamed or deleted; the system
releases the lock when the process dies, so a `.part` file nobody holds is debris from a killed writer,
and `remove_stale_parts` deletes it. No click here: callers turn the exceptions into their own messages.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

_PART = re.compile(r"^\..+\.(docx|json|csv)\.[a-z0-9_]{8}\.part$")  # mkstemp names: .<target>.<8 random>.part


def _lock(fd: int) -> bool:
    """Hold an exclusive lock on an open temporary file; False when another live process holds it."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def remove_stale_parts(folder: Path) -> list[Path]:
    """Delete the temporary files of writers that were killed (SIGKILL, power loss); returns them."""
    removed = []
    for tmp in folder.glob(".*.part"):
        if not _PART.match(tmp.name):
            continue
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _lock(fd):
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
        finally:
            os.close(fd)
    return removed


def _create_part(path: Path) -> tuple[int, str]:
    """A new `.<name>.<8 random characters>.part` next to `path`, opened for writing. Created with mode
    0666, which the system reduces by the umask, as for any file a program creates."""
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent} : aucun nom de fichier temporaire libre")


def write_atomically(path: Path, data: bytes, *, overwrite: bool, sync: bool = False) -> None:
    """Write `data` to `path` so that readers see either nothing or the whole file.

    Args:
        overwrite: replace an existing file (keeping its permissions); otherwise refuse.
        sync: flush the data to disk before the rename (what a single command can afford; a batch of
            thousands of regenerable files skips it).

    Raises:
        FileExistsError: `path` exists (or appeared meanwhile) and `overwrite` is false.
        OSError: the folder is missing or not writable. The temporary file is removed on any error or
            KeyboardInterrupt.
    """
    try:
        existing = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        existing = None
    if existing is not None and not overwrite:
        raise FileExistsError(str(path))
    tmp = None
    fd = -1
    try:
        fd, tmp = _create_part(path)
        _lock(fd)  # held until the file is renamed or deleted (see remove_stale_parts)
        if existing is not None and hasattr(os, "fchmod"):  # a replaced file keeps its permissions
            os.fchmod(fd, existing)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # atomic, and refuses to replace a file created meanwhile
            except FileExistsError:
                raise
            except OSError:  # file systems without hard links
                if path.exists():
                    raise FileExistsError(str(path)) from None
                os.replace(tmp, path)
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        if fd >= 0:
            os.close(fd)
