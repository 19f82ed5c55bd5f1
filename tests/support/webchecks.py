"""The pinned Node tools of tools/web-checks (Lighthouse, the Nu HTML checker's vnu.jar), installed by
`make web-checks`: where they are, and a skip (a failure when DATELINE_REQUIRE_BROWSER=1, as in CI) without them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support.browser import CHROMIUM, require_chromium

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "web-checks"
LIGHTHOUSE_SCRIPT = TOOLS / "lighthouse-scores.mjs"
LIGHTHOUSE_PACKAGE = TOOLS / "node_modules" / "lighthouse" / "package.json"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _missing(what: str) -> None:
    message = f"{what} is missing (run `make web-checks`)"
    if os.environ.get("DATELINE_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " but DATELINE_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(message)


def require_lighthouse() -> list[str]:
    """The command that runs the Lighthouse script (node and Chromium found, the package installed)."""
    require_chromium()
    node = shutil.which("node")
    if node is None or not LIGHTHOUSE_PACKAGE.exists():
        _missing("node or tools/web-checks/node_modules/lighthouse")
    return [str(node), str(LIGHTHOUSE_SCRIPT)]


def require_vnu() -> list[str]:
    """The command that runs the Nu HTML checker (java found, vnu.jar installed)."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        _missing("java or tools/web-checks/node_modules/vnu-jar")
    return [str(java), "-Xss2m", "-jar", str(VNU_JAR)]


__all__ = ["CHROMIUM", "require_lighthouse", "require_vnu"]
