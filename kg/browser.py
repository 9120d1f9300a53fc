"""Open a page in headless Chromium with the network off, for tests and benchmarks.

Uses Playwright's Python API to drive the system's Chromium (Debian's ``chromium`` package);
Playwright's own browser downloads are never needed. ``KG_CHROMIUM`` may name another binary.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Flags that keep Chromium from reaching for the network on its own (as measured here).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageVisit:
    first_draw_ms: float
    nodes_drawn: int
    console_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)


@contextmanager
def offline_browser():
    """A Chromium whose pages can load ``file:`` URLs and nothing else."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if not executable:
        raise RuntimeError("no Chromium found: install Debian's chromium or set KG_CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def visit(browser, page_file: str | Path, *, screenshot: str | Path | None = None, timeout_ms: int = 60000, action=None) -> PageVisit:
    """Load ``page_file`` offline and read the explorer's first-draw time and node count."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []

    def route(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(Path(page_file).resolve().as_uri())
    page.wait_for_function("window.kgFirstDraw !== undefined", timeout=timeout_ms)
    if action:
        action(page)
    result = PageVisit(page.evaluate("window.kgFirstDraw"), page.evaluate("nodes.get({filter: n => !n.hidden}).length"), errors, blocked)
    if screenshot:
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
    context.close()
    return result
