"""Writing output files so that a reader never sees half of one.

Each file is written to a temporary file in the same folder and renamed over
the target, so an interrupted run leaves either the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """An output file could not be written; the message names the path and why."""


def check_targets(targets: list[Path], inputs: list[Path]) -> None:
    """Refuse, before anything is written, an output that is a folder or would replace an input."""
    for target in targets:
        if target.is_dir():
            raise OutputError(f"{target}: is a folder; give a file name")
        for source in inputs:
            if target.exists() and source.exists() and os.path.samefile(target, source):
                raise OutputError(f"{target}: is the scenario being read; choose another output file")


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        _remove_quietly(temporary)
        raise OutputError(f"{target}: could not be written ({exc.strerror or exc})") from None
    except BaseException:
        _remove_quietly(temporary)
        raise


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
