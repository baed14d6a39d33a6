"""Options that several commands share, declared once so that their names and help agree.

``due``, ``calendar``, ``explain``, ``check`` and ``report`` all read holiday data; a user who
learns ``--holidays`` on one meets the same option on the others.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from obligations.errors import FIRST_YEAR, LAST_YEAR

holidays_option = click.option(
    "--holidays",
    multiple=True,
    type=click.Path(),
    help="Holidays file (CSV or JSON, see docs/calendar.md); may be repeated.",
)

# The results these commands list are dates computed from the holidays: marked 估算. (``calendar``
# lists the days themselves, marked 推定, and declares its own flag.)
estimate_option = click.option(
    "--estimate", is_flag=True, help="Estimate holidays of years without a notice; marked 估算."
)

calendar_option = click.option(
    "--calendar",
    "calendar_name",
    default="cn",
    show_default=True,
    help="Holiday calendar, by its name in the obligations.calendars group.",
)

# Dates the commands take (errors.FIRST_YEAR..LAST_YEAR): the engine looks a year and more around a
# range, and a year far outside these is a typing mistake (0001, 9999), not a plan.


def year_problem(value: str, year: int) -> str | None:
    """Why a date given on the command line cannot be used, or None (in the user's language)."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return None
    if _current_lang() == "en":
        return f"{value!r}: the year must be between {FIRST_YEAR} and {LAST_YEAR}"
    return f"「{value}」：年份須在 {FIRST_YEAR} 至 {LAST_YEAR} 之間"


def not_a_date(value: str, forms: str = "2026-10-31") -> str:
    """The message for a date the user mistyped, in the user's language: the commonest usage error
    of an office, so not left in click's English."""
    if _current_lang() == "en":
        return f"{value!r} is not a date written {forms}"
    return f"「{value}」不是日期；請寫成 {forms} 的形式"


class BadValue(click.BadParameter):
    """click's BadParameter, its "Invalid value for …" in Chinese too (click's own "Error:" and
    "Usage:" lines stay as click writes them)."""

    def __init__(self, message: str, ctx: click.Context | None, param: click.Parameter | None) -> None:
        super().__init__(message, ctx, param)
        self.lang = _current_lang()  # shown after the command's context has closed

    def format_message(self) -> str:
        if self.lang == "en" or self.param is None:
            return super().format_message()
        name = self.param.get_error_hint(self.ctx) if self.ctx is not None else self.param.name
        return f"選項 {name} 的值無效：{self.message}"


class DateTimeInRange(click.DateTime):
    """``click.DateTime`` for dates from FIRST_YEAR to LAST_YEAR."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            moment = super().convert(value, param, ctx)
        except click.BadParameter:
            examples = [_example(f) for f in self.formats]
            forms = (" or " if _current_lang() == "en" else " 或 ").join(examples)
            raise BadValue(not_a_date(str(value), forms), ctx, param) from None
        problem = year_problem(str(value), moment.year)
        if problem is not None:
            raise BadValue(problem, ctx, param)
        return moment


def _example(form: str) -> str:
    """A strptime format as a date a person would type: %Y-%m-%d %H:%M is 2026-10-31 14:30."""
    for code, sample in (("%Y", "2026"), ("%m", "10"), ("%d", "31"), ("%H", "14"), ("%M", "30")):
        form = form.replace(code, sample)
    return form


def _current_lang() -> str:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return str(getattr(obj, "lang", None) or "zh")


def keep_existing(path: str, force: bool, lang: str) -> None:
    """Stop with exit 2 when ``path`` exists and ``--force`` was not given: a file the user has is
    never replaced unasked (``extract -o``, ``evidence export``)."""
    if force or not Path(path).exists():
        return
    click.echo(
        f"{path} exists; not overwritten (use --force)"
        if lang == "en"
        else f"{path} 已存在，未覆蓋；要覆蓋請加 --force",
        err=True,
    )
    sys.exit(2)


def write_whole(path: str, text: str, lang: str) -> None:
    """Write ``text`` to ``path`` (UTF-8) whole or not at all: into a file beside it, then moved
    into place, so a failure (no such folder, no permission, a full disk) never leaves a half or
    empty file where the user's was. A failure is a message and exit 3, not a traceback."""
    import os
    import shutil

    target = Path(path).resolve()  # a symbolic link: write the file it points to, keep the link
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", errors="replace")
        if target.exists():
            shutil.copymode(target, tmp)  # a file the user had keeps its permissions
        os.replace(tmp, target)
    except OSError as err:
        reason = err.strerror or str(err)
        message = f"{path}: cannot write: {reason}" if lang == "en" else f"{path}：無法寫入：{reason}"
        click.echo(message, err=True)
        sys.exit(3)
    finally:
        tmp.unlink(missing_ok=True)


def not_blank(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A filter such as ``--agency ""`` names nothing: a usage error, not "every agency"."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty" if _current_lang() == "en" else "不能為空")
    return value
