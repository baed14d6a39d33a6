"""Options that several commands share, declared once so that their names and help agree.

``due``, ``calendar``, ``explain``, ``check`` and ``report`` all read holiday data; a user who
learns ``--holidays`` on one meets the same option on the others.
"""

from __future__ import annotations

import click

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
