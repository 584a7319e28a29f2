"""Headless Chromium for the browser tests: the Debian package's binary driven by Playwright
(Playwright never downloads a browser of its own here)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A launched browser (skips the test when Chromium or Playwright is missing). While it is open
    the test's own ORM calls are allowed: Playwright's sync API runs an event loop in this thread,
    and Django refuses database calls there unless told (the calls are synchronous and safe)."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is missing: apt-get install chromium chromium-driver")
    sync_api = pytest.importorskip("playwright.sync_api")
    allowed = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            try:
                yield browser
            finally:
                browser.close()
                # ORM calls made inside Playwright's context get a connection of their own
                # (Django's connections are per context): closed here, inside that context, or
                # the test database cannot be dropped.
                from django.db import connections

                connections.close_all()
    finally:
        if allowed is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed
