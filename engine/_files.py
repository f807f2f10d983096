"""Writing output files atomically: a temporary file in the same folder, then a rename (or a link).

Readers see either nothing or the whole file. The data goes to `.<name>.<random>.part` (never the
target's name). A writer holds a lock on its temporary file until it is renamed or deleted; the system
releases the lock when the process dies, so a `.part` file nobody holds is debris from a killed writer,
and `remove_stale_parts` deletes it. No click here: callers turn the exceptions into their own messages.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

_PART = re.compile(r"^\..+\.(docx|json|csv)\.[a-z0-9_]{8}\.part$")  # mkstemp names: .<target>.<8 random>.part


def _umask() -> int:
    """The process umask, read without changing it when the system tells it (threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    mode = path.stat().st_mode & 0o7777 if overwrite and path.exists() else 0o666 & ~_umask()
    tmp = None
    fd = -1
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        _lock(fd)  # held until the file is renamed or deleted (see remove_stale_parts)
        if hasattr(os, "fchmod"):  # mkstemp makes 0600 files: give the output the usual permissions
            os.fchmod(fd, mode)
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
