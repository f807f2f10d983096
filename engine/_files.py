"""Writing output files atomically: a temporary file in the same folder, then a rename.

No click here: callers turn `FileExistsError` into their own message.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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


def write_atomically(path: Path, data: bytes, *, overwrite: bool, sync: bool = False) -> None:
    """Write `data` to `path` so that readers see either nothing or the whole file.

    `sync` also flushes the data to disk before the rename (slower; what a single command may afford).

    Raises:
        FileExistsError: `path` exists (or appeared meanwhile) and `overwrite` is false.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes 0600 files: give the output the user's usual permissions
            os.fchmod(fd, path.stat().st_mode & 0o7777 if overwrite and path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
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
        if os.path.exists(tmp):
            os.unlink(tmp)
