"""The statistics as text tables, for the terminal (`surveybot stats`).

Aligned plain text, to read in monospace: the per-stage table with its total,
and the drop-off along the questions. They only lay out a `Stats` that
`organiser.stats` computed; the same figures are drawn by `organiser.chart` and
laid out for Telegram in the bot.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Final

from organiser.stats import CONDITIONAL, OPTIONAL, StageCounts, Stats
from storage import Channel

NO_STAGE: Final = "(no stage)"
UNLISTED: Final = "(not in the stages file)"
"""After the city of a stage responses carry that the stages file no longer holds."""
CONDITIONAL_LEGEND = "*: asked only when earlier answers call for it: fewer reach it by design"
OPTIONAL_LEGEND = '°: optional: reached and not answered is a skip ("passer"), not drop-off'
ADDED: Final = " +"
"""After a question some flow versions answered did not ask: its figures are of the others."""


def render_stage_table(
    stats: Stats, *, abandon_after_days: float | None = None, all_stages: bool = False
) -> str:
    """The per-stage table with its total, as aligned plain text (monospace).

    Beside "started", one column per channel responses were started on, when
    there are any: a rehearsal in the terminal chat or a web response shows at
    a glance. `abandon_after_days`: SURVEYBOT_ABANDON_AFTER_DAYS, for the legend
    of "abandoned" (None: not known here, the legend names the setting).

    The stages without responses are folded into one line under the table, as
    Telegram's /stats says them (forty workshops and a first answer: one row, not
    forty); `all_stages` keeps a row for each. One asked for alone keeps its row.
    """
    channels = stats.channels
    declined = stats.total.declined > 0  # a column only once someone has declined
    headers = (
        "stage",
        "city",
        "started",
        *channels,
        "completed",
        "abandoned",
        "rate",
        "median",
        "today",
        *(("declined",) if declined else ()),
    )
    fold = not all_stages and stats.stage_code is None
    quiet = [row for row in stats.stages if fold and row.quiet]
    rows = [_stage_row(row, channels, declined) for row in stats.stages if row not in quiet]
    rows.append(("TOTAL", "", *_stage_row(stats.total, channels, declined)[2:]))
    table = _table(headers, rows, right=frozenset(range(2, len(headers))))
    if quiet:
        table += "\n" + _no_responses_yet([row.code for row in quiet if row.code is not None])
    legend = (
        "rate: completed / started; median: time to complete; "
        f"today ({stats.today.isoformat()}): started / completed"
    )
    legend += f"\n{abandoned_legend(abandon_after_days)}"
    if channels:
        legend += f"\n{', '.join(channels)}: started on that channel"
        if Channel.TERMINAL in channels:
            legend += " (terminal: rehearsals in the terminal chat)"
    if declined:
        legend += f"\n{DECLINED_LEGEND}"
    return f"{table}\n{legend}"


DECLINED_LEGEND: Final = (
    "declined: refused the information notice, so never started (only the count is kept)"
)


def _no_responses_yet(codes: Sequence[str]) -> str:
    """ "no responses yet (37): ville01, ville02, …", every code, wrapped at 100 characters."""
    line = f"no responses yet ({len(codes)}): {', '.join(codes)}"
    wrap = textwrap.TextWrapper(
        width=100, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )
    return "\n".join(wrap.wrap(line))


def abandoned_legend(days: float | None) -> str:
    """What "abandoned" means, after SURVEYBOT_ABANDON_AFTER_DAYS (`days`, None: not known)."""
    setting = "SURVEYBOT_ABANDON_AFTER_DAYS"
    if days == 0:
        meaning = f"unfinished, closed by the bot as untouched ({setting}=0: it closes none now)"
    else:
        span = (
            f"{setting} days (14 by default)"
            if days is None
            else f"{days:g} day{'' if days == 1 else 's'} ({setting})"
        )
        meaning = f"unfinished and untouched for {span}, closed by the bot"
    return f"abandoned: {meaning}; started = completed + abandoned + in progress"


def _stage_row(row: StageCounts, channels: Sequence[str], declined: bool) -> tuple[str, ...]:
    if row.code is None:
        code, city = NO_STAGE, ""
    else:
        code = row.code
        city = row.city or ""
        if row.unlisted:  # removed from the file since: its city, as the database remembers it
            city = f"{city} {UNLISTED}".lstrip()
        if row.example:
            city += " (example)"
    return (
        code,
        city,
        str(row.started),
        *(str(row.started_on(channel)) for channel in channels),
        str(row.completed),
        str(row.abandoned),
        _percent(row.completion_rate),
        duration(row.median_minutes) if row.median_minutes is not None else "-",
        f"{row.started_today} / {row.completed_today}",
        *((str(row.declined),) if declined else ()),
    )


def render_dropoff_table(stats: Stats, *, text_width: int = 32) -> str:
    """The drop-off view: each question in flow order, how many reached and answered it."""
    title = dropoff_title(stats)
    if not stats.questions:
        return f"{title}\n(the flow has no questions)"
    headers = ("#", "question", "", "reached", "%", "answered", "%")
    rows = [
        (
            str(index),
            question.question_id
            + CONDITIONAL * question.conditional
            + OPTIONAL * question.optional
            + ADDED * (question.asked is not None),
            shorten(question.text, text_width),
            str(question.reached),
            _percent(stats.percent_of_asked(question, question.reached), digits=0),
            str(question.answered),
            _percent(stats.percent_of_asked(question, question.answered), digits=0),
        )
        for index, question in enumerate(stats.questions, start=1)
    ]
    table = _table(headers, rows, right=frozenset({0, 3, 4, 5, 6}))
    legend = "reached: the question was shown; answered: its answer counts; % of started"
    if any(question.conditional for question in stats.questions):
        legend += f"\n{CONDITIONAL_LEGEND}"
    if any(question.optional for question in stats.questions):
        legend += f"\n{OPTIONAL_LEGEND}"
    legend += _added_legend(stats)
    return f"{title}\n{table}\n{legend}"


def _added_legend(stats: Stats) -> str:
    """The legend of `ADDED`, when a question has it: not drop-off, a version without it."""
    asked = sorted({q.asked for q in stats.questions if q.asked is not None})
    if not asked:
        return ""
    of = f"the {asked[0]}" if len(asked) == 1 else "the responses"
    return (
        "\n+: some responses were given on a flow version without this question: "
        f"its counts and % are of {of} on a version asking it"
    )


def dropoff_title(stats: Stats) -> str:
    """The drop-off table's title, by ids: "Drop-off, flow tour: 7 started" (the chart's,
    for people, is `organiser.chart.chart_title`)."""
    where = f", stage {stats.stage_code}" if stats.stage_code else ""
    return f"Drop-off, flow {stats.flow_id}{where}: {stats.flow_started} started"


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` characters, the last one an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def duration(minutes: float, lang: str = "en", *, digits: int = 1, space: str = " ") -> str:
    """A time to complete as people read it: minutes up to an hour and a half, then hours
    up to two days, then days: "12.5 min", "3.2 h", "8.0 days" ("3,2 h", "8,0 jours" in
    French). Respondents resume days later, and "11490.5 min" says nothing at a glance.
    `digits`: the minutes' decimals; hours and days have one."""
    if minutes < 90:
        value, unit = minutes, "min"
    elif minutes < 48 * 60:
        value, unit, digits = minutes / 60, "h", 1
    else:
        value, unit, digits = minutes / (24 * 60), "days" if lang == "en" else "jours", 1
    shown = f"{value:.{digits}f}"
    return f"{shown if lang == 'en' else shown.replace('.', ',')}{space}{unit}"


def _percent(value: float | None, *, digits: int = 1) -> str:
    return f"{value:.{digits}f}%" if value is not None else "-"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: frozenset[int]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
