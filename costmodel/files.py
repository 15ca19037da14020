"""Writing output files so that a reader never sees half of one.

Each file is written to a temporary file in the same folder and renamed over
the target, so an interrupted run leaves either the old file or the new one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import CostmodelError


class OutputError(CostmodelError):
    """An output file could not be written; the message names the path and why."""


#: Written into every workbook's properties and every JSON file, so costmodel knows its own files.
SIGNATURE = "Written by costmodel"
#: How much of the end of a PDF is read for the signature in its properties (the committee pack's
#: table of objects, after them, takes 20 bytes an object: a few kilobytes).
PDF_TAIL = 64 * 1024


def written_by_costmodel(path: Path) -> bool:
    """Whether an existing file is one costmodel wrote (and so may replace without asking): a workbook
    or Word file by its properties, a PDF by its Creator, JSON by its first key."""
    import zipfile

    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                return SIGNATURE.encode() in archive.read("docProps/core.xml")
        with open(path, "rb") as stream:
            head = stream.read(200)
            if head.startswith(b"%PDF-"):
                # A PDF's properties are written near its end, before the table of its objects.
                stream.seek(max(0, os.fstat(stream.fileno()).st_size - PDF_TAIL))
                return SIGNATURE.encode() in stream.read()
        # costmodel's JSON opens with its version, so a large file need not be read whole.
        return head.lstrip().startswith(b'{\n  "costmodel_version"')
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return False


def check_targets(targets: list[Path], inputs: list[Path], force: bool = False) -> None:
    """Refuse, before anything is written: an output that is a folder, would replace an input,
    or would replace a file costmodel did not write (unless forced)."""
    resolved = [Path(t).resolve() for t in targets]
    for target, path in zip(targets, resolved):
        if resolved.count(path) > 1:
            raise OutputError(f"{target}: is named for two outputs; give each its own file")
    for target in targets:
        target = Path(target)
        if target.is_dir():
            raise OutputError(f"{target}: is a folder; give a file name")
        if target.exists() and not target.is_file():
            raise OutputError(f"{target}: is not an ordinary file (a device, a pipe or the like); give a file name")
        for source in inputs:
            if target.exists() and Path(source).exists() and os.path.samefile(target, source):
                raise OutputError(f"{target}: is the scenario being read; choose another output file")
        if target.exists() and not force and not written_by_costmodel(target):
            raise OutputError(f"{target}: exists and was not written by costmodel; use --force to replace it")


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never part of one."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in this folder ({exc.strerror or exc}); nothing was changed") from None
    if not _write_unnamed_then_rename(target, folder, data):
        _write_named_then_rename(target, folder, data)


def _write_unnamed_then_rename(target: Path, folder: Path, data: bytes) -> bool:
    """Linux: write to a file with no name, so a killed run leaves nothing behind; name it at the end.

    Returns False where the file system cannot, and the caller uses a named temporary file.
    """
    if not hasattr(os, "O_TMPFILE"):
        return False
    try:
        handle = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o644)
    except OSError:
        return False
    temporary = None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            temporary = tempfile.mktemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
            root = os.open("/", os.O_RDONLY)
            try:
                # A directory fd makes Python call linkat() with AT_SYMLINK_FOLLOW, which names the open file.
                os.link(f"/proc/self/fd/{stream.fileno()}", temporary, src_dir_fd=root, follow_symlinks=True)
            except OSError:
                temporary = None
                return False
            finally:
                os.close(root)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary:
            _remove_quietly(temporary)
        _raise_write_error(target, exc)
    except BaseException:
        if temporary:
            _remove_quietly(temporary)
        raise
    return True


def _write_named_then_rename(target: Path, folder: Path, data: bytes) -> None:
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in this folder ({exc.strerror or exc}); nothing was changed") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        _remove_quietly(temporary)
        _raise_write_error(target, exc)
    except BaseException:
        _remove_quietly(temporary)
        raise


def _raise_write_error(target: Path, exc: OSError):
    why = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    raise OutputError(f"{target}: could not be written ({why}); nothing was changed") from None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
