"""A workbook's zip parts, read and written back: how tests edit a published file by hand."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_parts(parts: dict[str, bytes], path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The part holding the named sheet's cells."""
    names = re.findall(r'<sheet name="([^"]+)"', parts["xl/workbook.xml"].decode())
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"
