"""A disk that fills up, for tests of what costmodel does when a write fails halfway."""

from __future__ import annotations

import errno


def fill_the_disk(monkeypatch, room_for=lambda data: False) -> None:
    """From now on every file costmodel writes through `os.fdopen` (each output's temporary file)
    fails with "No space left on device", except writes `room_for(data)` lets through."""
    import costmodel.files as files

    real_fdopen = files.os.fdopen

    class FullDisk:
        def __init__(self, stream):
            self.stream = stream

        def write(self, data):
            if not room_for(data):
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.stream.write(data)

        def __getattr__(self, name):
            return getattr(self.stream, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

    monkeypatch.setattr(files.os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
