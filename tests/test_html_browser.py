"""The HTML report in a real browser: headless Chromium builds the DOM and draws the page.

No Python dependency: the browser is run as a program. ``--dump-dom`` prints the DOM after
loading, which is parsed back and compared with the report's numbers; ``--screenshot`` draws
it. With ``--enable-logging=stderr`` Chromium writes every console message (script errors,
Content-Security-Policy refusals) to stderr as ``…:CONSOLE…`` lines; the page has no script and
must produce none. A canary page with a broken script checks that such lines do appear, so that
the check cannot pass by looking at the wrong output.

Chromium is Debian's ``chromium`` package (/usr/bin/chromium; ``$CHROMIUM`` names another, and
then only that one is tried).
Without it the test is skipped, except under CI (``CI=true``), where it fails: CI installs
the browser, and a missing one must not pass silently.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from obligations.findings import Status
from obligations.html_report import render_html
from tests.test_html_report import SCRIPT_TITLE, SPEC_TITLE, Page, evil_result

TIMEOUT = 60  # seconds for one browser run; the whole test takes a few seconds
CONSOLE_MARKERS = (":CONSOLE", "Uncaught", "Refused to", "Content Security Policy")


def _chromium() -> str:
    """The browser to run: ``$CHROMIUM`` if set, else chromium on the PATH or /usr/bin/chromium."""
    named = os.environ.get("CHROMIUM")
    candidates = (
        [named]
        if named
        else [shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium"]
    )
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    message = f"chromium is not installed ({named or 'apt-get install -y chromium'})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}: under CI the browser test must run")
    pytest.skip(message)


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",  # containers and CI run as root, where the sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, f"chromium exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(m in line for m in CONSOLE_MARKERS)]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_report_in_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    started = time.monotonic()
    result = evil_result()
    report = tmp_path / "報告.html"
    report.write_text(render_html(result, SPEC_TITLE, "zh-Hant"), encoding="utf-8")
    url = report.as_uri()

    # 1. The DOM the browser built.
    dom_run = _run(browser, tmp_path / "profile", "--dump-dom", url)
    dom = Page(dom_run.stdout)
    assert dom.tags("script") == [], "a string from the evidence became a script element"
    assert dom.tags("img") == []
    assert not [name for _, a in dom.elements for name in a if name.startswith("on")]
    text = "".join(dom.text)
    assert SCRIPT_TITLE in text and SPEC_TITLE in text  # shown as text
    assert dom.tags("html") and dom.tags("html")[0].get("lang") == "zh-Hant"
    shown = {key: cells[1] for key, cells in dom.rows_in("summary") if key}
    summary = result.summary()
    assert {k: int(shown[k]) for k in summary} == summary
    assert (shown["rows_read"], shown["matched"], shown["unmatched"], shown["rejected"]) == (
        "31",
        "21",
        "8",
        "2",
    )
    heat = [a.get("data-status") for tag, a in dom.section("heatmap") if tag == "td"]
    assert len(heat) == 17 * 7  # ISO weeks 27 to 43 (the as-of week) × the agencies owing occurrences
    assert heat.count(Status.MISSING.value) == 4 and heat.count(Status.PENDING.value) == 1
    links = [a for a in dom.tags("a") if not (a.get("href") or "").startswith("#")]
    assert {a.get("href") for a in links} == {
        "https://czj.example.gov.cn/10",
        "http://stats.example.cn/a?x=1&y=2",
    }
    assert all(a.get("rel") == "noopener noreferrer" for a in links)
    assert _console(dom_run.stderr) == [], "the page logged to the console (script error or CSP refusal)"

    # 2. It draws: a real, non-blank PNG of the requested size.
    shot = tmp_path / "report.png"
    shot_run = _run(
        browser,
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1280,2400",
        "--hide-scrollbars",
        url,
    )
    assert shot.exists(), shot_run.stderr[-3000:]
    assert _png_size(shot) == (1280, 2400)
    assert shot.stat().st_size > 30_000, "the screenshot is (nearly) blank"
    assert _console(shot_run.stderr) == []

    # 3. The canary: a page with a broken script is seen to log, so the check above is real.
    canary = tmp_path / "canary.html"
    canary.write_text(
        "<!DOCTYPE html><title>c</title><p>c</p><script>noSuchFunction()</script>", encoding="utf-8"
    )
    canary_run = _run(browser, tmp_path / "profile", "--dump-dom", canary.as_uri())
    assert any("Uncaught" in line for line in _console(canary_run.stderr)), canary_run.stderr[-3000:]

    elapsed = time.monotonic() - started
    print(f"browser test: {elapsed:.1f} s")
    assert elapsed < 60, f"the browser test took {elapsed:.1f} s (budget: 20 s)"
