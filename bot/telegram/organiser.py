"""Organiser commands in Telegram: /stats, /links, /qr CODE (/export: organiser_export.py).

With several questionnaires, /stats and /export take an audience too (`/export
territoire`), and without one give each questionnaire its own tables and files.

They reach only the Telegram user ids in SURVEYBOT_ADMINS (a `filters.User` in
`app.add_handlers`); anyone else gets exactly what an unknown command gets, so
the commands do not even show they exist.

`/stats` on a big database is an organiser job, as `/export` always is
(bot/telegram/background.py): acknowledged at once, recorded, and done in the
background, so no respondent waits behind it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar
from zoneinfo import ZoneInfo

from telegram import InputFile, Update

from bot.telegram.background import database_of, organiser_jobs
from bot.telegram.context import BotApplication, BotContext, Services
from bot.telegram.handlers import on_command, organiser_chat, organiser_command
from bot.telegram.organiser_args import (
    ExportAsked,
    audiences_shown,
    codes_shown,
    flows_asked,
    quoted,
    read_command_args,
    shape,
)
from bot.telegram.sending import Chat
from bot.telegram.words import counted, org, tg
from bot.telegram.worker_process import in_another_process
from conversation import CommandName
from flows import StageDef, find_stage, format_day, grouped, typeset
from organiser import (
    LinkError,
    StageCounts,
    StageLink,
    Stats,
    audiences_of,
    duration,
    link_title,
    printed,
    read_stats,
    render_qr_png,
    stage_links,
    stage_title,
)
from storage import Job, open_store

if TYPE_CHECKING:
    from conversation import Conversation
    from flows import Flow

T = TypeVar("T")

STATS_IN_BACKGROUND: Final = 2_000
"""Responses above which /stats is a background job: reading and counting 20,000 of them
held the event loop for half a second."""


@organiser_command
async def on_stats(update: Update, context: BotContext) -> None:
    """Per workshop: started, completed, rate, abandoned, median time, today's figures.

    On a big database, a background job (`run_stats`); else at once, as it is quick.
    """
    found = await organiser_chat(update, context)
    if found is None:
        return
    chat, lang = found
    services = context.services
    conversation = services.conversation
    asked = await read_command_args(context.args or [], conversation, lang, command="stats")
    if isinstance(asked, str):
        await chat.send(asked)
        return
    counts = await conversation.store.count_responses()
    if sum(counts.values()) > STATS_IN_BACKGROUND:
        ack = tg("org_stats_started", lang)
        await organiser_jobs(context.application).submit(
            "stats", chat, lang, asked.as_args(), ack=ack, update_id=update.update_id
        )
        return
    today, zone = _today(services)
    blocks: list[str] = []
    for flow in flows_asked(conversation, asked):
        stats = await read_stats(
            conversation.store,
            flow=flow,
            stages=conversation.stages,
            today=today,
            tz=zone,
            stage_code=asked.stage,
            own_only=conversation.catalogue.several,
        )
        blocks += _titled(conversation, flow, lang)
        blocks += stats_blocks(
            stats, lang, conversation.stages, abandon_after=services.policy.abandon_after
        )
    await chat.send_long(blocks)


ORGANISER_COMMANDS: Final = ("stats", "links", "qr", "export")
"""The organiser commands, in the order an organiser's /help lists them."""


@organiser_command
async def on_help(update: Update, context: BotContext) -> None:
    """An organiser's /help: the organiser commands, then what a respondent's /help says."""
    found = await organiser_chat(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    lines = [tg("org_help_title", lang)]
    for name in ORGANISER_COMMANDS:
        command = " ".join(part for part in (f"/{name}", shape(name, conversation)) if part)
        said = org(f"org_help_{name}", lang, conversation.stages)
        lines.append(f"{command}{tg('org_colon', lang)}{said}")
    await chat.send(escape("\n".join(lines)))
    await on_command(CommandName.HELP)(update, context)


def _titled(conversation: Conversation, flow: Flow, lang: str) -> list[str]:
    """A flow's heading, when the bot runs several: named in the command or not, a message
    read later (or forwarded) says which questionnaire its figures are about."""
    if not conversation.catalogue.several:
        return []
    return [f"<b>— {escape(typeset(flow.text(flow.title, lang), lang))} —</b>"]


def _today(services: Services) -> tuple[dt.date, ZoneInfo]:
    """The organiser's day, in the respondents' time zone (not UTC's), and that zone."""
    zone = ZoneInfo(services.policy.timezone)
    return services.clock().astimezone(zone).date(), zone


async def run_stats(application: BotApplication, job: Job, chat: Chat) -> None:
    """The statistics, computed in another process on its own read-only store."""
    services = application.bot_data
    today, zone = _today(services)
    conversation = services.conversation
    asked = ExportAsked.from_args(job.args)
    blocks: list[str] = []
    for flow in flows_asked(conversation, asked):
        stats = await in_another_process(
            functools.partial(
                stats_of,
                database_of(application),
                flow=flow,
                stages=conversation.stages,
                today=today,
                tz=zone,
                stage_code=asked.stage,
                own_only=conversation.catalogue.several,
            )
        )
        blocks += _titled(conversation, flow, job.language)
        blocks += stats_blocks(
            stats, job.language, conversation.stages, abandon_after=services.policy.abandon_after
        )
    await chat.send_long(blocks)


def stats_of(database: Path | str, **how: Any) -> Stats:
    """`read_stats` on a read-only store of its own (run in another process)."""

    async def read() -> Stats:
        store = await open_store(database, readonly=True)
        try:
            return await read_stats(store, **how)
        finally:
            await store.close()

    return asyncio.run(read())


def stats_blocks(
    stats: Stats,
    lang: str,
    stages: Sequence[StageDef],
    *,
    abandon_after: dt.timedelta | None = None,
) -> list[str]:
    """Per stage, one short paragraph a phone shows without scrolling sideways (HTML); made-up
    stages of `stages` marked "(exemple)", as /links marks them. When some responses were
    closed as abandoned, the total says what that means: untouched for `abandon_after`
    (SURVEYBOT_ABANDON_AFTER_DAYS; None: set to 0, none closed any more)."""
    day = format_day(stats.today, lang)
    blocks = [f"<b>{escape(tg('org_stats_title', lang, day=day))}</b>\n"]
    for row in stats.stages:
        if row.quiet:
            continue
        name = _stage_name(row, stages, lang)
        code = row.code or "—"
        # Removed from the file since: said, so its town beside the file's is not a mistake.
        code = tg("org_unlisted", lang, code=code) if row.unlisted else code
        blocks.append(f"<b>{escape(name)}</b> ({escape(code)})\n{_figures(row, lang)}")
    quiet = [row for row in stats.stages if row.quiet]
    if quiet:
        # Two stages in one town (a tour coming back) named alike: their codes tell them apart.
        named = [_stage_name(row, stages, lang) for row in stats.stages if row.code is not None]
        twice = {name for name in named if named.count(name) > 1}
        names = ", ".join(
            escape(f"{name} ({row.code})" if name in twice else name)
            for row, name in ((row, _stage_name(row, stages, lang)) for row in quiet)
        )
        blocks.append(tg("org_no_answers_yet", lang, names=names))
    total = f"\n<b>{tg('org_total', lang)}</b>\n{_figures(stats.total, lang)}"
    if stats.total.abandoned:
        total += f"\n\n{escape(_abandoned_legend(abandon_after, lang))}"
    blocks.append(total)
    return blocks


def _abandoned_legend(after: dt.timedelta | None, lang: str) -> str:
    """ "Abandonnée : non terminée et sans nouvelle depuis 14 jours." ("1,5 jour"); with
    abandoning off (0 days), that those were closed before and none is now."""
    if after is None:
        return tg("org_abandoned_legend_off", lang)
    days = round(after / dt.timedelta(days=1), 2)
    singular = days == 1 if lang == "en" else days < 2
    shown = f"{days:g}" if lang == "en" else f"{days:g}".replace(".", ",")
    key = f"org_abandoned_legend_{'one' if singular else 'many'}"
    return tg(key, lang, count=shown)


def _stage_name(row: StageCounts, stages: Sequence[StageDef], lang: str) -> str:
    """ "Vitré (exemple)", "Pithiviers", "Sans atelier" (or "Sans salon": as `stages` are
    called); a stage no longer in the file by its city or code, as the database remembers it."""
    if row.code is None:
        return org("org_no_stage", lang, stages)
    stage = find_stage(stages, row.code)
    return printed(stage_title(stage, lang=lang) if stage else (row.city or row.code), lang)


def _figures(row: StageCounts, lang: str) -> str:
    percent = "\u00a0%" if lang == "fr" else "%"  # "67 %" in French, "67%" in English
    rate = f"{row.completion_rate:.0f}{percent}" if row.completion_rate is not None else "–"
    median = (
        duration(row.median_minutes, lang, digits=0, space="\u00a0")
        if row.median_minutes is not None
        else "–"
    )
    started = counted("org_started", row.started, lang)
    if len(row.by_channel) > 1:
        # Where they answered, once there is more than one place, right after the count it
        # splits: "5 commencées (dont 1 telegram, 4 terminal)", not after today's figures,
        # where it read as a split of today's.
        detail = ", ".join(f"{count} {channel}" for channel, count in row.by_channel.items())
        started += f" ({tg('org_channels', lang, detail=detail)})"
    figures = tg(
        "org_figures",
        lang,
        started=started,
        completed=counted("org_status_completed", row.completed, lang),
        abandoned=counted("org_status_abandoned", row.abandoned, lang),
        rate=rate,
        median=median,
        started_today=row.started_today,
        completed_today=row.completed_today,
    )
    # Refusals of the notice, once there are some: people who never started.
    return f"{figures} · {counted('org_declined', row.declined, lang)}" if row.declined else figures


@organiser_command
async def on_links(update: Update, context: BotContext) -> None:
    """Every workshop's invitation link."""
    found = await organiser_chat(update, context)
    if found is None:
        return
    chat, lang = found
    stages = context.services.conversation.stages
    if not stages:
        await chat.send(org("org_no_stages", lang, stages))
        return
    blocks = [f"<b>{tg('org_links_title', lang)}</b>\n"]
    if context.args:  # said, not silently dropped: the organiser may expect a selection
        ignored = quoted(context.args, lang)
        blocks.insert(
            0,
            tg(
                f"org_links_ignored_{'one' if len(context.args) == 1 else 'many'}",
                lang,
                words=ignored,
            ),
        )
    flows = list(context.services.conversation.catalogue.flows)
    for link in _links_of(context, stages, flows, lang):
        when = format_day(link.stage.date, lang)
        # "L’Isle-d’Abeau", as the cards print it: the typographic apostrophe in French.
        title = _link_name(link, lang) + (f" — {when}" if when else "")
        urls = [link.web_url, link.url] if link.web_url else [link.url]
        blocks.append("\n".join([escape(title), *(escape(url) for url in urls)]))
    several = context.services.conversation.catalogue.several
    hint = "org_links_qr_hint_several" if several else "org_links_qr_hint"
    blocks.append(f"\n{org(hint, lang, stages)}")
    await chat.send_long(blocks)


@organiser_command
async def on_qr(update: Update, context: BotContext) -> None:
    """`/qr CODE [AUDIENCE]`: the workshop's QR code (one per questionnaire, or the one
    named), as an image to show or print."""
    found = await organiser_chat(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    asked = await read_command_args(context.args or [], conversation, lang, command="qr")
    if isinstance(asked, str) or asked.stage is None:
        await chat.send(asked if isinstance(asked, str) else _qr_usage(conversation, asked, lang))
        return
    stage = find_stage(conversation.stages, asked.stage)
    assert stage is not None  # read_command_args found it
    links = _links_of(context, [stage], flows_asked(conversation, asked), lang)
    if asked.flow is not None and stage.flow not in (None, asked.flow):
        # A stage tied to another questionnaire has no code for this one: said, and its own
        # sent, never silently in place of the one asked.
        await chat.send(_tied_only(stage, links, lang))
    for link in links:
        # Drawing the PNG takes a few milliseconds of CPU: keep it off the event loop.
        try:
            png = await asyncio.to_thread(render_qr_png, link, lang=lang)
        except LinkError:  # SURVEYBOT_PUBLIC_URL is too long for a QR code with the path
            await chat.send(tg("org_qr_too_long", lang, length=grouped(len(link.qr_url), lang)))
            return
        caption = f"{escape(_link_name(link, lang))}\n{escape(link.web_url or link.url)}"
        await context.bot.send_photo(
            chat.chat_id, InputFile(png, filename=f"{link.code}.png"), caption=caption
        )


def _link_name(link: StageLink, lang: str) -> str:
    """ "L’Isle-d’Abeau – Une entreprise": the stage (and audience) as the cards print it."""
    return typeset(printed(link_title(link, lang=lang), lang), lang)


def _tied_only(stage: StageDef, links: Sequence[StageLink], lang: str) -> str:
    """ "Pour Saint-Étienne, seul le questionnaire « Un acteur du territoire » est proposé :
    voici son QR code." (HTML)"""
    audience = next((link.audience_label for link in links if link.audience_label), "")
    city = printed(stage_title(stage, lang=lang), lang)
    return escape(tg("org_qr_tied", lang, city=city, audience=audience))


def _qr_usage(conversation: Conversation, asked: ExportAsked, lang: str) -> str:
    """`/qr` alone: how it is written, and the workshops (and questionnaires) there are;
    `/qr territoire`: which workshop, the audience written in."""
    codes = codes_shown([s.code for s in conversation.stages], lang)
    if asked.flow is not None:
        named = conversation.flow_of(asked.flow)
        audience = escape(named.audience.code if named.audience else named.id)
        return org("org_qr_which_stage", lang, conversation.stages, audience=audience, codes=codes)
    several = conversation.catalogue.several
    audiences = tg("org_qr_audiences", lang, codes=audiences_shown(conversation)) if several else ""
    shape = "CODE [AUDIENCE]" if several else "CODE"
    stages = conversation.stages
    return org("org_qr_usage", lang, stages, shape=shape, codes=codes, audiences=audiences)


def _links_of(
    context: BotContext, stages: Sequence[StageDef], flows: Sequence[Flow], lang: str
) -> list[StageLink]:
    """The invitation links of `stages`, as `surveybot links` makes them: with several
    questionnaires, one per stage and audience (of `flows`), which skips the question, but
    one for a stage tied to one questionnaire, named after its audience."""
    catalogue = context.services.conversation.catalogue
    audiences = audiences_of(flows, lang) if catalogue.several else []
    web_url = context.services.public_url
    return stage_links(
        stages,
        context.bot.username,
        web_url=web_url,
        audiences=audiences,
        # Every flow: a stage tied to one is named after its audience, whichever was asked.
        flows=catalogue.flows,
        lang=lang,
    )
