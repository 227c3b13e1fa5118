"""What an export is asked for: layout, filters, labels and the CSV dialect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from exports.errors import ExportError
from flows import Flow
from storage import Channel, ResponseFilter, ResponseStatus

ALL: Final = "all"
STATUSES: Final = (*(s.value for s in ResponseStatus), ALL)
CHANNELS: Final = (Channel.TELEGRAM.value, Channel.WEB.value, Channel.TERMINAL.value)
"""The respondents' channels, in the order exports and statistics show them (rehearsals last)."""
DEFAULT_BATCH: Final = 2000

DateLike = dt.date | dt.datetime | str


class Layout(StrEnum):
    """One row per response (wide) or one row per answer (long)."""

    WIDE = "wide"
    LONG = "long"


@dataclass(frozen=True)
class ExportOptions:
    """Everything that shapes an export; the defaults give the analysts' usual table."""

    layout: Layout = Layout.WIDE
    stages: tuple[str, ...] = ()
    """Stage codes to keep; empty, and `untagged` False, keeps every response."""
    status: str = ResponseStatus.COMPLETED.value
    """A response status, or "all"."""
    since: DateLike | None = None
    """Keep responses started on or after this day (UTC), or this instant."""
    until: DateLike | None = None
    """Keep responses started on or before this day (UTC, inclusive), or this instant."""
    flow_versions: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    """The respondents' channels to keep (telegram, web, terminal); empty keeps all."""
    labels: bool = False
    """Write choice labels instead of codes."""
    lang: str | None = None
    """Language of labels and of the codebook; the flow's default when None."""
    joined: bool = False
    """Add, for each multiple choice, one column of its codes joined by ";"."""
    include_personal: bool = False
    """Keep the questions the flow marks `personal: true` (a name, an e-mail): left out by default."""
    excel: bool = False
    """French Excel dialect: UTF-8 with BOM, ";" separator, CRLF, decimal comma."""
    bom: bool = False
    """A BOM before the plain dialect too: how Excel in English, which splits on ",", knows
    the file is UTF-8 (without one it reads "CrÃªperie")."""
    cities: Mapping[str, str] = field(default_factory=dict)
    """Stage code -> city, for stages the database does not know (from the stages file)."""
    regions: Mapping[str, str] = field(default_factory=dict)
    """Stage code -> region, for stages the database gives none (from the stages file)."""
    territories: Mapping[str, str] = field(default_factory=dict)
    """Stage code -> territory (its `territory:`), for stages the database gives none."""
    dates: Mapping[str, str] = field(default_factory=dict)
    """Stage code -> the workshop's day (YYYY-MM-DD), for stages the database gives none."""
    batch_size: int = DEFAULT_BATCH
    """Responses read and written at a time: bounds memory on large exports."""
    untagged: bool = False
    """Keep the responses that came with no stage (no invitation link's workshop: the
    "(no stage)" row of the statistics): alone, or beside those of `stages`."""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "layout", Layout(self.layout))
        except ValueError:
            raise ExportError(
                f"unknown layout {self.layout!r}; use one of: {', '.join(Layout)}"
            ) from None
        if self.status not in STATUSES:
            raise ExportError(f"unknown status {self.status!r}; use one of: {', '.join(STATUSES)}")
        object.__setattr__(self, "stages", _strings(self.stages))
        object.__setattr__(self, "flow_versions", tuple(int(v) for v in self.flow_versions))
        object.__setattr__(self, "channels", tuple(map(str, _strings(self.channels))))
        unknown = [c for c in self.channels if c not in CHANNELS]
        if unknown:
            raise ExportError(f"unknown channel {unknown[0]!r}; use one of: {', '.join(CHANNELS)}")
        if self.batch_size < 1:
            raise ExportError(f"batch_size must be at least 1, not {self.batch_size}")
        start, end = self.started_between()
        if start is not None and end is not None and start >= end:
            raise ExportError(
                f"since ({self.since}) is after until ({self.until}): no response can match"
            )

    def language(self, flow: Flow) -> str:
        """The language of labels: `lang`, checked against the flow, or the flow's default."""
        if self.lang is None:
            return flow.language
        if self.lang not in flow.languages:
            raise ExportError(
                f"the flow '{flow.id}' has no '{self.lang}' version "
                f"(it has: {', '.join(flow.languages)})"
            )
        return self.lang

    def started_between(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) bounds on started_at, in UTC."""
        start = _instant(self.since, "since", end=False)
        end = _instant(self.until, "until", end=True)
        return start, end

    def response_filter(self, flow_id: str) -> ResponseFilter:
        """The storage query for these options, on one flow."""
        start, end = self.started_between()
        statuses = () if self.status == ALL else (ResponseStatus(self.status),)
        return ResponseFilter(
            flow_id=flow_id,
            stage_codes=self.stages,
            untagged=self.untagged,
            statuses=statuses,
            started_from=start,
            started_before=end,
            flow_versions=self.flow_versions,
            channels=self.channels,
        )


def _strings(values: Iterable[str] | str) -> tuple[str, ...]:
    # A lone string would otherwise become a tuple of its characters.
    return (values,) if isinstance(values, str) else tuple(values)


def _instant(value: DateLike | None, name: str, *, end: bool) -> dt.datetime | None:
    """A day means the whole day in UTC; a datetime is taken as is (naive means UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            )
        except ValueError:
            raise ExportError(
                f"{name}: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2019-06-03"
            ) from None
    try:
        if isinstance(value, dt.datetime):
            moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
            # An instant given as "until" is included.
            return moment + dt.timedelta(microseconds=1) if end else moment
        day = value + dt.timedelta(days=1) if end else value
    except OverflowError:
        # "until" the calendar's last day (9999-12-31) or instant: its end has no date,
        # and every response started before it; so no upper bound, as none was meant.
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
