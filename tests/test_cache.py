"""The compiled-spec cache: hits, misses, invalidation, safety, and what a hit must not import."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from obligations import cache
from obligations.cache import compile_cached, load_calendar_cached, lookup
from obligations.compiler import bundled_spec_dir, compile_paths

ROOT = Path(__file__).resolve().parents[1]

ENTRY = """標題：緩存測試
發布日期：2026-01-01
引用 "agencies.obl"
[C-1] 每周 公布 食品安全抽檢信息 by 市場局
> 每周公布食品安全抽檢信息
[C-2] 事件 食品安全事故 後 5小時內 發布 權威信息 by 市場局
"""
AGENCIES = "機構 市場監管局 = 某市市場監督管理局 別名 市場局\n"


@pytest.fixture
def specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with an entry file that includes an agency registry; cwd is tmp_path."""
    monkeypatch.setenv("OBLIGATIONS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OBLIGATIONS_HOLIDAYS", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "entry.obl").write_text(ENTRY, encoding="utf-8")
    (folder / "agencies.obl").write_text(AGENCIES, encoding="utf-8")
    return folder


def _entries(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "cache").glob("*.pickle"))


def test_miss_then_hit(specs: Path, tmp_path: Path) -> None:
    assert lookup(["specs"]) is None
    first = compile_cached(["specs"])
    assert [type(r).__name__ for r in first] == ["Compiled"]
    assert len(_entries(tmp_path)) == 1
    second = compile_cached(["specs"])
    assert [type(r).__name__ for r in second] == ["CachedCompiled"]
    (fresh,), (cached,) = first, second
    assert cached.entry == fresh.entry == "specs/entry.obl"
    assert cached.spec == fresh.spec
    assert cached.sources == fresh.sources
    assert cached.diagnostics == fresh.diagnostics
    assert cached.errors == ()
    assert cached.spec is not None
    # The lookups the model builds at construction survive the round trip.
    assert cached.spec.agency("市场监管局") is not None
    assert cached.spec.obligation("C-1") is not None


def test_an_edited_included_file_is_a_miss(specs: Path, tmp_path: Path) -> None:
    compile_cached(["specs"])
    assert lookup(["specs"]) is not None
    (specs / "agencies.obl").write_text(
        AGENCIES.replace("別名 市場局", "別名 市場局、市監局"), encoding="utf-8"
    )
    assert lookup(["specs"]) is None
    (result,) = compile_cached(["specs"])
    assert result.spec is not None and result.spec.agency("市監局") is not None
    (hit,) = lookup(["specs"]) or []
    assert hit.spec == result.spec
    assert len(_entries(tmp_path)) == 1  # replaced, not added


def test_an_edited_entry_file_is_a_miss(specs: Path) -> None:
    compile_cached(["specs/entry.obl"])
    assert lookup(["specs/entry.obl"]) is not None
    (specs / "entry.obl").write_text(ENTRY + "[C-3] 每月 公布 財政收支 by 市場局\n", encoding="utf-8")
    assert lookup(["specs/entry.obl"]) is None
    (result,) = compile_cached(["specs/entry.obl"])
    assert result.spec is not None and result.spec.obligation("C-3") is not None


def test_a_new_file_in_a_directory_is_a_miss(specs: Path) -> None:
    compile_cached(["specs"])
    (specs / "more.obl").write_text("[M-1] 每月 公布 其他 by 市場局\n", encoding="utf-8")
    assert lookup(["specs"]) is None
    assert [r.entry for r in compile_cached(["specs"])] == ["specs/entry.obl", "specs/more.obl"]


def test_the_current_directory_is_part_of_the_key(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_cached(["specs"])
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    assert lookup(["../specs"]) is None
    (result,) = compile_cached(["../specs"])
    assert result.entry == "../specs/entry.obl"  # file names in messages stay relative to the cwd


def test_errors_are_not_cached(specs: Path, tmp_path: Path) -> None:
    (specs / "entry.obl").write_text('引用 "agencies.obl"\n每周 公布\n', encoding="utf-8")
    (result,) = compile_cached(["specs"])
    assert result.errors
    assert _entries(tmp_path) == []
    assert lookup(["specs"]) is None


def test_a_damaged_entry_is_a_miss_and_is_replaced(specs: Path, tmp_path: Path) -> None:
    compile_cached(["specs"])
    (entry,) = (tmp_path / "cache").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert lookup(["specs"]) is None
    (result,) = compile_cached(["specs"])
    assert type(result).__name__ == "Compiled"
    assert lookup(["specs"]) is not None


def test_a_stale_manifest_format_is_a_miss(specs: Path, tmp_path: Path) -> None:
    compile_cached(["specs"])
    (entry,) = (tmp_path / "cache").glob("*.pickle")
    with entry.open("rb") as f:
        manifest = pickle.load(f)
        rest = f.read()
    manifest["format"] = -1
    entry.write_bytes(pickle.dumps(manifest) + rest)
    assert lookup(["specs"]) is None


def test_empty_variable_turns_the_cache_off(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBLIGATIONS_CACHE_DIR", "")
    assert cache.cache_dir() is None
    for _ in range(2):
        (result,) = compile_cached(["specs"])
        assert type(result).__name__ == "Compiled"
    assert not (tmp_path / "cache").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_folder_means_no_cache(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("OBLIGATIONS_CACHE_DIR", str(locked / "cache"))
    assert cache.cache_dir() is None
    (result,) = compile_cached(["specs"])
    assert result.spec is not None


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_used(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could plant a pickle here
    monkeypatch.setenv("OBLIGATIONS_CACHE_DIR", str(shared))
    assert cache.cache_dir() is None
    (result,) = compile_cached(["specs"])
    assert result.spec is not None
    assert list(shared.iterdir()) == []


def test_platform_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    if sys.platform not in ("win32", "darwin"):
        assert cache.cache_dir(env) == tmp_path / "xdg" / "obligations"
        assert (tmp_path / "xdg" / "obligations").is_dir()


def test_old_entries_are_pruned(specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for i in range(5):
        (specs / f"e{i}.obl").write_text(f"[E-{i}] 每月 公布 X{i} by 市場局\n", encoding="utf-8")
        compile_cached([f"specs/e{i}.obl"])
    assert len(_entries(tmp_path)) == 3
    assert lookup(["specs/e4.obl"]) is not None


def test_every_model_class_pickles() -> None:
    """The bundled specs and every golden good spec survive pickling whole (model equality)."""
    paths = [bundled_spec_dir(), ROOT / "specs", *sorted((ROOT / "tests" / "golden" / "good").glob("*.obl"))]
    results = [r for p in paths for r in compile_paths([p]) if r.spec is not None]
    assert len(results) > 10
    for r in results:
        again = pickle.loads(pickle.dumps(r.spec, protocol=5))
        assert again == r.spec
        for ob in r.spec.obligations:
            assert again.obligation(ob.id) == ob
        for agency in r.spec.agencies:
            assert again.agency(agency.name) == agency


# ---- the calendar ---------------------------------------------------------------------------------


def test_calendar_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from obligations.calendar import load_calendar

    monkeypatch.setenv("OBLIGATIONS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OBLIGATIONS_HOLIDAYS", raising=False)
    monkeypatch.chdir(tmp_path)
    first = load_calendar_cached()
    assert len(list((tmp_path / "cache").glob("cal-*.pickle"))) == 1
    second = load_calendar_cached()
    assert second is not first  # read back from the cache
    assert second.years() == load_calendar().years()
    day = dt.date(2026, 10, 10)
    assert second.is_working_day(day) and second.day_info(day) == first.day_info(day)
    # A user file is part of the key: edit it and the answer changes.
    user = tmp_path / "h.csv"
    user.write_text("2031-01-01,off,元旦\n", encoding="utf-8")
    assert 2031 in load_calendar_cached([user]).years()
    user.write_text("2032-01-01,off,元旦\n", encoding="utf-8")
    years = load_calendar_cached([user]).years()
    assert 2032 in years and 2031 not in years
    assert sorted(load_calendar_cached(estimate=True).years())[-1] == 2050


# ---- what a hit imports -----------------------------------------------------------------------------

_PROBE = textwrap.dedent(
    """
    import sys
    {setup}
    heavy = sorted(m for m in ("lark", "opencc", "obligations.compiler", "obligations.parse_tree") if m in sys.modules)
    print("heavy:" + ",".join(heavy))
    """
)


def _probe(setup: str, cwd: Path, env: dict[str, str]) -> list[str]:
    code = _PROBE.format(setup=textwrap.dedent(setup))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout
    last = out.strip().splitlines()[-1]
    assert last.startswith("heavy:"), out
    return [m for m in last[len("heavy:") :].split(",") if m]


def test_a_hit_imports_neither_the_compiler_nor_lark_nor_opencc(specs: Path, tmp_path: Path) -> None:
    env = {**os.environ, "OBLIGATIONS_CACHE_DIR": str(tmp_path / "cache")}
    run = "from obligations.cache import compile_cached; r = compile_cached(['specs']); assert r[0].spec"
    assert "obligations.compiler" in _probe(run, tmp_path, env)  # the miss compiles
    hit = run + "; assert type(r[0]).__name__ == 'CachedCompiled'"
    for attempt in range(3):  # a module edited meanwhile (a development tree) makes a run a miss again
        try:
            heavy = _probe(hit, tmp_path, env)
            break
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
    assert "opencc" not in heavy
    assert "obligations.compiler" not in heavy and "obligations.parse_tree" not in heavy
    assert heavy == []


def test_due_on_a_hit_does_not_parse(specs: Path, tmp_path: Path) -> None:
    env = {**os.environ, "OBLIGATIONS_CACHE_DIR": str(tmp_path / "cache")}
    run = """
        from obligations.cli import main
        from obligations.cli_due import due
        if "due" not in main.commands:
            main.add_command(due)
        try:
            main(["--lang", "en", "due", "specs", "--today", "2026-09-30"])
        except SystemExit as e:
            assert e.code == 0, e.code
    """
    heavy = _probe(run, tmp_path, env)  # the miss
    for _ in range(3):  # a module edited meanwhile (a development tree) makes a run a miss again
        heavy = _probe(run, tmp_path, env)
        if "obligations.compiler" not in heavy:
            break
    assert "obligations.compiler" not in heavy and "obligations.parse_tree" not in heavy
    assert heavy == []
