"""Shared test set-up: the --update-golden switch and repository paths."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "tests" / "data" / "shared"  # a copy of ../shared: a clone anywhere runs every test


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden expected outputs from the current behaviour (review with git diff)",
    )


@pytest.fixture
def fresh_csv_limit() -> Iterator[None]:
    """csv's limit on a cell as a new process has it (128 KiB), restored after: a reader must not
    depend on an earlier test (or caller) having raised it."""
    before = csv.field_size_limit(131_072)
    try:
        yield
    finally:
        csv.field_size_limit(before)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
