"""The built-in action verbs. Plugins add more through the ``obligations.actions`` entry points.

A verb outside the vocabulary is a lint warning, never an error: the documents this
language encodes keep inventing verbs, and a spec must still compile.
"""

from __future__ import annotations

BUILTIN_ACTIONS: tuple[str, ...] = (
    # Chinese (identity is script-insensitive, so one script is enough)
    "公布",
    "公開",
    "發布",
    "公示",
    "公告",
    "寄送",
    "召開",
    "舉行",
    "更新",
    "答復",
    "答覆",
    "回應",
    "解讀",
    "編制",
    "推送",
    "報送",
    "披露",
    "曝光",
    "標注",
    "開展",
    "進行",
    "組織",
    "實現",
    "建立",
    "設立",
    "轉為",
    "提出",
    "督查",
    "評估",
    "發送",
    "通報",
    "上網",
    "直播",
    "備案",
    "集中發布",
    "公開答復",
    # English
    "publish",
    "release",
    "display",
    "announce",
    "send",
    "hold",
    "update",
    "reply",
    "respond",
    "interpret",
    "disclose",
    "post",
    "notify",
    "report",
    "review",
    "evaluate",
)
