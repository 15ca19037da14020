"""Writing a command's outputs all together, and only over files costmodel may replace.

Every output of one command is written whole to a temporary file first (one with no name, on
Linux, so a killed run leaves nothing behind). Only when all are complete are they put in place,
one rename each; should one of those fail, the ones already placed are put back as they were, so
that "nothing was changed" is true. A folder an output needs is made only then, and removed
again if the commit fails.

A file costmodel writes carries a fingerprint of its own bytes: a workbook in its zip comment
(which no sheet, cell or part holds, so a workbook's content is the same with it or without),
a JSON file in its last field, a PDF (the committee pack) in a comment after its end.
costmodel replaces a file without --force only while that file is still exactly what it wrote.
One a person changed in any way (a sheet added, a figure typed, saved again by a spreadsheet
program), wrote by hand, or that merely says "costmodel" somewhere is theirs. The check is made before the work, and again just before each file is put in place,
so a file saved at the path while the command ran is not lost.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import signal
import stat
import struct
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import CostmodelError
from .interrupts import INTERRUPTS, at_work


class OutputError(CostmodelError):
    """An output file could not be written; the message names the path and why."""


#: Written into every workbook's properties, for a person reading them; costmodel itself goes by
#: the fingerprint, since anyone can write these words.
SIGNATURE = "Written by costmodel"

#: The end of a zip: its "end of central directory" record, 22 bytes and then the zip's comment.
_END = b"PK\x05\x06"
_END_SIZE = 22
_ZIP_MARK = b"Written by costmodel. SHA-256 of this file without this comment: "
_ZIP_COMMENT = len(_ZIP_MARK) + 64
#: The last field of every JSON file costmodel writes: the SHA-256 of the text before it, closed.
FINGERPRINT_FIELD = "file_fingerprint"
_JSON_CLOSE = b"\n}\n"
_JSON_TAIL = re.compile(rb',\n  "' + FINGERPRINT_FIELD.encode() + rb'": "([0-9a-f]{64})"\n}\n\Z')
_JSON_TAIL_SIZE = len(f',\n  "{FINGERPRINT_FIELD}": ""\n}}\n') + 64


def signed_workbook(data: bytes) -> bytes:
    """A workbook's bytes, with their fingerprint in the zip comment (which was empty)."""
    if data[-_END_SIZE:-_END_SIZE + 4] != _END or data[-2:] != b"\0\0":
        raise ValueError("not a zip whose last record is its end, with no comment")
    digest = hashlib.sha256(data).hexdigest().encode()
    return data[:-2] + struct.pack("<H", _ZIP_COMMENT) + _ZIP_MARK + digest


def unsigned_workbook(data: bytes) -> bytes:
    """A workbook's bytes as the writer made them, before `signed_workbook`: for comparing with a re-run."""
    if _zip_mark_of(data[-(_END_SIZE + _ZIP_COMMENT):]) is None:
        return data
    return data[:-(_END_SIZE + _ZIP_COMMENT)] + data[-(_END_SIZE + _ZIP_COMMENT):-_ZIP_COMMENT - 2] + b"\0\0"


def signed_json(text: str) -> bytes:
    """JSON text (one object, as json.dumps(..., indent=2) and a newline write it) with its
    fingerprint as a last field."""
    data = text.encode("utf-8")
    if not (data.startswith(b"{") and data.endswith(_JSON_CLOSE)):
        raise ValueError("not one JSON object indented by two spaces")
    digest = hashlib.sha256(data).hexdigest()
    return data[:-len(_JSON_CLOSE)] + f',\n  "{FINGERPRINT_FIELD}": "{digest}"\n}}\n'.encode()


#: The last line of a PDF costmodel writes (the committee pack): a comment after %%EOF, which PDF
#: readers pass over, with the SHA-256 of the bytes before it.
_PDF_MARK = b"%Written by costmodel. SHA-256 of this file without this line: "
_PDF_TAIL_SIZE = len(_PDF_MARK) + 64 + 1


def signed_pdf(data: bytes) -> bytes:
    """A PDF's bytes, with their fingerprint in a last comment line."""
    if not data.startswith(b"%PDF-") or not data.endswith(b"%%EOF\n"):
        raise ValueError("not a PDF that ends with %%EOF and a newline")
    return data + _PDF_MARK + hashlib.sha256(data).hexdigest().encode() + b"\n"


def _pdf_mark_of(tail: bytes) -> tuple[bytes, bytes] | None:
    if len(tail) != _PDF_TAIL_SIZE or not tail.startswith(_PDF_MARK) or not tail.endswith(b"\n"):
        return None
    return tail[len(_PDF_MARK):-1], b""


def _zip_mark_of(tail: bytes) -> tuple[bytes, bytes] | None:
    """(the fingerprint, the end record as it was before signing), from a file's last bytes."""
    if len(tail) != _END_SIZE + _ZIP_COMMENT or tail[:4] != _END:
        return None
    if tail[20:22] != struct.pack("<H", _ZIP_COMMENT) or not tail[_END_SIZE:].startswith(_ZIP_MARK):
        return None
    return tail[-64:], tail[:20] + b"\0\0"


def _json_mark_of(tail: bytes) -> tuple[bytes, bytes] | None:
    match = _JSON_TAIL.match(tail)
    return (match[1], _JSON_CLOSE) if match else None


#: What a file at an output's path is, to costmodel.
OURS, CHANGED, OTHER = "written by costmodel, unchanged", "changed since costmodel wrote it", "another's"


def ownership(path: str | os.PathLike) -> str:
    """OURS for a file that is exactly what costmodel wrote; CHANGED for one that carries
    costmodel's fingerprint but no longer matches it; OTHER for anything else.

    Only the file's bytes are hashed: nothing in it is unpacked or parsed, so an encrypted,
    damaged or hostile zip is simply not costmodel's, and the memory used is a buffer's.
    """
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return OTHER
            for size, mark_of in ((_END_SIZE + _ZIP_COMMENT, _zip_mark_of), (_JSON_TAIL_SIZE, _json_mark_of),
                                  (_PDF_TAIL_SIZE, _pdf_mark_of)):
                if info.st_size < size:
                    continue
                stream.seek(info.st_size - size)
                mark = mark_of(stream.read(size))
                if mark is None:
                    continue
                expected, end = mark
                digest = hashlib.sha256()
                stream.seek(0)
                left = info.st_size - size
                while left > 0:
                    chunk = stream.read(min(left, 1 << 20))
                    if not chunk:
                        return CHANGED  # it grew shorter while read: changed, by someone
                    digest.update(chunk)
                    left -= len(chunk)
                digest.update(end)
                return OURS if digest.hexdigest().encode() == expected else CHANGED
    except OSError:
        pass
    return OTHER


def written_by_costmodel(path: Path) -> bool:
    """Whether an existing file is exactly one costmodel wrote (and so may replace without asking)."""
    return ownership(path) == OURS


def _refusal(target: Path, whose: str) -> str:
    if whose == CHANGED:
        return f"{target}: was changed since costmodel wrote it; use --force to replace it (and lose the changes)"
    # Saved again by a spreadsheet program, a workbook costmodel wrote no longer carries its mark.
    return f"{target}: exists, and was changed since costmodel wrote it or was not written by costmodel; " \
           f"use --force to replace it"


def check_targets(targets: list[Path], inputs: list[Path], force: bool = False) -> None:
    """Refuse, before anything is written: an output that is a folder, would replace an input,
    or would replace a file that is not exactly what costmodel wrote (unless forced)."""
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
        if target.exists() and not force:
            whose = ownership(target)
            if whose != OURS:
                raise OutputError(_refusal(target, whose))


@dataclass
class _Staged:
    """One output written whole, not yet in place."""

    target: Path
    #: folders to make, outermost first, before it can be put in place
    missing: list[Path]
    #: a file with no name (Linux's O_TMPFILE), or a hidden named one
    handle: int | None = None
    temporary: Path | None = None


class Outputs:
    """The outputs of one command, put in place together or not at all.

        with Outputs(inputs=[scenario_path], force=force) as outputs:
            outputs.check([book, results])   # before the work: refused early
            ...                              # the work
            outputs.workbook(book, data)     # each written whole, to a temporary file
            outputs.json(results, text)
            outputs.commit()                 # every one put in place, or none

    Leaving the block without `commit()` (an error, an interrupt) removes what was staged.
    """

    def __init__(self, inputs=(), force: bool = False):
        self.inputs = [Path(p) for p in inputs]
        self.force = force
        self._staged: list[_Staged] = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def check(self, targets) -> None:
        check_targets([Path(t) for t in targets if t is not None], self.inputs, self.force)

    def workbook(self, path, data: bytes) -> bytes:
        """Stage a workbook, signed; returns its bytes as they will be on disk."""
        return self.add(path, signed_workbook(data))

    def pdf(self, path, data: bytes) -> bytes:
        """Stage a PDF (the committee pack), signed; returns its bytes as they will be on disk."""
        return self.add(path, signed_pdf(data))

    def json(self, path, text: str) -> bytes:
        """Stage a JSON file, signed; returns its bytes as they will be on disk."""
        return self.add(path, signed_json(text))

    def add(self, path, data: bytes) -> bytes:
        """Stage any file (as it is: costmodel will not know it for its own)."""
        at_work()  # a temporary file from here on: an interrupt must unwind, to remove it
        target = Path(path)
        if target.is_dir():
            raise OutputError(f"{target}: is a folder; give a file name")
        folder, missing = _nearest_folder(target)
        staged = _Staged(target, missing)
        self._staged.append(staged)
        if not _write_unnamed(staged, folder, data):
            _write_named(staged, folder, data)
        return data

    def commit(self) -> None:
        """Put every staged output in place; if any cannot be, put back those that were, and raise."""
        placed: list[tuple[Path, Path | None]] = []  # (target, the file it replaced, kept under a hidden name)
        made: list[Path] = []
        with _interrupts_held():  # Ctrl-C must not leave some outputs new and others old
            try:
                for staged in self._staged:
                    try:
                        _make_folders(staged, made)
                        placed.append(self._place(staged))
                    except OSError as exc:  # in putting back the file it was to replace
                        raise OutputError(_why(staged.target, exc)) from None
            except OutputError as exc:
                left = _put_back(placed, made)
                raise OutputError(f"{exc}; " + (f"and {left} could not be put back as it was" if left
                                                 else "nothing was changed")) from None
            finally:
                self.discard()
            for _, previous in placed:
                if previous is not None:
                    _remove_quietly(previous)

    def discard(self) -> None:
        """Forget what was staged and not placed: close the unnamed files, remove the named ones."""
        for staged in self._staged:
            if staged.handle is not None:
                os.close(staged.handle)
                staged.handle = None
            if staged.temporary is not None:
                _remove_quietly(staged.temporary)
                staged.temporary = None
        self._staged = []

    def _place(self, staged: _Staged) -> tuple[Path, Path | None]:
        target = staged.target
        if not os.path.lexists(target):
            try:
                _link(staged, target)  # refused if a file appeared there this moment: never replaces one
                return target, None
            except FileExistsError:
                pass
            except OSError as exc:
                raise OutputError(_why(target, exc)) from None
        # Checked again now: a file put there while the command ran, or changed since, is another's.
        self._may_replace(target)
        previous = _keep(target)
        try:
            if staged.handle is not None:
                temporary = _hidden_name(target, ".partial")
                _link(staged, temporary)
                _replace(temporary, target)
            else:
                _replace(staged.temporary, target)
                staged.temporary = None
        except OSError as exc:
            if not os.path.lexists(target):
                os.replace(previous, target)  # it had been moved aside
            else:
                _remove_quietly(previous)
            raise OutputError(_why(target, exc)) from None
        return target, previous

    def _may_replace(self, target: Path) -> None:
        if os.path.isdir(target):
            raise OutputError(f"{target}: is a folder; give a file name")
        if self.force:
            return
        if not os.path.isfile(target):
            raise OutputError(f"{target}: is not an ordinary file (a device, a pipe or the like); give a file name")
        whose = ownership(target)
        if whose != OURS:
            raise OutputError(_refusal(target, whose))


def write_atomic(path: str | os.PathLike, data: bytes, force: bool = True) -> None:
    """Write one file so that a reader sees the old file or the new one, never part of one."""
    with Outputs(force=force) as outputs:
        outputs.add(path, data)
        outputs.commit()


@contextmanager
def _interrupts_held():
    """Ctrl-C and SIGTERM wait while the outputs are put in place; one that came meanwhile is
    raised as that ends, with every output placed (or every one put back)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _nearest_folder(target: Path) -> tuple[Path, list[Path]]:
    """The nearest folder of `target` that exists (where its temporary file goes, on the same
    disk), and the folders below it still to be made."""
    folder = target.parent if str(target.parent) else Path(".")
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.insert(0, folder)
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"{target}: {folder} is a file, not a folder; nothing was changed")
    return folder, missing


def _make_folders(staged: _Staged, made: list[Path]) -> None:
    for folder in staged.missing:
        try:
            os.mkdir(folder)
            made.append(folder)
        except FileExistsError:
            if not folder.is_dir():
                raise OutputError(f"{staged.target}: cannot make the folder {folder}, a file of that name is "
                                  f"there") from None
        except OSError as exc:
            raise OutputError(f"{staged.target}: cannot make the folder {folder} ({exc.strerror or exc})") from None


def _put_back(placed: list[tuple[Path, Path | None]], made: list[Path]) -> str:
    """Undo a commit half done; the first file that could not be put back, or ""."""
    left = ""
    for target, previous in reversed(placed):
        try:
            if previous is not None:
                os.replace(previous, target)
            else:
                os.unlink(target)
        except OSError:
            left = left or str(target)
    for folder in reversed(made):
        try:
            os.rmdir(folder)
        except OSError:
            left = left or str(folder)
    return left


def _keep(target: Path) -> Path | None:
    """Keep the file at `target` under a hidden name beside it, to put back if the commit fails.

    A second name for the same file (a hard link) leaves it in place meanwhile; where the disk
    cannot do that, it is moved aside, and the new file takes its place a moment later."""
    previous = _hidden_name(target, ".previous")
    try:
        os.link(target, previous, follow_symlinks=False)
        return previous
    except OSError:
        pass
    try:
        os.replace(target, previous)
    except OSError as exc:
        raise OutputError(_why(target, exc)) from None
    return previous


def _hidden_name(target: Path, suffix: str) -> Path:
    # A name only: the caller creates the file with link() or rename(), which refuse or replace safely.
    return Path(tempfile.mktemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent))


def _link(staged: _Staged, name: Path) -> None:
    """Give the staged file `name`; fails with FileExistsError if something is there."""
    if staged.handle is not None:
        root = os.open("/", os.O_RDONLY)
        try:
            # A directory fd makes Python call linkat() with AT_SYMLINK_FOLLOW, which names the open file.
            os.link(f"/proc/self/fd/{staged.handle}", name, src_dir_fd=root, follow_symlinks=True)
        finally:
            os.close(root)
    else:
        os.link(staged.temporary, name)
        _remove_quietly(staged.temporary)
        staged.temporary = None


def _replace(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError:
        _remove_quietly(source)
        raise


def _write_unnamed(staged: _Staged, folder: Path, data: bytes) -> bool:
    """Linux: write to a file with no name, so a killed run leaves nothing behind; it is named when
    put in place. Returns False where the file system cannot, and a named file is used."""
    if not hasattr(os, "O_TMPFILE"):
        return False
    try:
        handle = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o644)
    except OSError:
        return False
    if not os.path.exists(f"/proc/self/fd/{handle}"):
        os.close(handle)  # naming an unnamed file goes through /proc; without it, a named file is used
        return False
    staged.handle = handle
    try:
        with os.fdopen(handle, "wb", closefd=False) as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        _raise_write_error(staged.target, exc)
    return True


def _write_named(staged: _Staged, folder: Path, data: bytes) -> None:
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{staged.target.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise OutputError(f"{staged.target}: cannot write in this folder ({exc.strerror or exc}); "
                          f"nothing was changed") from None
    staged.temporary = Path(temporary)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except OSError as exc:
        _raise_write_error(staged.target, exc)


def _why(target: Path, exc: OSError) -> str:
    why = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return f"{target}: could not be put in place ({why})"


def _raise_write_error(target: Path, exc: OSError):
    why = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    raise OutputError(f"{target}: could not be written ({why}); nothing was changed") from None


def _remove_quietly(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
