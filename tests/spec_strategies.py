"""Hypothesis strategies that generate spec files (the language side; calendar ones live in strategies.py)."""

from __future__ import annotations

from hypothesis import strategies as st

# Characters that start no keyword, so generated bare names read back as names.
_SAFE_CJK = (
    "食品安全抽檢財政收支報告環境預測農產價格統計資料城市空氣水源藥質量消費市場運行分析人社民政教育衛生"
)
_EN_KEYWORDS = {
    "by",
    "and",
    "to",
    "from",
    "until",
    "via",
    "each",
    "lead",
    "leads",
    "support",
    "supports",
    "joint",
    "jointly",
    "respectively",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "yearly",
    "annually",
    "biweekly",
    "fortnightly",
    "regularly",
    "promptly",
    "standing",
    "realtime",
    "within",
    "before",
    "ahead",
    "once",
    "event",
    "on",
    "at",
    "least",
    "time",
    "times",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "roll",
    "no",
    "display",
    "shown",
    "for",
    "agency",
    "aka",
    "alias",
    "include",
    "section",
    "title",
    "issuer",
    "issued",
    "timezone",
    "effective",
    "same",
    "together",
    "semiannually",
}

cjk_word = st.text(alphabet=_SAFE_CJK, min_size=1, max_size=8)
en_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8).filter(
    lambda w: w not in _EN_KEYWORDS
)
spaced_name = st.lists(en_word, min_size=2, max_size=3).map(" ".join)


def _name(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["cjk", "cjk", "en", "spaced", "quoted"]))
    if kind == "cjk":
        return draw(cjk_word)
    if kind == "en":
        return draw(en_word)
    if kind == "spaced":
        return f'"{draw(spaced_name)}"'
    return f"「{draw(cjk_word)}、{draw(cjk_word)}」"


_PERIODS = [
    "每日",
    "每周",
    "每週",
    "每兩周",
    "每月",
    "按月",
    "每季度",
    "分季度",
    "每半年",
    "每年",
    "年度",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "yearly",
    "半年",
]
_UNITS = ["小時", "小时", "日", "天", "個工作日", "工作日", "周", "個月", "年"]


@st.composite
def timing(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 60))
    unit = draw(st.sampled_from(_UNITS))
    choices = [
        draw(st.sampled_from(_PERIODS)),
        f"每月 {draw(st.integers(1, 28))}日前",
        f"每年 {draw(st.integers(1, 12))}月{draw(st.integers(1, 28))}日前",
        f"每周{draw(st.sampled_from('一二三四五六日'))}",
        f"每月 次月 {draw(st.integers(1, 28))}日前",
        f"{draw(st.sampled_from(_PERIODS))} 期後 {n}{unit}內",
        f"{draw(st.sampled_from(_PERIODS))} 至少{n}次",
        f"每日 提前{n}小時",
        f"事件 {draw(cjk_word)} 後 {n}{unit}內",
        f"事件 {draw(cjk_word)} 後 及時",
        f"on event {draw(en_word)} within {n} days",
        f"事件 {draw(cjk_word)} 同步",
        "及時",
        "長期",
        "實時",
        f"實時（間隔不超過{n}小時）",
        f"20{draw(st.integers(10, 30))}-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}前",
        "年底前",
        "年內 至少1次",
        draw(st.sampled_from(["定期", "按時", "適時", "按省要求", "逐步", "on time", "as required"])),
        "monthly by day 8",
        "yearly by 1 July of next year",
        "weekly on Friday",
    ]
    return draw(st.sampled_from(choices))


@st.composite
def obligation_line(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f"[R-{draw(st.integers(1, 10**6))}]")
    parts += [
        draw(timing()),
        draw(st.sampled_from(["公布", "公開", "發布", "publish", "公示", "更新"])),
        _name(draw),
    ]
    agencies = draw(st.lists(st.builds(lambda: None).flatmap(lambda _: st.just(None)), max_size=0))
    del agencies
    count = draw(st.integers(0, 3))
    if count:
        names = [_name(draw) for _ in range(count)]
        role = draw(st.sampled_from(["", " 分別", " 牽頭", " 配合", " each"]))
        parts.append("by " + "、".join(names) + role)
    if draw(st.booleans()):
        parts.append("渠道 政府網站、新媒體")
    if draw(st.booleans()):
        parts.append(
            draw(
                st.sampled_from(
                    [
                        "遇節假日順延",
                        "不順延",
                        "自 2017-09-04 至 2017-12-31",
                        "自 2018-01-01 起",
                        "公示期 7個工作日",
                    ]
                )
            )
        )
    line = " ".join(parts)
    if draw(st.booleans()):
        line += "  # " + draw(cjk_word)
    quotes = draw(st.lists(cjk_word, max_size=2))
    return "\n".join([line, *(f"> {q}" for q in quotes)])


@st.composite
def spec_text(draw: st.DrawFn) -> str:
    lines = ["標題：生成的規範", "發布日期：2017-09-04"]
    if draw(st.booleans()):
        lines.append(f"機構 {draw(cjk_word)}局 = 海門市{draw(cjk_word)}局 別名 {draw(cjk_word)}辦")
    for i in range(draw(st.integers(1, 8))):
        if draw(st.integers(0, 4)) == 0:
            lines.append(f"§ {i + 1} {draw(cjk_word)}")
        if draw(st.integers(0, 5)) == 0:
            lines.append("")
        if draw(st.integers(0, 5)) == 0:
            lines.append("# " + draw(cjk_word))
        lines.append(draw(obligation_line()))
    return "\n".join(lines) + "\n"
