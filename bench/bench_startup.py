"""Start-up: ``obligations due --week`` on the bundled spec vs ``python -c "import click, attrs, pendulum"``.

Run: .venv/bin/python bench/bench_startup.py [--repeat N] [--no-miss]

Each side is a fresh process (``subprocess.run``), timed by wall clock; the sides are interleaved
so machine noise hits them alike, and the median of N runs (default 21, at least 15) is reported
with the ratio. The target is ``due`` ≤ 1.5 × the reference, with the compiled-spec cache warm.

Set-up, so that the figures are those a user sees:
- the commands run in an empty temporary folder (no ``./specs/``), so ``due`` uses the bundled spec;
- ``OBLIGATIONS_CACHE_DIR`` is a fresh temporary folder, warmed by the first (unmeasured) runs;
- ``PYTHONDONTWRITEBYTECODE`` is removed from the environment, so the project's modules run from
  bytecode as they do after ``pip install`` (the warm-up runs write it);
- ``--today`` is fixed (2026-09-30), so every run computes the same week.

With ``--miss`` unless ``--no-miss``, a third side runs ``due`` with the cache off
(``OBLIGATIONS_CACHE_DIR=""``): what the cache saves.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REFERENCE = [sys.executable, "-c", "import click, attrs, pendulum"]
# Until `due` is registered in obligations.cli, the command is run through a shim that registers
# it; afterwards (and always after `pip install`) through the installed console script.
_SHIM = (
    "import sys\n"
    "from obligations.cli import main\n"
    "from obligations.cli_due import calendar_cmd, due\n"
    "main.add_command(due); main.add_command(calendar_cmd)\n"
    "sys.exit(main())\n"
)
TODAY = "2026-09-30"


def due_command() -> tuple[list[str], str]:
    from obligations.cli import main

    if "due" not in main.commands:
        return [sys.executable, "-c", _SHIM], "shim (due not yet registered in obligations.cli)"
    script = Path(sys.executable).with_name("obligations")
    if script.exists():
        return [str(script)], str(script)
    return [sys.executable, "-m", "obligations"], "python -m obligations"


def time_once(cmd: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--no-miss", action="store_true", help="skip the cache-off side")
    args = ap.parse_args()
    if args.repeat < 15:
        ap.error("--repeat must be at least 15")
    base, how = due_command()
    due = [*base, "--lang", "zh", "due", "--week", "--today", TODAY]
    work = tempfile.mkdtemp(prefix="obligations-bench-")
    try:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["OBLIGATIONS_CACHE_DIR"] = str(Path(work) / "cache")
        env.pop("OBLIGATIONS_HOLIDAYS", None)
        cold = dict(env, OBLIGATIONS_CACHE_DIR="")
        folder = str(Path(work) / "cwd")
        os.mkdir(folder)
        sides: dict[str, tuple[list[str], dict[str, str]]] = {
            'python -c "import click, attrs, pendulum"': (REFERENCE, env),
            "obligations due --week (cache warm)": (due, env),
        }
        if not args.no_miss:
            sides["obligations due --week (cache off)"] = (due, cold)
        for cmd, e in sides.values():  # warm-up: bytecode, the cache, the OS file cache
            for _ in range(3):
                time_once(cmd, folder, e)
        walls: dict[str, list[float]] = {name: [] for name in sides}
        cpus: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.repeat):
            for name, (cmd, e) in sides.items():
                wall, cpu = time_once(cmd, folder, e)
                walls[name].append(wall * 1000)
                cpus[name].append(cpu * 1000)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall_med = {name: statistics.median(v) for name, v in walls.items()}
    cpu_med = {name: statistics.median(v) for name, v in cpus.items()}
    print(f"# {args.repeat} runs each, interleaved; due run as: {how}")
    print(f"# python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print("| command | wall, median | wall, min | CPU (user+sys), median |")
    print("|---|---|---|---|")
    for name in walls:
        print(f"| `{name}` | {wall_med[name]:.0f} ms | {min(walls[name]):.0f} ms | {cpu_med[name]:.0f} ms |")
    ref, due_name = list(walls)[:2]
    wall_ratio = wall_med[due_name] / wall_med[ref]
    cpu_ratio = cpu_med[due_name] / cpu_med[ref]
    print(f"| **ratio** due (warm) / reference | **{wall_ratio:.2f}** (target ≤ 1.5) | | {cpu_ratio:.2f} |")


if __name__ == "__main__":
    main()
