"""Statistics for organisers: counts per stage, and where respondents drop off.

`compute_stats` is a pure function of responses and answered questions, with
the day that counts as "today" passed in; `read_stats` reads them through a
Store (a read-only one is enough) and calls it. The `render_*` functions turn
the result into text tables for the terminal or a Telegram message, and into a
drop-off chart (PNG, drawn with Pillow, imported only for the chart).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from flows import Flow, Kind, StageDef
from storage import Response, ResponseStatus, Store

NO_STAGE: Final = "(no stage)"
# Piped answers ("{company|your company}") read as their fallback in a question's text.
_PIPE = re.compile(r"\{[a-z][a-z0-9_]*(?:\|([^{}]*))?\}")

# The chart's geometry and colours, public so a test can find the bars.
REACHED_COLOUR: Final = (158, 193, 226)
ANSWERED_COLOUR: Final = (31, 94, 160)
CHART_WIDTH: Final = 960
CHART_LEFT: Final = 300
"""Where the bars start; labels and the legend stay left of it."""
CHART_BAR_WIDTH: Final = 540
"""The length of a bar at 100 % of the responses started."""


@dataclass(frozen=True, slots=True)
class StageCounts:
    """How far the responses of one stage (or of all, for the total) have got."""

    code: str | None
    """None for responses that came without a stage, and for the total."""
    city: str | None
    """None when the code is not in the stages file (or for the total)."""
    example: bool
    started: int
    completed: int
    median_minutes: float | None
    """Median time from start to completion, over completed responses."""
    started_today: int
    completed_today: int

    @property
    def completion_rate(self) -> float | None:
        """Completed responses as a percentage of started ones; None when none started."""
        return 100 * self.completed / self.started if self.started else None


@dataclass(frozen=True, slots=True)
class QuestionReach:
    """How many responses reached one question, and how many answered it."""

    question_id: str
    text: str
    reached: int
    answered: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Per-stage counts, their total, and the drop-off along the flow's questions."""

    today: dt.date
    stage_code: str | None
    """The stage the figures are restricted to, if any."""
    stages: tuple[StageCounts, ...]
    total: StageCounts
    flow_id: str
    flow_started: int
    """Responses to this flow: what drop-off percentages are of."""
    questions: tuple[QuestionReach, ...]

    def percent(self, count: int) -> float | None:
        """`count` as a percentage of the responses started on this flow."""
        return 100 * count / self.flow_started if self.flow_started else None


async def read_stats(
    store: Store,
    *,
    flow: Flow,
    stages: Sequence[StageDef],
    today: dt.date,
    tz: dt.tzinfo = dt.UTC,
    stage_code: str | None = None,
    lang: str | None = None,
) -> Stats:
    """Read the responses through `store` and compute their statistics."""
    responses = await store.list_responses()
    answered = await store.answered_question_ids()
    return compute_stats(
        responses,
        answered,
        flow=flow,
        stages=stages,
        today=today,
        tz=tz,
        stage_code=stage_code,
        lang=lang,
    )


def compute_stats(
    responses: Iterable[Response],
    answered: Mapping[int, Collection[str]],
    *,
    flow: Flow,
    stages: Sequence[StageDef],
    today: dt.date,
    tz: dt.tzinfo = dt.UTC,
    stage_code: str | None = None,
    lang: str | None = None,
) -> Stats:
    """Statistics per stage and drop-off per question, from data already read.

    `answered` maps a response id to the questions it answered (the answers
    that count). A day is `today` in the time zone `tz`. Stage codes match
    whatever their case, as in the bot. With `stage_code`, everything is
    restricted to that stage. Every stage of `stages` gets a row, even
    without responses; codes not in `stages` and responses without a stage
    come after them.
    """
    known = {stage.code.lower(): stage for stage in stages}
    wanted = stage_code.lower() if stage_code is not None else None
    scoped: list[Response] = []
    # Codes not in the stages file are grouped ignoring case too, under their first spelling.
    spelling = {folded: stage.code for folded, stage in known.items()}
    groups: dict[str | None, list[Response]] = {}
    for response in responses:
        code = response.stage_code
        folded = code.lower() if code is not None else None
        if wanted is not None and folded != wanted:
            continue
        scoped.append(response)
        key = spelling.setdefault(folded, code) if folded is not None and code else None
        groups.setdefault(key, []).append(response)

    rows: list[StageCounts] = []
    for stage in stages:
        if wanted is None or stage.code.lower() == wanted:
            found = groups.pop(stage.code, [])
            rows.append(_count(stage.code, stage.city, stage.example, found, today, tz))
    if wanted is not None and wanted not in known and not groups:
        rows.append(_count(stage_code, None, False, [], today, tz))
    for code in sorted(c for c in groups if c is not None):
        rows.append(_count(code, None, False, groups.pop(code), today, tz))
    if None in groups:
        rows.append(_count(None, None, False, groups.pop(None), today, tz))

    of_flow = [r for r in scoped if r.flow_id == flow.id]
    return Stats(
        today=today,
        stage_code=known[wanted].code if wanted is not None and wanted in known else stage_code,
        stages=tuple(rows),
        total=_count(None, None, False, scoped, today, tz),
        flow_id=flow.id,
        flow_started=len(of_flow),
        questions=tuple(_dropoff(flow, of_flow, answered, lang or flow.language)),
    )


def _count(
    code: str | None,
    city: str | None,
    example: bool,
    responses: Sequence[Response],
    today: dt.date,
    tz: dt.tzinfo,
) -> StageCounts:
    completed = [r for r in responses if r.status is ResponseStatus.COMPLETED]
    minutes = [
        (r.completed_at - r.started_at).total_seconds() / 60
        for r in completed
        if r.completed_at is not None
    ]
    return StageCounts(
        code=code,
        city=city,
        example=example,
        started=len(responses),
        completed=len(completed),
        median_minutes=statistics.median(minutes) if minutes else None,
        started_today=sum(1 for r in responses if r.started_at.astimezone(tz).date() == today),
        completed_today=sum(
            1
            for r in completed
            if r.completed_at is not None and r.completed_at.astimezone(tz).date() == today
        ),
    )


def _dropoff(
    flow: Flow,
    responses: Sequence[Response],
    answered: Mapping[int, Collection[str]],
    lang: str,
) -> Iterable[QuestionReach]:
    reached = [_reached(response) for response in responses]
    for step in flow.steps():
        if step.type == Kind.INFO:
            continue
        yield QuestionReach(
            question_id=step.id,
            text=_plain(flow.text(step.text, lang)),
            reached=sum(1 for seen in reached if step.id in seen),
            answered=sum(1 for r in responses if step.id in answered.get(r.id, ())),
        )


def _reached(response: Response) -> set[str]:
    """The steps a response has shown: the current one and those in its history.

    Read from the engine's state as plain JSON, so a state this version of the
    engine cannot load still counts its current step.
    """
    seen = {response.current_step} if response.current_step else set()
    try:
        state = json.loads(response.state_json)
    except ValueError:
        return seen
    history = state.get("history") if isinstance(state, dict) else None
    if isinstance(history, list):
        seen.update(step for step in history if isinstance(step, str))
    return seen


def _plain(text: str) -> str:
    text = _PIPE.sub(lambda match: match.group(1) or "…", text)
    return " ".join(text.split())


# --- text tables --------------------------------------------------------------


def render_stage_table(stats: Stats) -> str:
    """The per-stage table with its total, as aligned plain text (monospace)."""
    headers = ("stage", "city", "started", "completed", "rate", "median", "today")
    rows = [_stage_row(row) for row in stats.stages]
    rows.append(("TOTAL", "", *_stage_row(stats.total)[2:]))
    table = _table(headers, rows, right=frozenset(range(2, 7)))
    legend = (
        "rate: completed / started; median: time to complete; "
        f"today ({stats.today.isoformat()}): started / completed"
    )
    return f"{table}\n{legend}"


def _stage_row(row: StageCounts) -> tuple[str, ...]:
    if row.code is None:
        code, city = NO_STAGE, ""
    else:
        code = row.code
        city = row.city if row.city is not None else "(not in the stages file)"
        if row.example:
            city += " (example)"
    return (
        code,
        city,
        str(row.started),
        str(row.completed),
        _percent(row.completion_rate),
        f"{row.median_minutes:.1f} min" if row.median_minutes is not None else "-",
        f"{row.started_today} / {row.completed_today}",
    )


def render_dropoff_table(stats: Stats, *, text_width: int = 32) -> str:
    """The drop-off view: each question in flow order, how many reached and answered it."""
    where = f", stage {stats.stage_code}" if stats.stage_code else ""
    title = f"Drop-off, flow {stats.flow_id}{where}: {stats.flow_started} started"
    if not stats.questions:
        return f"{title}\n(the flow has no questions)"
    headers = ("#", "question", "", "reached", "%", "answered", "%")
    rows = [
        (
            str(index),
            question.question_id,
            _shorten(question.text, text_width),
            str(question.reached),
            _percent(stats.percent(question.reached), digits=0),
            str(question.answered),
            _percent(stats.percent(question.answered), digits=0),
        )
        for index, question in enumerate(stats.questions, start=1)
    ]
    table = _table(headers, rows, right=frozenset({0, 3, 4, 5, 6}))
    legend = "reached: the question was shown; answered: its answer counts; % of started"
    return f"{title}\n{table}\n{legend}"


def _percent(value: float | None, *, digits: int = 1) -> str:
    return f"{value:.{digits}f}%" if value is not None else "-"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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


# --- the chart ----------------------------------------------------------------


def render_dropoff_png(stats: Stats) -> bytes:
    """The drop-off as a bar chart (PNG): per question, reached and answered, % of started."""
    from PIL import Image, ImageDraw

    from exports.links import caption_font

    title_font, _ = caption_font(20, bold=True)
    font, _ = caption_font(14)
    row_height, bar_height, top = 26, 16, 96
    height = top + row_height * max(len(stats.questions), 1) + 40
    image = Image.new("RGB", (CHART_WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    where = f", stage {stats.stage_code}" if stats.stage_code else ""
    draw.text(
        (16, 14),
        f"Drop-off, flow {stats.flow_id}{where}: {stats.flow_started} started",
        font=title_font,
        fill="black",
    )
    for x, colour, label in ((16, REACHED_COLOUR, "reached"), (120, ANSWERED_COLOUR, "answered")):
        draw.rectangle((x, 50, x + 14, 64), fill=colour)
        draw.text((x + 20, 50), label, font=font, fill="black")
    draw.text((16, 72), "numbers: reached / answered", font=font, fill=(90, 90, 90))

    bottom = top + row_height * len(stats.questions)
    for tick in range(0, 101, 25):
        x = CHART_LEFT + CHART_BAR_WIDTH * tick // 100
        draw.line((x, top - 6, x, bottom), fill=(215, 215, 215))
        draw.text((x, top - 8), f"{tick}%", font=font, fill=(90, 90, 90), anchor="mb")
    if not stats.questions or not stats.flow_started:
        draw.text((CHART_LEFT, top + 6), "no responses yet", font=font, fill="black")
    for index, question in enumerate(stats.questions if stats.flow_started else ()):
        y = top + index * row_height + (row_height - bar_height) // 2
        label = _shorten(f"{index + 1}. {question.question_id}", 34)
        draw.text(
            (CHART_LEFT - 10, y + bar_height // 2), label, font=font, fill="black", anchor="rm"
        )
        for count, colour in (
            (question.reached, REACHED_COLOUR),
            (question.answered, ANSWERED_COLOUR),
        ):
            length = round(CHART_BAR_WIDTH * count / stats.flow_started)
            if length:
                draw.rectangle(
                    (CHART_LEFT, y, CHART_LEFT + length - 1, y + bar_height - 1), fill=colour
                )
        end = (
            CHART_LEFT
            + CHART_BAR_WIDTH * max(question.reached, question.answered) // stats.flow_started
        )
        draw.text(
            (end + 8, y + bar_height // 2),
            f"{question.reached} / {question.answered}",
            font=font,
            fill="black",
            anchor="lm",
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
