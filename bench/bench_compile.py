"""Compile a generated 10,000-obligation spec vs a bare Lark LALR parse of the same text.

Run: .venv/bin/python bench/bench_compile.py [--obligations N] [--repeat R]
Both sides use the same grammar file and the same lexer (contextual); "bare" builds Lark's
own parse tree with no transformer, "compile" is obligations' full pipeline (parse with the
inline syntax builder, then the checker: names, roles, ids, OpenCC identity keys).
Reports the median of R runs of each, interleaved so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time

from lark import Lark

from obligations.compiler import compile_text
from obligations.parse_tree import grammar_text

AGENCIES = [
    "市場監管局",
    "財政局",
    "商務局",
    "環保局",
    "人社局",
    "統計局",
    "住建局",
    "教育局",
    "民政局",
    "衛計委",
]
VERBS = ["公布", "公開", "發布", "公示", "更新", "寄送"]
SUBJECT_CHARS = "食品安全抽檢財政收支報告環境預測農產價格統計資料城市空氣水源藥質量消費市場運行分析"
TIMINGS = [
    "每周",
    "每季度",
    "按月",
    "每半年",
    "每月 8日前",
    "每年 至少1次",
    "每日 提前48小時",
    "事件 特別重大突發事件 後 5小時內",
    "事件 信息形成或變更 後 20個工作日內",
    "每年 1月31日前",
    "每月 期後 15個工作日內",
    "及時",
    "長期",
    "每周二",
]


def generate(n: int, seed: int = 2017) -> str:
    rng = random.Random(seed)
    lines = ["標題：基準測試", "發布日期：2017-09-04", "及時：20個工作日"]
    lines += [f"機構 {a} = 海門市{a}" for a in AGENCIES]
    for i in range(n):
        if i % 50 == 0:
            lines.append(f"§ {i // 50 + 1} 第{i // 50 + 1}節")
        subject = "".join(rng.choice(SUBJECT_CHARS) for _ in range(rng.randint(4, 10))) + str(i)
        agencies = "、".join(rng.sample(AGENCIES, rng.randint(1, 3)))
        role = rng.choice(["", " 分別", " 牽頭"])
        lines.append(f"[R-{i:05d}] {rng.choice(TIMINGS)} {rng.choice(VERBS)} {subject} by {agencies}{role}")
        lines.append(f"> {subject}的原文句子")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--obligations", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    text = generate(args.obligations)
    bare = Lark(grammar_text(), parser="lalr", lexer="contextual", cache=True)
    compile_text(text, "warm.obl")  # build and cache the parser, load OpenCC
    bare.parse(text)
    bare_times, bare_nogc_times, compile_times = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        bare.parse(text)
        bare_times.append(time.perf_counter() - t)
        gc.disable()  # the same pause compile makes, for a like-with-like second baseline
        t = time.perf_counter()
        bare.parse(text)
        bare_nogc_times.append(time.perf_counter() - t)
        gc.enable()
        t = time.perf_counter()
        result = compile_text(text, "bench.obl")
        compile_times.append(time.perf_counter() - t)
        assert result.spec is not None and len(result.spec.obligations) == args.obligations
    b, c = statistics.median(bare_times), statistics.median(compile_times)
    b0 = statistics.median(bare_nogc_times)
    print(f"spec: {args.obligations} obligations, {len(text):,} characters, {text.count(chr(10)):,} lines")
    print(f"bare Lark LALR parse (tree, no transformer): median {b * 1000:.0f} ms of {args.repeat}")
    print(f"obligations compile (parse + syntax + check): median {c * 1000:.0f} ms of {args.repeat}")
    print(f"bare Lark LALR parse, cyclic GC paused as compile pauses it: median {b0 * 1000:.0f} ms")
    print(f"ratio compile / bare parse: {c / b:.2f} (target <= 1.5)")
    print(f"ratio compile / bare parse with GC paused too (like with like): {c / b0:.2f}")


if __name__ == "__main__":
    main()
