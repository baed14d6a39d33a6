"""The public API alone runs the whole flow, and nothing private leaks from ``obligations``."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

import obligations

ROOT = Path(__file__).resolve().parents[1]


def test_whole_flow_through_the_public_api(tmp_path: Path) -> None:
    (spec,) = obligations.load(ROOT / "specs" / "haimen-2017")
    assert isinstance(spec, obligations.Spec)
    due = spec.occurrences(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    weekly = [o for o in due if o.obligation.id == "HM-4404"]
    assert [o.due_date.isoformat() for o in weekly] == [
        "2026-10-04",
        "2026-10-11",
        "2026-10-18",
        "2026-10-25",
    ]
    evidence = tmp_path / "published.csv"
    evidence.write_text(
        "obligation,agency,published_at,url\n"
        "HM-4404,市场监管局,2026-10-09 09:00,https://example.gov.cn/1\n"
        "HM-4404,市場監管局,bad,https://example.gov.cn/2\n",
        encoding="utf-8",
    )
    loaded = obligations.load_evidence(evidence, spec.timezone)
    result = obligations.check(
        spec,
        [loaded],
        start=dt.date(2026, 10, 5),
        as_of=pendulum.datetime(2026, 10, 20, tz=spec.timezone),
        agency="市場監管局",
    )
    assert isinstance(result, obligations.CheckResult)
    assert (result.rows_read, result.matched, result.unmatched, len(result.rejected)) == (2, 1, 0, 1)
    weeks = [
        (f.status, f.due.date().isoformat()) for f in result.findings if f.obligation == "HM-4404" and f.due
    ]
    assert weeks == [
        (obligations.Status.ON_TIME, "2026-10-11"),
        (obligations.Status.MISSING, "2026-10-18"),
        (obligations.Status.PENDING, "2026-10-25"),
    ]
    # …and the report: per-agency compliance and the HTML page, from the same result.
    from obligations.compliance import compliance, compliance_table
    from obligations.html_report import render_html

    rows = compliance(result).rows
    assert [(r.agency, r.on_time, r.missing) for r in rows[:1]] == [("市場監管局", 1, 2)]  # HM-4410 too
    assert compliance_table(rows, "en").splitlines()[0].split()[0] == "agency"
    page = render_html(result, spec.title, "zh-Hant")
    assert page.startswith("<!DOCTYPE html>") and "海門市近期政務公開工作要點" in page


def test_errors_are_the_public_types() -> None:
    try:
        obligations.loads("每周 公布\n", "bad.obl")
    except obligations.SpecError as err:
        assert [d.code for d in err.diagnostics] == ["E214"]
        assert isinstance(err, obligations.ObligationsError)
    else:  # pragma: no cover
        raise AssertionError("no SpecError")


def test_exports_survive_submodule_imports() -> None:
    # Importing a stage module sets it as a package attribute; no export may share its name.
    import obligations.findings
    import obligations.lint
    import obligations.occurrences

    assert obligations.check is obligations.findings.check
    assert callable(obligations.Spec.occurrences)


def test_all_lists_every_lazy_export_and_nothing_else() -> None:
    # __all__ is written out (type checkers read only a literal one); it must not drift.
    assert sorted(obligations.__all__) == sorted(["__version__", *obligations._EXPORTS])


def test_nothing_private_leaks() -> None:
    public = set(dir(obligations))
    assert public == set(obligations.__all__)
    assert not any(name.startswith("_") and name != "__version__" for name in public)
    for name in obligations.__all__:
        assert getattr(obligations, name) is not None


def test_import_is_light() -> None:
    code = "import sys, obligations; print(sorted(m for m in ('lark', 'opencc', 'pendulum') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_export_shares_a_name_with_a_module() -> None:
    modules = {p.stem for p in Path(obligations.__file__).parent.glob("*.py")}
    assert modules.isdisjoint(obligations.__all__)


def test_docstring_examples_run() -> None:
    import doctest

    import obligations.model

    assert doctest.testmod(obligations.model).failed == 0


def test_bad_arguments_raise_the_root_exception() -> None:
    # A caller catching ObligationsError sees every mistake it can make with the API's inputs.
    (spec,) = obligations.load(ROOT / "specs" / "haimen-2017")
    as_of = pendulum.datetime(2026, 10, 31, tz=spec.timezone)
    cases = [
        lambda: spec.occurrences(dt.date(2026, 10, 31), dt.date(2026, 10, 1)),
        lambda: spec.occurrences(dt.date(9999, 12, 1), dt.date(9999, 12, 31)),
        lambda: obligations.check(spec, [], start=dt.date(2026, 11, 28), as_of=as_of),
        lambda: obligations.format_source("@@@\n"),
        lambda: obligations.load_events(ROOT / "docs/examples/evidence-2026-10.csv", "Asia/Shangai"),
        lambda: obligations.loads("每周 公布 \udce4 by 財政局\n"),
    ]
    for call in cases:
        with pytest.raises(obligations.ObligationsError):
            call()
    # a datetime where a date is expected is its date
    on = obligations.check(spec, [], start=dt.datetime(2026, 10, 1, 9), as_of=as_of)
    assert on.start == dt.date(2026, 10, 1)
    assert len(spec.occurrences(dt.datetime(2026, 10, 1, 9), dt.datetime(2026, 10, 31))) == len(
        spec.occurrences(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    )


def test_results_and_errors_survive_pickling() -> None:
    # A portal's process pool sends results and errors between processes by pickle.
    import pickle

    from obligations.evidence import EvidenceFileError

    (spec,) = obligations.load(ROOT / "specs" / "haimen-2017")
    loaded = obligations.load_evidence(ROOT / "docs/examples/evidence-2026-10.csv", spec.timezone)
    as_of = pendulum.datetime(2026, 10, 31, tz=spec.timezone)
    result = obligations.check(spec, [loaded], start=dt.date(2026, 9, 28), as_of=as_of)
    for value in (loaded, result):
        back = pickle.loads(pickle.dumps(value))
        assert back == value
    with pytest.raises(obligations.SpecError) as spec_error:
        obligations.loads("每周 8日前 公布 菜價 by 商務局\n", "a.obl")
    errors = [
        spec_error.value,
        obligations.CalendarDataError(2031, "CN", "give that year"),
        obligations.InputError("x.csv: cannot read", "x.csv：無法讀取"),
        EvidenceFileError("not_found", "x.csv", "文件不存在", "no such file"),
        obligations.DateRangeError("the range starts after it ends"),
    ]
    for err in errors:
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err)
        assert getattr(back, "message", str)("zh") == getattr(err, "message", str)("zh")
