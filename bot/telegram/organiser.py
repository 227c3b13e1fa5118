"""Organiser commands in Telegram: /stats, /links, /qr CODE, /export [CODE] [personal].

They reach only the Telegram user ids in SURVEYBOT_ADMINS (a `filters.User` in
`app.add_handlers`); anyone else gets exactly what an unknown command gets, so
the commands do not even show they exist.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telegram import InputFile, Update

from bot.telegram.context import BotContext
from bot.telegram.delivery import deliver_export
from bot.telegram.handlers import person_of
from bot.telegram.sending import Chat
from bot.telegram.words import tg
from flows import StageDef, find_stage, format_day
from organiser import (
    StageCounts,
    Stats,
    read_stats,
    render_qr_png,
    stage_link,
    stage_title,
)

if TYPE_CHECKING:
    from exports import CsvExport, ExportOptions
    from flows import Flow


PERSONAL_WORD = "personal"
"""`/export personal`: the export keeps the questions the flow marks personal."""


def _chat_and_lang(update: Update, context: BotContext) -> tuple[Chat, str] | None:
    person = person_of(update)
    if update.effective_chat is None or person is None:
        return None
    lang = context.services.conversation.language_of(person)
    return Chat(context.bot, update.effective_chat.id), lang


async def on_stats(update: Update, context: BotContext) -> None:
    """Per workshop: started, completed, rate, median time, today's figures."""
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    # "Today" is the organiser's day, in the respondents' time zone, not UTC's.
    zone = ZoneInfo(context.services.policy.timezone)
    stats = await read_stats(
        conversation.store,
        flow=conversation.flow,
        stages=conversation.stages,
        today=context.services.clock().astimezone(zone).date(),
        tz=zone,
    )
    await chat.send_long(stats_blocks(stats, lang))


def stats_blocks(stats: Stats, lang: str) -> list[str]:
    """Per stage, one short paragraph a phone shows without scrolling sideways (HTML)."""
    day = format_day(stats.today, lang)
    blocks = [f"<b>{escape(tg('org_stats_title', lang, day=day))}</b>\n"]
    for row in stats.stages:
        if row.started == 0 and row.code is not None:
            continue
        name = tg("org_no_stage", lang) if row.code is None else (row.city or row.code)
        blocks.append(f"<b>{escape(name)}</b> ({escape(row.code or '—')})\n{_figures(row, lang)}")
    quiet = [row for row in stats.stages if row.started == 0 and row.code is not None]
    if quiet:
        names = ", ".join(escape(row.city or row.code or "") for row in quiet)
        blocks.append(tg("org_no_answers_yet", lang, names=names))
    blocks.append(f"\n<b>{tg('org_total', lang)}</b>\n{_figures(stats.total, lang)}")
    return blocks


def _figures(row: StageCounts, lang: str) -> str:
    rate = f"{row.completion_rate:.0f}\u00a0%" if row.completion_rate is not None else "–"
    median = f"{row.median_minutes:.0f}\u00a0min" if row.median_minutes is not None else "–"
    figures = tg(
        "org_figures",
        lang,
        started=row.started,
        completed=row.completed,
        rate=rate,
        median=median,
        started_today=row.started_today,
        completed_today=row.completed_today,
    )
    if len(row.by_channel) < 2:
        return figures
    # Where they answered, once there is more than one place: "dont 12 telegram, 5 web".
    detail = ", ".join(f"{count} {channel}" for channel, count in row.by_channel.items())
    return f"{figures} ({tg('org_channels', lang, detail=detail)})"


async def on_links(update: Update, context: BotContext) -> None:
    """Every workshop's invitation link."""
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    stages = context.services.conversation.stages
    if not stages:
        await chat.send(tg("org_no_stages", lang))
        return
    blocks = [f"<b>{tg('org_links_title', lang)}</b>\n"]
    web_url = context.services.public_url
    for stage in stages:
        link = stage_link(stage, context.bot.username, web_url=web_url)
        when = format_day(stage.date, lang)
        title = stage_title(stage, lang=lang) + (f" — {when}" if when else "")
        urls = [link.web_url, link.url] if link.web_url else [link.url]
        blocks.append("\n".join([escape(title), *(escape(url) for url in urls)]))
    blocks.append(f"\n{tg('org_links_qr_hint', lang)}")
    await chat.send_long(blocks)


async def on_qr(update: Update, context: BotContext) -> None:
    """`/qr CODE`: the workshop's QR code, as an image to show or print."""
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    stage = await _stage_asked(chat, context, lang, usage=True)
    if stage is None:
        return
    link = stage_link(stage, context.bot.username, web_url=context.services.public_url)
    # Drawing the PNG takes a few milliseconds of CPU: keep it off the event loop.
    png = await asyncio.to_thread(render_qr_png, link, lang=lang)
    caption = f"{escape(stage_title(stage, lang=lang))}\n{escape(link.web_url or link.url)}"
    await context.bot.send_photo(
        chat.chat_id, InputFile(png, filename=f"{stage.code}.png"), caption=caption
    )


async def _stage_asked(
    chat: Chat, context: BotContext, lang: str, *, usage: bool
) -> StageDef | None:
    """The workshop named after the command; says what is known when it is missing or unknown."""
    stages = context.services.conversation.stages
    codes = escape(", ".join(s.code for s in stages) or "–")
    if not context.args:
        if usage:
            await chat.send(tg("org_qr_usage", lang, codes=codes))
        return None
    stage = find_stage(stages, context.args[0])
    if stage is None:
        named = escape(context.args[0][:64])
        await chat.send(tg("org_qr_unknown", lang, code=named, codes=codes))
    return stage


async def on_export(update: Update, context: BotContext) -> None:
    """The responses as a CSV for French Excel, and its codebook, sent as documents.

    The export reads its own read-only snapshot in another process, so respondents
    are not slowed down while it runs.
    """
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    # `/export [CODE] [personal]`: the word asks for the personal questions too; what is
    # left, if anything, names the workshop (read by `_stage_asked` from `context.args`).
    args = context.args or []
    personal = any(arg.lower() == PERSONAL_WORD for arg in args)
    context.args = [arg for arg in args if arg.lower() != PERSONAL_WORD]
    stage = None
    if context.args:
        stage = await _stage_asked(chat, context, lang, usage=False)
        if stage is None:
            return
    from exports import ExportOptions

    options = ExportOptions(
        status="all",
        stages=(stage.code,) if stage else (),
        excel=True,
        lang=lang,
        cities={s.code: s.city for s in conversation.stages},
        include_personal=personal,
    )
    if personal:
        named = ", ".join(step.id for step in conversation.flow.steps() if step.personal) or "–"
        await chat.send(tg("org_export_personal", lang, questions=escape(named)))
    database = context.services.database
    if database is None:
        raise RuntimeError("/export is used before start-up finished")
    await context.bot.send_chat_action(chat.chat_id, "upload_document")
    exported = await export_in_another_process(database, conversation.flow, options)
    counts = exported.result.by_status
    parts = [
        f"{counts[status]} {tg('org_status_' + status, lang)}"
        for status in ("completed", "in_progress", "abandoned")
        if counts.get(status)
    ]
    caption = tg(
        "org_export_caption",
        lang,
        count=exported.result.responses,
        detail=", ".join(parts) or "–",
    )
    day = context.services.clock().date().isoformat()
    suffix = f"_{stage.code}" if stage else ""
    files = [(f"reponses{suffix}_{day}.csv", exported.data)]
    if exported.codebook is not None:
        files.append((f"codebook_{day}.csv", exported.codebook))
    await deliver_export(chat, lang, files, escape(caption), zip_name=f"reponses{suffix}_{day}.zip")


async def export_in_another_process(
    db: Path | str, flow: Flow, options: ExportOptions
) -> CsvExport:
    """Run the export in a separate process: it is CPU-bound Python, and in a thread it would
    hold the interpreter lock and slow every respondent down while it runs."""
    from exports import export_csv

    loop = asyncio.get_running_loop()
    # "spawn": a fresh interpreter, not a fork of this one with its threads and sockets.
    # Niced, so on a small machine respondents' updates get the CPU before the export does.
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=os.nice,
        initargs=(10,),
    ) as pool:
        return await loop.run_in_executor(
            pool, functools.partial(export_csv, db, flow, options, codebook=True)
        )
