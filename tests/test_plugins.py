"""Plugins through entry points (docs/plugins.md): a real third-party source, and a broken plugin.

``tests/plugins/`` holds two distributions: ``obligations-rss`` (an evidence source reading
RSS / Atom feeds) and ``obligations-broken`` (entry points whose import fails). Once per run of
this module both are installed, as pip installs a pure-Python wheel (the packages, and a
``.dist-info`` with the metadata and entry points from their pyproject.toml), into a temporary
site directory that only this module's subprocesses see, through PYTHONPATH. No build backend,
no network, and nothing goes into the venv: a run killed halfway leaves no broken plugin behind,
and other tests, or another run sharing the venv, never see these plugins.

Entry points are read from installed metadata and ``plugins.load_group`` caches per process, so
every command runs as ``python -m obligations`` in a fresh process. The feed reader itself is
also tested in this process, imported from its source tree.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pendulum
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obligations.cli import main
from obligations.evidence import EvidenceFileError, EvidenceRecord, EvidenceSource, Rejected, load_evidence

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "tests" / "plugins"
RSS_DIST = PLUGINS / "obligations-rss"
BROKEN_DIST = PLUGINS / "obligations-broken"
FAULTY_DIST = PLUGINS / "obligations-faulty"
SAMPLE = RSS_DIST / "sample.rss"
SAMPLE_ARG = "tests/plugins/obligations-rss/sample.rss"  # as given on the command line, and echoed
ATOM_SAMPLE = RSS_DIST / "sample.atom"
DOC = ROOT / "docs" / "plugins.md"
TZ = "Asia/Shanghai"
AS_OF = pendulum.datetime(2026, 10, 31, 23, 59, tz=TZ)
MISSING = "ModuleNotFoundError: No module named 'obligations_missing_dependency'"
CHECK_RSS = [
    "check",
    "specs/haimen-2017",
    "--evidence",
    SAMPLE_ARG,
    "--from",
    "2026-09-28",
    "--as-of",
    "2026-10-31",
    "--agency",
    "市場監管局",
]


# ---- installing the two distributions -----------------------------------------------------------


def install(project: Path, site: Path) -> None:
    """Install ``project`` into the directory ``site`` as pip installs a pure-Python wheel.

    The packages listed under ``[tool.hatch.build.targets.wheel]`` are copied, and a
    ``NAME-VERSION.dist-info`` holds the ``[project]`` metadata and entry points, which is all
    that ``importlib.metadata`` (so ``obligations``) reads. No build backend, no network.
    """
    config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    meta = config["project"]
    for package in config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]:
        root = project / package
        shutil.copytree(root, site / root.name, ignore=shutil.ignore_patterns("__pycache__"))
    dist_info = site / f"{re.sub(r'[-_.]+', '_', meta['name'])}-{meta['version']}.dist-info"
    dist_info.mkdir()
    metadata = ["Metadata-Version: 2.1", f"Name: {meta['name']}", f"Version: {meta['version']}"]
    metadata += [f"Summary: {meta['description']}", f"Requires-Python: {meta['requires-python']}"]
    metadata += [f"Requires-Dist: {requirement}" for requirement in meta.get("dependencies", [])]
    (dist_info / "METADATA").write_text("\n".join(metadata) + "\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in eps.items()) + "\n"
            for group, eps in meta.get("entry-points", {}).items()
        ),
        encoding="utf-8",
    )


class Cli:
    """Runs ``python -m obligations ARGS`` from the repository root in a fresh process that sees
    the plugins; each distinct command runs once (the results are kept for the other tests)."""

    def __init__(self, site: Path, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OBLIGATIONS_")}
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p)
        self.env["PYTHONIOENCODING"] = "utf-8"
        self._runs: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = {}

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        if args not in self._runs:
            run = subprocess.run(
                [sys.executable, "-m", "obligations", *args],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=120,
            )
            assert "Traceback" not in run.stderr + run.stdout, run.stderr
            self._runs[args] = run
        return self._runs[args]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """Both distributions installed, once for the module, in a site directory of their own."""
    site = tmp_path_factory.mktemp("plugin-site")
    install(RSS_DIST, site)
    install(BROKEN_DIST, site)
    yield Cli(site, tmp_path_factory.mktemp("plugin-files"))
    shutil.rmtree(site, ignore_errors=True)


def in_process(*args: str) -> tuple[int, str]:
    """The same command in this process, where neither plugin is installed."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


# ---- obligations plugins ----------------------------------------------------------------------


def test_plugins_lists_the_source_and_reports_the_broken_plugin(cli: Cli) -> None:
    run = cli("--lang", "en", "plugins", "--format", "json")
    assert run.returncode == 1  # a plugin failed to load
    rows = {(p["group"], p["name"], p["distribution"]): p for p in json.loads(run.stdout)}
    rss = rows["obligations.sources", "rss", "obligations-rss"]
    assert rss["value"] == "obligations_rss:RSS_SOURCE" and rss["error"] is None
    for group in ("obligations.sources", "obligations.calendars", "obligations.actions"):
        assert rows[group, "broken", "obligations-broken"]["error"] == MISSING
    builtin = [p for p in rows.values() if p["distribution"] == "obligations"]
    assert {p["name"] for p in builtin} >= {"cn", "builtin", "csv", "jsonl", "xlsx"}
    assert all(p["error"] is None for p in builtin)


def test_plugins_table_names_the_broken_plugin_and_its_error(cli: Cli) -> None:
    run = cli("--lang", "zh", "plugins")  # as docs/plugins.md shows it
    assert run.returncode == 1
    broken = [line.split(None, 3) for line in run.stdout.splitlines() if "obligations-broken" in line]
    assert broken == [
        ["obligations.calendars", "broken", "obligations-broken", "加載失敗：" + MISSING],
        ["obligations.actions", "broken", "obligations-broken", "加載失敗：" + MISSING],
        ["obligations.sources", "broken", "obligations-broken", "加載失敗：" + MISSING],
    ]
    assert re.search(r"^obligations\.sources +rss +obligations-rss +正常$", run.stdout, re.M)


# ---- check with the feed ----------------------------------------------------------------------


def test_check_reads_the_feed_through_the_plugin(cli: Cli) -> None:
    run = cli("--lang", "en", *CHECK_RSS, "--format", "json")
    assert run.returncode == 1, run.stderr  # something is late or missing
    data = json.loads(run.stdout)
    found = [
        (f["status"], f["obligation"], (f["due"] or "")[:10], f["lateness_days"])
        for f in data["findings"]
        if f["status"] != "pending"
    ]
    assert found == [
        ("missing", "HM-4410", "2026-09-28", None),
        ("on_time", "HM-3205", "2026-09-30", None),  # item 1, 2026年第三季度…: period 2026-Q3
        ("missing", "HM-3206", "2026-09-30", None),
        ("late", "HM-4405", "2026-09-30", 14.375),  # item 5, pubDate in GMT: 09:00 in Shanghai
        ("late", "HM-4404", "2026-10-04", 4.396),  # item 2, 第40周 published on 9 October
        ("on_time", "HM-4404", "2026-10-11", None),  # item 3
        ("on_time", "HM-4404", "2026-10-18", None),  # item 4: <category>HM-4404</category>
        ("missing", "HM-4404", "2026-10-25", None),  # item 8 had no pubDate: rejected
        ("unmatched", "", "", None),  # item 7, 食品安全宣傳周活動通知
        ("wrong_agency", "HM-4404", "", None),  # item 6, <dc:creator>海門市財政局</dc:creator>
    ]
    unmatched = next(f for f in data["findings"] if f["status"] == "unmatched")
    assert unmatched["evidence"][0]["subject"] == "食品安全宣傳周活動通知"
    assert unmatched["evidence"][0]["source"] == {"file": SAMPLE_ARG, "row": 7}
    assert next(f for f in data["findings"] if f["status"] == "wrong_agency")["agency"] == "海門市財政局"
    summary = data["summary"]
    assert (summary["rows_read"], summary["matched"], summary["unmatched"], summary["rejected"]) == (
        12,
        6,
        1,
        5,
    )
    assert [(r["row"], r["code"]) for r in data["rejected"]] == [
        (8, "missing_value"),
        (9, "bad_timestamp"),
        (10, "no_obligation"),
        (11, "future_date"),
        (12, "bad_url"),
    ]
    assert (
        f"{SAMPLE_ARG}:9: bad_timestamp: published_at 'Sat, 32 Oct 2026 10:00:00 +0800' "
        "is not a date or time; write e.g. 2026-10-09 14:30"
    ) in run.stderr.splitlines()


def test_without_the_plugin_a_feed_is_an_unsupported_file() -> None:
    assert in_process("--lang", "en", *CHECK_RSS)[0] == 3


# ---- a broken plugin takes down nothing that does not need it -----------------------------------

CSV_EVIDENCE = [
    "--evidence",
    "docs/examples/evidence-2026-10.csv",
    "--from",
    "2026-09-28",
    "--as-of",
    "2026-10-31",
]


@pytest.mark.parametrize(
    "args",
    [
        ["list", "specs/haimen-2017"],
        ["lint", "specs/haimen-2017"],  # lint reads obligations.actions, where a plugin is broken
        ["check", "specs/haimen-2017", *CSV_EVIDENCE, "--agency", "市場監管局"],
    ],
    ids=["list", "lint", "check-csv"],
)
def test_commands_that_do_not_need_the_broken_plugin(cli: Cli, args: list[str]) -> None:
    run = cli("--lang", "en", *args)
    assert (run.returncode, run.stdout) == in_process("--lang", "en", *args)
    assert "obligations_missing_dependency" not in run.stderr


def broken_suffix(cli: Cli) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A file that only the broken source could have read (``evidence import``: no spec to compile)."""
    path = cli.tmp / "evidence.broken"
    path.write_text("what the broken source would have read\n", encoding="utf-8")
    return path, cli("--lang", "en", "evidence", "import", str(path), "--db", str(cli.tmp / "ledger.sqlite"))


def test_a_suffix_no_loaded_source_claims_is_refused_cleanly(cli: Cli) -> None:
    path, run = broken_suffix(cli)
    assert run.returncode == 3
    assert f"{path}: unsupported file type '.broken'; supported: .atom, .csv" in run.stderr
    assert ".rss" in run.stderr and ".xml" in run.stderr  # the plugin's suffixes are offered


def test_a_file_for_the_broken_source_names_the_plugin(cli: Cli) -> None:
    path, run = broken_suffix(cli)
    assert run.stderr.endswith(
        f"{path}: unsupported file type '.broken'; supported: .atom, .csv, .jsonl, .ndjson, .rss, .tsv, "
        ".txt, .xlsm, .xlsx, .xml; source plugins that failed to load: broken (obligations-broken) "
        "(see obligations plugins)\n"
    )


# ---- the guide --------------------------------------------------------------------------------

PLUGIN_BLOCK = re.compile(
    r"```console plugins(?: exit=(?P<exit>\d+))?\n\$ obligations (?P<args>[^\n]*)\n(?P<out>.*?)```", re.S
)


def test_the_examples_of_the_guide(cli: Cli) -> None:
    """docs/plugins.md's ```console plugins blocks, run with both plugins installed, print exactly that."""
    text = DOC.read_text(encoding="utf-8")
    blocks = list(PLUGIN_BLOCK.finditer(text))
    assert len(blocks) >= 2
    for m in blocks:
        where = f"docs/plugins.md:{text[: m.start()].count(chr(10)) + 1}"
        run = cli(*shlex.split(m["args"]))
        assert run.stdout == m["out"], f"{where}: output differs:\n{run.stdout}"
        assert run.returncode == int(m["exit"] or 0), f"{where}: exit {run.returncode}"


def test_the_guide_quotes_the_entry_points_as_they_are() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for pyproject in (ROOT / "pyproject.toml", RSS_DIST / "pyproject.toml"):
        config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        for group, eps in config["project"]["entry-points"].items():
            assert f'[project.entry-points."{group}"]' in doc
            for name, value in eps.items():
                assert f'{name} = "{value}"' in doc, f"docs/plugins.md does not show {name} = {value!r}"


EXCERPT = re.compile(r"```python file=(?P<file>\S+)\n(?P<code>.*?)```", re.S)


def test_the_excerpts_in_the_guide_are_the_code() -> None:
    excerpts = list(EXCERPT.finditer(DOC.read_text(encoding="utf-8")))
    assert excerpts
    for m in excerpts:
        assert m["code"] in (ROOT / m["file"]).read_text(encoding="utf-8"), f"stale excerpt of {m['file']}"


# ---- the feed reader, in this process ---------------------------------------------------------


@pytest.fixture(scope="module")
def rss() -> ModuleType:
    """``obligations_rss`` imported from its source tree (it is not installed in this process)."""
    sys.path.insert(0, str(RSS_DIST / "src"))
    try:
        return importlib.import_module("obligations_rss")
    finally:
        sys.path.remove(str(RSS_DIST / "src"))


def load(rss: ModuleType, path: Path, **options: Any) -> Any:
    return load_evidence(path, TZ, AS_OF, sources=[rss.RssSource(**options)])


def test_the_source_satisfies_the_protocol(rss: ModuleType) -> None:
    assert isinstance(rss.RSS_SOURCE, EvidenceSource)
    assert rss.RSS_SOURCE.name == "rss" and rss.RSS_SOURCE.suffixes == (".rss", ".atom", ".xml")


def test_every_item_of_the_sample_is_accounted_for(rss: ModuleType) -> None:
    result = load(rss, SAMPLE)
    assert result.rows_read == 12 and result.encoding == "utf-8"
    shanghai = dt.timezone(dt.timedelta(hours=8))
    got = [
        (
            r.source.row,
            r.agency,
            r.obligation,
            r.subject,
            r.published_at.astimezone(shanghai),
            r.period and str(r.period),
        )
        for r in result.records
    ]

    def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(2026, month, day, hour, minute, tzinfo=shanghai)

    assert got == [
        (1, "海門市市場監督管理局", None, "重點消費品質量監督抽查結果", at(9, 29, 16), "2026-Q3"),
        (2, "海門市市場監督管理局", None, "食品安全抽檢信息", at(10, 9, 9, 30), "2026-W40"),
        (3, "海門市市場監督管理局", None, "食品安全抽檢信息", at(10, 10, 10), "2026-W41"),
        (4, "海門市市場監督管理局", "HM-4404", "食品安全抽檢信息", at(10, 16, 11), "2026-W42"),
        (5, "海門市市場監督管理局", None, "藥品質量公告", at(10, 15, 9), "2026-Q3"),  # from GMT
        (6, "海門市財政局", None, "食品安全抽檢信息", at(10, 20, 10), "2026-W41"),
        (7, "海門市市場監督管理局", None, "食品安全宣傳周活動通知", at(10, 21, 9), None),
    ]
    first = result.records[0]
    assert first.title == "2026年第三季度重點消費品質量監督抽查結果" and first.channel == "政府網站"
    assert first.url == "https://www.haimen.gov.cn/hmsscjdglj/zfxxgk/3205-2026q3.html"
    assert [(r.row, r.code, r.file) for r in result.rejected] == [
        (8, "missing_value", str(SAMPLE)),
        (9, "bad_timestamp", str(SAMPLE)),
        (10, "no_obligation", str(SAMPLE)),
        (11, "future_date", str(SAMPLE)),
        (12, "bad_url", str(SAMPLE)),
    ]
    assert "pubDate" in result.rejected[0].message("en") and "<pubDate>" in result.rejected[0].message("zh")


def test_the_atom_sample(rss: ModuleType) -> None:
    result = load(rss, ATOM_SAMPLE)
    assert result.rows_read == 4
    published = [r.published_at.isoformat() for r in result.records]
    # <published> wins over <updated>; <updated> alone is used; UTC is shown in Shanghai time
    assert published == [
        "2026-10-10T10:00:00+08:00",
        "2026-10-16T11:00:00+08:00",
        "2026-10-15T09:00:00+08:00",
    ]
    third = result.records[2]
    assert (third.obligation, third.url) == (
        "HM-4405",
        "https://www.haimen.gov.cn/hmsscjdglj/zfxxgk/4405-2026q3.html",
    )
    assert [(r.row, r.code) for r in result.rejected] == [(4, "missing_value")]


@pytest.mark.parametrize(
    ("title", "subject", "period"),
    [
        ("2026年第41周食品安全抽檢信息", "食品安全抽檢信息", "2026-W41"),
        ("食品安全抽檢信息（2026年第42周）", "食品安全抽檢信息", "2026-W42"),
        ("食品安全抽檢信息（第41周）", "食品安全抽檢信息", None),
        ("2026年第三季度藥品質量公告", "藥品質量公告", "2026-Q3"),
        ("2026年上半年財政預算執行情況（轉載）", "財政預算執行情況", "2026-H1"),
        ("2026年10月全市財政收支情況", "全市財政收支情況", "2026-10"),
        ("2026年度政府信息公開工作年度報告", "政府信息公開工作年度報告", "2026"),
        ("２０２６年第４１周食品安全抽检信息", "食品安全抽检信息", "2026-W41"),
        ("2026年10月9日停電通知", "2026年10月9日停電通知", None),  # a date, not a period
        ("【公告】", "【公告】", None),
    ],
)
def test_titles(rss: ModuleType, title: str, subject: str, period: str | None) -> None:
    assert rss.split_title(title) == (subject, period)


def feed(items: str, channel: str = "", declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (
        f'{declaration}\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>t</title>{channel}{items}</channel></rss>\n"
    )


ITEM = "<item><title>2026年第41周食品安全抽檢信息</title><pubDate>Sat, 10 Oct 2026 10:00:00 +0800</pubDate>{}</item>"


def test_a_gb2312_feed(rss: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "gb.rss"
    text = feed(
        ITEM.format(""),
        "<dc:publisher>海門市市場監督管理局</dc:publisher>",
        '<?xml version="1.0" encoding="gb2312"?>',
    )
    path.write_bytes(text.encode("gb18030"))
    result = load(rss, path)
    assert result.encoding == "gb18030" and result.records[0].agency == "海門市市場監督管理局"
    assert result.records[0].subject == "食品安全抽檢信息"


def test_where_the_agency_comes_from(rss: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "a.rss"
    items = (
        ITEM.format("")
        + ITEM.format("<author>scjg@haimen.gov.cn (海門市財政局)</author>")
        + ITEM.format("<author>x@y.cn</author>")
    )
    path.write_text(feed(items, "<dc:publisher>海門市市場監督管理局</dc:publisher>"), encoding="utf-8")
    assert [r.agency for r in load(rss, path).records] == [
        "海門市市場監督管理局",
        "海門市財政局",
        "海門市市場監督管理局",
    ]
    assert {r.agency for r in load(rss, path, agency="市場監管局").records} == {"市場監管局"}
    path.write_text(feed(ITEM.format("")), encoding="utf-8")
    rejected = load(rss, path).rejected
    assert [(r.row, r.code) for r in rejected] == [(1, "missing_value")] and "agency" in rejected[
        0
    ].message_en


def test_categories(rss: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "c.rss"
    items = (
        ITEM.format('<category domain="subject">食品安全抽檢</category><category>[HM-4404]</category>')
        + ITEM.format('<category domain="編號">HM-4404</category>')
        + ITEM.format("<category>2026</category><category>政府信息公開</category>")
    )
    path.write_text(feed(items, "<dc:creator>市場監管局</dc:creator>"), encoding="utf-8")
    got = [(r.obligation, r.subject) for r in load(rss, path).records]
    assert got == [("HM-4404", "食品安全抽檢"), ("HM-4404", "食品安全抽檢信息"), (None, "食品安全抽檢信息")]


def test_a_time_without_a_zone_is_in_the_given_zone(rss: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "z.rss"
    items = "".join(
        f"<item><title>食品安全抽檢信息</title><pubDate>{when}</pubDate></item>"
        for when in ("Sat, 10 Oct 2026 10:00:00 -0000", "2026年10月10日 10:00", "2026-10-10")
    )
    path.write_text(feed(items, "<dc:creator>市場監管局</dc:creator>"), encoding="utf-8")
    records = load(rss, path).records
    assert [r.published_at.isoformat() for r in records] == ["2026-10-10T10:00:00+08:00"] * 2 + [
        "2026-10-10T00:00:00+08:00"
    ]
    assert [r.date_only for r in records] == [False, False, True]


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"", "empty", "empty"),
        (
            b"<rss><channel><item><title>x</item></channel></rss>",
            "bad_feed",
            "(line 1, column 31): mismatched tag;",
        ),
        (b'<?xml version="1.0"?><html><body/></html>', "bad_feed", "<html>"),
        (b'<rss version="2.0"></rss>', "bad_feed", "no <channel>"),
        (b'<?xml version="1.0" encoding="klingon"?><rss/>', "encoding", "klingon"),
        (b'<?xml version="1.0" encoding="utf-8"?><rss>\xff</rss>', "encoding", "invalid utf-8 at byte 43"),
    ],
    ids=["empty", "not-well-formed", "not-a-feed", "no-channel", "unknown-encoding", "bad-bytes"],
)
def test_files_that_are_not_feeds(
    rss: ModuleType, tmp_path: Path, content: bytes, code: str, words: str
) -> None:
    path = tmp_path / "f.xml"
    path.write_bytes(content)
    with pytest.raises(EvidenceFileError) as info:
        load(rss, path)
    assert info.value.code == code and words in str(info.value), str(info.value)
    assert str(path) in info.value.message("zh")


def test_a_missing_file(rss: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(EvidenceFileError) as info:
        load(rss, tmp_path / "nowhere.rss")
    assert info.value.code == "not_found"


# Items built from random parts, good and bad: each is one row, a record or a rejection.
PART = st.sampled_from(
    [
        "<title>2026年第41周食品安全抽檢信息</title>",
        "<title></title>",
        "<title>（）</title>",
        "<link>https://www.haimen.gov.cn/a.html</link>",
        "<link>ftp://x</link>",
        "<pubDate>Sat, 10 Oct 2026 10:00:00 +0800</pubDate>",
        "<pubDate>Sat, 99 Oct 2026 10:00:00 +0800</pubDate>",
        "<pubDate>2031-01-01</pubDate>",
        "<pubDate>soon</pubDate>",
        "<dc:creator>海門市財政局</dc:creator>",
        "<dc:creator></dc:creator>",
        "<category>HM-4404</category>",
        '<category domain="subject"></category>',
        "<description><![CDATA[<p>正文</p>]]></description>",
        "<title>" + "長" * 300 + "</title>",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.lists(PART, max_size=6), max_size=12), publisher=st.booleans())
def test_every_item_is_accounted_for(
    rss: ModuleType, tmp_path: Path, items: list[list[str]], publisher: bool
) -> None:
    path = tmp_path / "p.rss"
    body = "".join("<item>" + "".join(parts) + "</item>" for parts in items)
    path.write_text(
        feed(body, "<dc:publisher>市場監管局</dc:publisher>" if publisher else ""), encoding="utf-8"
    )
    result = load_evidence(path, TZ, AS_OF, sources=[rss.RssSource(max_field=200)])
    assert result.rows_read == len(items)
    rows = sorted([getattr(r.source, "row", 0) for r in result.records] + [r.row for r in result.rejected])
    assert rows == list(range(1, len(items) + 1))
    assert all(isinstance(r, EvidenceRecord) for r in result.records)
    assert all(isinstance(r, Rejected) and r.message_zh and r.message_en for r in result.rejected)


# ---- plugins that load but misbehave --------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """The misbehaving distribution alone, in a site of its own (the guide's examples stay as they are)."""
    site = tmp_path_factory.mktemp("faulty-site")
    install(FAULTY_DIST, site)
    yield Cli(site, tmp_path_factory.mktemp("faulty-files"))
    shutil.rmtree(site, ignore_errors=True)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["due", "--week", "--calendar", "raising"],
            "error: calendar plugin 'raising' (obligations-faulty) failed: RuntimeError: the calendar service is down",
        ),
        (
            ["due", "--week", "--calendar", "notcal"],
            "error: calendar plugin 'notcal' (obligations-faulty) gave a object, not a calendar (see docs/plugins.md)",
        ),
        (["list", "--format", "boom"], "error: format plugin 'boom' failed: ValueError: format exploded"),
    ],
)
def test_a_plugin_that_misbehaves_is_a_message_not_a_traceback(
    faulty: Cli, args: list[str], said: str
) -> None:
    run = faulty("--lang", "en", *args)
    assert run.returncode == 3 and run.stderr.splitlines()[-1] == said


def test_verbs_that_are_not_verbs_are_a_failed_plugin(faulty: Cli) -> None:
    listed = faulty("--lang", "en", "plugins").stdout.splitlines()
    [row] = [line for line in listed if "notverbs" in line]
    assert row.split()[:3] == ["obligations.actions", "notverbs", "obligations-faulty"]
    assert row.endswith("failed: not an iterable of action verbs (strings) (see docs/plugins.md)")
    assert faulty("--lang", "en", "lint", "specs/haimen-2017").returncode in (0, 1)  # lint still runs
