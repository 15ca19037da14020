"""LibreOffice headless, with a private profile: to recalculate, re-save or print a workbook in tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: Without this, LibreOffice trusts the values stored beside each formula and recalculates nothing.
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The LibreOffice command, or a skip that says why (a failure where CI requires it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = ("LibreOffice (soffice) is not installed; .ci/run installs it with apt-get "
              "(libreoffice-calc), and CI requires it")
    if os.environ.get("COSTMODEL_REQUIRE_LIBREOFFICE"):
        pytest.fail(reason)
    pytest.skip(reason)


def libreoffice_convert(sources: list[Path], to: str, folder: Path, recalculate: bool = True) -> list[Path]:
    """Convert with a private profile; check each output exists.

    `recalculate` forces recalculation on load. Without it the profile is LibreOffice's
    default, as a councillor has it: the stored values are trusted, as they open.
    """
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    if recalculate:
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    out = folder / "out"
    out.mkdir(exist_ok=True)
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(out)] + [str(s) for s in sources]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    results = [out / f"{s.stem}.{to.split(':')[0]}" for s in sources]
    # soffice exits 0 even when a conversion fails, so the files themselves are the evidence.
    missing = [r for r in results if not r.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {completed.stdout} {completed.stderr}"
    return results
