"""Statistics for organisers: counts per stage, and where respondents drop off.

`compute_stats` is a pure function of responses and answered questions, with
the day that counts as "today" passed in; `read_stats` reads them through a
store (a read-only one is enough) and calls it. The result is laid out as text
tables by `organiser.stats_tables`, drawn by `organiser.chart`, and laid out
for Telegram in the bot.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from exports import CHANNELS, history_of
from flows import (
    Called,
    Flow,
    Kind,
    ResponseState,
    StageDef,
    format_day,
    shared_called,
    unpiped,
    visible_steps,
)
from organiser.links import stage_title
from storage import FlowVersion, RefusalCount, Response, ResponseStatus, Stage, SurveyStore

CONDITIONAL: Final = " *"
"""After a question asked only when earlier answers call for it, in the table and the chart."""
OPTIONAL: Final = " °"
"""After a question one may leave unanswered: reached, not answered is a skip, not drop-off."""


@dataclass(frozen=True, slots=True)
class StageCounts:
    """How far the responses of one stage (or of all, for the total) have got."""

    code: str | None
    """None for responses that came without a stage, and for the total."""
    city: str | None
    """The stage's city: as the stages file gives it, else (a stage removed from the file
    since) as the database remembers it; None when neither does (or for the total)."""
    example: bool
    started: int
    """Every response begun: completed, abandoned or still in progress (`in_progress`)."""
    completed: int
    abandoned: int
    """Unfinished responses the bot closed as untouched for too long
    (SURVEYBOT_ABANDON_AFTER_DAYS): given up, as far as anyone can tell."""
    median_minutes: float | None
    """Median time from start to completion, over completed responses."""
    started_today: int
    completed_today: int
    by_channel: Mapping[str, int] = field(default_factory=dict)
    """Responses started, by the respondent's channel (telegram, web, terminal); only the
    channels that have some. Empty when the channels were not read."""
    unlisted: bool = False
    """A code the stages file does not hold (any longer): responses still carry it."""
    declined: int = 0
    """Refusals of the information notice: people who never started, counted apart (a
    refusal keeps no one's name, only its notice, stage and time)."""

    @property
    def in_progress(self) -> int:
        """Responses neither completed nor abandoned: the rest of those started."""
        return self.started - self.completed - self.abandoned

    @property
    def quiet(self) -> bool:
        """A stage of the file no one has answered at, nor declined at: the tables and
        /stats name all such on one line rather than give each a row of zeros."""
        return self.started == 0 and self.declined == 0 and self.code is not None

    @property
    def completion_rate(self) -> float | None:
        """Completed responses as a percentage of started ones; None when none started."""
        return 100 * self.completed / self.started if self.started else None

    def started_on(self, channel: str) -> int:
        """How many responses were started on `channel`."""
        return self.by_channel.get(channel, 0)


@dataclass(frozen=True, slots=True)
class QuestionReach:
    """How many responses reached one question, and how many answered it."""

    question_id: str
    text: str
    reached: int
    answered: int
    conditional: bool = False
    """Asked only when earlier answers call for it (its own or its section's `show_if`):
    fewer reach it by design, which is not drop-off."""
    optional: bool = False
    """One may leave it unanswered ("Passer"): a finished response may not answer it."""
    asked: int | None = None
    """The responses given on a flow version that asks this question, when some were given
    on one that does not (it was added since): reached and answered count only these, and
    its percentages are of them. None when every response's version asks it."""


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
    channels: tuple[str, ...] = ()
    """The channels responses were started on, in this order: telegram, web, terminal."""
    lang: str = "en"
    """The language of the questions' texts, which the chart is labelled in."""
    flow_title: str = ""
    """The flow's title in `lang`, for the chart's heading; empty when it has none."""
    stage_label: str | None = None
    """The stage the figures are restricted to, for people, in `lang`: "Pithiviers,
    5 juin 2019" (a stage removed from the stages file: its city, as the database
    remembers it); None for all stages, or a code neither of them names."""
    called: Called | None = None
    """What the stages file calls its stages, for the chart's "tous les salons"."""

    def percent(self, count: int) -> float | None:
        """`count` as a percentage of the responses started on this flow."""
        return 100 * count / self.flow_started if self.flow_started else None

    def percent_of_asked(self, question: QuestionReach, count: int) -> float | None:
        """`count` as a percentage of the responses that could reach `question`: those on a
        flow version asking it (every response started, when all versions held ask it)."""
        if question.asked is None:
            return self.percent(count)
        return 100 * count / question.asked if question.asked else None


async def read_stats(
    store: SurveyStore,
    *,
    flow: Flow,
    stages: Sequence[StageDef],
    today: dt.date,
    tz: dt.tzinfo = dt.UTC,
    stage_code: str | None = None,
    lang: str | None = None,
    own_only: bool = False,
    only_channels: Collection[str] = (),
) -> Stats:
    """Read the responses through `store` and compute their statistics.

    `own_only`: count only `flow`'s responses, as when the bot runs several flows and
    each has its own tables (with one flow, every response counts, whatever its flow).
    `only_channels`: count only the respondents of these channels (leave out the terminal's
    rehearsals); refusals of the notice, which are kept with no one's channel, are then
    not counted at all.
    """
    responses = await store.list_responses()
    if own_only:
        responses = [response for response in responses if response.flow_id == flow.id]
    answered = await store.answered_question_ids()
    channels = await store.respondent_channels()
    if only_channels:
        responses = [r for r in responses if channels.get(r.respondent_id) in only_channels]
    asked_by = asked_by_version(flow, await store.flow_versions(flow.id))
    declined = refusals_of(flow, await store.refusal_counts(), own_only=own_only)
    if only_channels:
        declined = {}
    return compute_stats(
        responses,
        answered,
        channels=channels,
        asked_by=asked_by,
        remembered=await _remembered_cities(store, responses, stages, stage_code, declined),
        declined=declined,
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
    channels: Mapping[int, str] | None = None,
    asked_by: Mapping[int, Collection[str]] | None = None,
    remembered: Mapping[str, str] | None = None,
    declined: Mapping[str | None, int] | None = None,
) -> Stats:
    """Statistics per stage and drop-off per question, from data already read.

    `answered` maps a response id to the questions it answered (the answers
    that count); `channels`, a respondent id to their channel (without it, the
    counts per channel are left empty). A day is `today` in the time zone
    `tz`. Stage codes match whatever their case, as in the bot. With
    `stage_code`, everything is restricted to that stage. Every stage of
    `stages` gets a row, even without responses; codes not in `stages` and
    responses without a stage come after them. `asked_by` maps a flow version
    held to the questions it asks (`asked_by_version`): a question counts only
    the responses on a version asking it (a response on a version not held, all).
    `remembered` maps a stage code to the city the database keeps with it: a code
    the stages file no longer holds is named by it. `declined` maps a stage code to
    the refusals of the notice there (`refusals_of`): a stage with refusals alone
    has its row too.
    """
    wanted = _folded(stage_code)
    scoped = [r for r in responses if wanted is None or _folded(r.stage_code) == wanted]
    refused = {
        code: count
        for code, count in (declined or {}).items()
        if count and (wanted is None or _folded(code) == wanted)
    }
    cities = {_folded(code): city for code, city in (remembered or {}).items()}
    rows = [
        _count(group, code, stage, today=today, tz=tz, channels=channels, cities=cities)
        for code, stage, group in _stage_rows(scoped, stages, stage_code, also=refused)
    ]
    rows = [replace(row, declined=_refused_at(refused, row.code)) for row in rows]
    total = _count(scoped, None, None, today=today, tz=tz, channels=channels)
    total = replace(total, declined=sum(refused.values()))
    of_flow = [r for r in scoped if r.flow_id == flow.id]
    lang = lang or flow.language
    chosen = next((s for s in stages if wanted is not None and _folded(s.code) == wanted), None)
    return Stats(
        today=today,
        stage_code=chosen.code if chosen is not None else stage_code,
        stages=tuple(rows),
        total=total,
        flow_id=flow.id,
        flow_started=len(of_flow),
        questions=tuple(_dropoff(flow, of_flow, answered, lang, asked_by or {})),
        channels=tuple(total.by_channel),
        lang=lang,
        # On one line, its no-break spaces kept ("d’industrie : acteurs").
        flow_title=re.sub(r"[ \t\r\n]+", " ", flow.text(flow.title, lang)).strip(),
        stage_label=_stage_label(chosen, lang) if chosen is not None else cities.get(wanted),
        called=shared_called(stages),
    )


async def _remembered_cities(
    store: SurveyStore,
    responses: Iterable[Response],
    stages: Sequence[StageDef],
    stage_code: str | None,
    declined: Mapping[str | None, int],
) -> dict[str, str]:
    """The city the database keeps with each stage code the stages file does not hold (a
    stage removed from it since: `sync_stages` keeps it); read only when there is one."""
    listed = {_folded(stage.code) for stage in stages}
    carried = {r.stage_code for r in responses if r.stage_code is not None}
    carried |= {code for code in declined if code is not None}
    unlisted = {_folded(c) for c in (*carried, stage_code) if c is not None} - listed
    if not unlisted:
        return {}
    return {s.code: s.city for s in await stages_remembered(store) if _folded(s.code) in unlisted}


async def stages_remembered(store: SurveyStore) -> list[Stage]:
    """Every stage the database keeps, those removed from the stages file since included
    (`sync_stages` keeps them: old responses carry their codes)."""
    return await store.list_stages()


def _stage_label(stage: StageDef, lang: str) -> str:
    """The stage as people name it: its city (marked when made up), then its day if set."""
    day = format_day(stage.date, lang)
    return f"{stage_title(stage, lang=lang)}, {day}" if day else stage_title(stage, lang=lang)


def _folded(code: str | None) -> str | None:
    """A stage code as codes compare: whatever their case, as `flows.find_stage` reads them
    (people type codes from posters)."""
    return code.lower() if code is not None else None


_Row = tuple[str | None, StageDef | None, list[Response]]


def _stage_rows(
    responses: Sequence[Response],
    stages: Sequence[StageDef],
    stage_code: str | None,
    *,
    also: Iterable[str | None] = (),
) -> list[_Row]:
    """The table's rows in order, each a code, its stage if `stages` holds it, its responses.

    Every stage of `stages` first (only the one asked for with `stage_code`), in
    the file's order, even without responses; then codes not in `stages`, sorted;
    then the responses without a stage. Codes in `also` (where people declined)
    have their row as if they held responses. A code asked for that neither the
    file nor any response holds still gets its row, of zeros, which says so.
    """
    groups = _group_by_stage(responses, stages, also)
    if stage_code is not None:
        stages = [stage for stage in stages if _folded(stage.code) == _folded(stage_code)]
    rows: list[_Row] = [(stage.code, stage, groups.pop(stage.code, [])) for stage in stages]
    if stage_code is not None and not stages and not groups:
        rows.append((stage_code, None, []))
    # What is left: codes the stages file does not hold, and None.
    rows += [(code, None, groups.pop(code)) for code in sorted(c for c in groups if c is not None)]
    if None in groups:
        rows.append((None, None, groups.pop(None)))
    return rows


def _group_by_stage(
    responses: Iterable[Response], stages: Sequence[StageDef], also: Iterable[str | None] = ()
) -> dict[str | None, list[Response]]:
    """Responses by stage code, whatever its case: spelt as in `stages`, or else as first
    met (Old-Stage, then old-stage: one group, Old-Stage); None for those without a stage.
    The codes in `also` have a group, empty if no response carries them."""
    spelling = {_folded(stage.code): stage.code for stage in stages}
    groups: dict[str | None, list[Response]] = {}
    for response in responses:
        code = response.stage_code
        key = spelling.setdefault(_folded(code), code) if code else None
        groups.setdefault(key, []).append(response)
    for code in also:
        groups.setdefault(spelling.setdefault(_folded(code), code) if code else None, [])
    return groups


def _refused_at(refused: Mapping[str | None, int], code: str | None) -> int:
    """The refusals at the row of `code`, whatever the case their codes were stored in."""
    return sum(count for key, count in refused.items() if _folded(key) == _folded(code))


def refusals_of(
    flow: Flow, counts: Iterable[RefusalCount], *, own_only: bool
) -> dict[str | None, int]:
    """Refusals by stage code: all of them, or with `own_only` (several flows, each with its
    tables) those of `flow`'s notice as it reads now (a refusal keeps only its notice's
    fingerprint, and a notice rewritten since has another; two flows with one notice text
    share it, and each counts the refusals of both: no more is kept to tell them apart)."""
    declined: dict[str | None, int] = {}
    for each in counts:
        if not own_only or each.version == flow.consent_version:
            declined[each.stage_code] = declined.get(each.stage_code, 0) + each.count
    return declined


def _count(
    responses: Sequence[Response],
    code: str | None,
    stage: StageDef | None,
    *,
    today: dt.date,
    tz: dt.tzinfo,
    channels: Mapping[int, str] | None,
    cities: Mapping[str | None, str] | None = None,
) -> StageCounts:
    """The figures of one row (or of the total): `code` and, if known, its `stage`; else
    the city the database remembers for `code` (`cities`, by folded code), if any."""
    completed = [r for r in responses if r.status is ResponseStatus.COMPLETED]
    minutes = [
        (r.completed_at - r.started_at).total_seconds() / 60
        for r in completed
        if r.completed_at is not None
    ]
    unlisted = stage is None and code is not None
    return StageCounts(
        code=code,
        city=stage.city if stage is not None else (cities or {}).get(_folded(code)),
        example=stage.example if stage is not None else False,
        started=len(responses),
        completed=len(completed),
        abandoned=sum(1 for r in responses if r.status is ResponseStatus.ABANDONED),
        median_minutes=statistics.median(minutes) if minutes else None,
        started_today=sum(1 for r in responses if r.started_at.astimezone(tz).date() == today),
        completed_today=sum(
            1
            for r in completed
            if r.completed_at is not None and r.completed_at.astimezone(tz).date() == today
        ),
        by_channel=_by_channel(responses, channels) if channels is not None else {},
        unlisted=unlisted,
    )


def _by_channel(responses: Sequence[Response], channels: Mapping[int, str]) -> dict[str, int]:
    """Responses per channel: telegram, web, terminal first, in that order, then any other."""
    counts: dict[str, int] = {}
    for response in responses:
        # A respondent erased between the two reads has no channel left: not counted.
        channel = channels.get(response.respondent_id)
        if channel is not None:
            counts[channel] = counts.get(channel, 0) + 1
    order = {name: i for i, name in enumerate(CHANNELS)}
    return {c: counts[c] for c in sorted(counts, key=lambda c: (order.get(c, len(order)), c))}


def _dropoff(
    flow: Flow,
    responses: Sequence[Response],
    answered: Mapping[int, Collection[str]],
    lang: str,
    asked_by: Mapping[int, Collection[str]],
) -> Iterable[QuestionReach]:
    reached = [(response, _reached(flow, response)) for response in responses]
    for step in flow.steps():
        if step.type == Kind.INFO:
            continue
        # A response on a version that did not ask the question never could reach it.
        asking = [
            (response, seen)
            for response, seen in reached
            if response.flow_version == flow.version
            or step.id in asked_by.get(response.flow_version, (step.id,))
        ]
        yield QuestionReach(
            question_id=step.id,
            text=_plain(flow.text(step.text, lang)),
            reached=sum(1 for _, seen in asking if step.id in seen),
            answered=sum(1 for r, _ in asking if step.id in answered.get(r.id, ())),
            conditional=step.show_if is not None or flow.section_of(step.id).show_if is not None,
            optional=not step.required,
            asked=len(asking) if len(asking) < len(reached) else None,
        )


def asked_by_version(flow: Flow, stored: Iterable[FlowVersion]) -> dict[int, frozenset[str]]:
    """Flow version -> the questions it asks, for `flow` and the versions of it `stored`
    (as the bot keeps each one it runs). A stored version this surveybot cannot read is
    left out: its responses then count for every question, as before versions were kept.
    The versions are read as the export reads them (`exports.history_of`)."""
    return {
        each.version: frozenset(step.id for step in each.steps() if step.type != Kind.INFO)
        for each in history_of(flow, list(stored)).flows
    }


def _reached(flow: Flow, response: Response) -> set[str]:
    """The steps a response has shown and that still apply: the current one, and those in
    its history that its answers still show.

    A question shown once, then hidden by an answer changed since (from the
    summary, say), no longer applies: its answer does not count (the export
    leaves it out), so it is not reached either. Read from the engine's state
    as plain JSON, so a state this version of the engine cannot load still
    counts its current step (and its history, as it stands), and so does a response
    given on another version of the flow.
    """
    seen = {response.current_step} if response.current_step else set()
    try:
        state = json.loads(response.state_json)
    except ValueError:
        return seen
    if not isinstance(state, dict):
        return seen
    history = state.get("history")
    if isinstance(history, list):
        walked = {step for step in history if isinstance(step, str)}
        # Only this file's version decides what its answers show: an older one's conditions
        # may differ (a `show_if` added since would unreach what was answered then).
        same = response.flow_version == flow.version
        shown = _shown(flow, state.get("answers")) if same else None
        seen.update(walked if shown is None else walked & shown)
    return seen


def _shown(flow: Flow, answers: object) -> set[str] | None:
    """The steps `answers` show, as the engine decides them; None if they cannot be read."""
    if not isinstance(answers, dict):
        return None
    try:
        state = ResponseState(current=None, answers=answers)
    except ValueError:  # pydantic's ValidationError: answers this engine cannot read
        return None
    return {step.id for step in visible_steps(flow, state)}


def _plain(text: str) -> str:
    # Piped answers ("{company|your company}") read as their fallback in a question's text.
    text = unpiped(text)
    return " ".join(text.split())
