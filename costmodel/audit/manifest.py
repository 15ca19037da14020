"""The run record: what an auditor needs to know about how a set of results was made."""

from __future__ import annotations

import hashlib
import shlex
import platform
from importlib import metadata
from pathlib import Path

from .. import __version__

LIBRARIES = ("numpy", "pandas", "pydantic", "ruamel.yaml", "XlsxWriter", "openpyxl", "defusedxml", "click")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_record(scenario_path: Path, projection, command: list[str]) -> dict:
    """Everything but the outputs' own hashes, which are known only once they are written."""
    checks = projection.checks
    return {
        "costmodel_version": __version__,
        "command": shlex.join(command),
        "scenario": {
            "file": str(scenario_path),
            "sha256": sha256_of(Path(scenario_path).read_bytes()),
            "fingerprint": projection.fingerprint,
        },
        "libraries": library_versions(),
        "checks": {
            "published_figures": len(checks),
            "agree": sum(check.ok for check in checks),
            "differ": [check.name for check in checks if not check.ok],
        },
    }


def cover_lines(record: dict) -> list[tuple[str, str]]:
    """The record as label and text pairs, for the Cover."""
    checks = record["checks"]
    libraries = ", ".join(f"{name} {version}" for name, version in record["libraries"].items())
    return [
        ("Command", record["command"]),
        ("Scenario file", record["scenario"]["file"]),
        ("Scenario file SHA-256", record["scenario"]["sha256"]),
        ("Tool and libraries", f"costmodel {record['costmodel_version']}; {libraries}"),
        ("Published figures", f"{checks['agree']} of {checks['published_figures']} agree"
                              + (f"; differ: {'; '.join(checks['differ'])}" if checks["differ"] else "")),
        ("This workbook's SHA-256", "in the manifest file written beside it (a file cannot hold its own hash)"),
    ]
