"""External programs some tests need (Chromium, LibreOffice): a skip with the reason locally,
a failure under CI=true, where `make test` must have installed them."""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def missing(what: str, package: str) -> NoReturn:
    """WHAT is not installed: skip (locally) or fail (CI), naming Debian's PACKAGE."""
    message = f"{what} is missing: install Debian's package `{package}` (`make test` does it as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_program(name: str, package: str) -> str:
    """The program's path; skips (locally) or fails (CI) when Debian's PACKAGE is not installed."""
    return shutil.which(name) or missing(name, package)
