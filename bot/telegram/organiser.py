"""Organiser commands in Telegram: /stats, /links, /qr CODE.

Only the Telegram user ids in SURVEYBOT_ADMINS get an answer; anyone else gets
exactly what an unknown command gets, so the commands do not even show they exist.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.telegram.context import BotContext
from bot.telegram.handlers import _language_for, on_unknown_command
from bot.texts import ui
from flows import format_day
from organiser import (
    StageCounts,
    Stats,
    read_stats,
    render_qr_png,
    stage_link,
    stage_links,
    stage_title,
)

if TYPE_CHECKING:
    from exports import CsvExport, ExportOptions
    from flows import Flow

log = logging.getLogger(__name__)


def is_organiser(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.services.admins


def _lang(update: Update, context: BotContext) -> str:
    flow, _ = context.services.ready()
    code = update.effective_user.language_code if update.effective_user else None
    return _language_for(flow, code)


async def on_stats(update: Update, context: BotContext) -> None:
    if not is_organiser(update, context):
        await on_unknown_command(update, context)
        return
    flow, store = context.services.ready()
    today = context.services.clock().date()
    stats = await read_stats(store, flow=flow, stages=context.services.stages, today=today)
    await _reply(update, context, render_stats(stats, _lang(update, context)))


def render_stats(stats: Stats, lang: str) -> str:
    """Per stage, one short paragraph a phone shows without scrolling sideways."""
    lines = [f"<b>{html.escape(ui('org_stats_title', lang, day=_day(stats.today, lang)))}</b>", ""]
    for row in stats.stages:
        if row.started == 0 and row.code is not None:
            continue
        name = ui("org_no_stage", lang) if row.code is None else (row.city or row.code)
        lines.append(f"<b>{html.escape(str(name))}</b> ({html.escape(row.code or '—')})")
        lines.append(_figures(row, lang))
    quiet = [row for row in stats.stages if row.started == 0 and row.code is not None]
    if quiet:
        names = ", ".join(html.escape(row.city or row.code or "") for row in quiet)
        lines.append(ui("org_no_answers_yet", lang, names=names))
    lines += ["", f"<b>{ui('org_total', lang)}</b>", _figures(stats.total, lang)]
    return "\n".join(lines)


def _figures(row: StageCounts, lang: str) -> str:
    rate = f"{row.completion_rate:.0f}\u00a0%" if row.completion_rate is not None else "–"
    median = f"{row.median_minutes:.0f}\u00a0min" if row.median_minutes is not None else "–"
    return ui(
        "org_figures",
        lang,
        started=row.started,
        completed=row.completed,
        rate=rate,
        median=median,
        started_today=row.started_today,
        completed_today=row.completed_today,
    )


def _day(day: date, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


async def on_links(update: Update, context: BotContext) -> None:
    if not is_organiser(update, context):
        await on_unknown_command(update, context)
        return
    lang = _lang(update, context)
    username = context.bot.username
    stages = context.services.stages
    if not stages:
        await _reply(update, context, ui("org_no_stages", lang))
        return
    lines = [f"<b>{ui('org_links_title', lang)}</b>", ""]
    for link in stage_links(stages, username):
        when = format_day(link.stage.date, lang)
        title = stage_title(link.stage, lang=lang) + (f" — {when}" if when else "")
        lines.append(f"{html.escape(title)}\n{html.escape(link.url)}")
    lines += ["", ui("org_links_qr_hint", lang)]
    for chunk in _chunks(lines):
        await _reply(update, context, chunk)


async def on_qr(update: Update, context: BotContext) -> None:
    if not is_organiser(update, context):
        await on_unknown_command(update, context)
        return
    lang = _lang(update, context)
    stages = context.services.stages
    codes = ", ".join(s.code for s in stages) or "–"
    if not context.args:
        await _reply(update, context, ui("org_qr_usage", lang, codes=html.escape(codes)))
        return
    wanted = context.args[0].lower()
    stage = next((s for s in stages if s.code.lower() == wanted), None)
    if stage is None:
        text = ui(
            "org_qr_unknown", lang, code=html.escape(context.args[0][:64]), codes=html.escape(codes)
        )
        await _reply(update, context, text)
        return
    link = stage_link(stage, context.bot.username)
    # Drawing the PNG takes a few milliseconds of CPU: keep it off the event loop.
    png = await asyncio.to_thread(render_qr_png, link, lang=lang)
    chat = update.effective_chat
    if chat is None:
        return
    caption = f"{stage_title(stage, lang=lang)}\n{link.url}"
    await context.bot.send_photo(
        chat.id, InputFile(png, filename=f"{stage.code}.png"), caption=caption
    )


async def on_export(update: Update, context: BotContext) -> None:
    """The responses as a CSV for French Excel, and its codebook, sent as documents.

    The export reads its own read-only snapshot in a worker thread, so respondents
    are not slowed down while it runs.
    """
    if not is_organiser(update, context):
        await on_unknown_command(update, context)
        return
    flow, store = context.services.ready()
    lang = _lang(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    stages: tuple[str, ...] = ()
    if context.args:
        wanted = context.args[0].lower()
        stage = next((s for s in context.services.stages if s.code.lower() == wanted), None)
        if stage is None:
            codes = ", ".join(s.code for s in context.services.stages) or "–"
            await _reply(
                update,
                context,
                ui("org_qr_unknown", lang, code=html.escape(context.args[0][:64]), codes=codes),
            )
            return
        stages = (stage.code,)
    from exports import ExportOptions

    options = ExportOptions(
        status="all",
        stages=stages,
        excel=True,
        lang=lang,
        cities={s.code: s.city for s in context.services.stages},
    )
    await context.bot.send_chat_action(chat.id, "upload_document")
    exported = await export_in_another_process(store.path, flow, options)
    counts = exported.result.by_status
    parts = [
        f"{counts[status]} {ui('org_status_' + status, lang)}"
        for status in ("completed", "in_progress", "abandoned")
        if counts.get(status)
    ]
    caption = ui(
        "org_export_caption",
        lang,
        count=exported.result.responses,
        detail=", ".join(parts) or "–",
    )
    day = context.services.clock().date().isoformat()
    suffix = f"_{stages[0]}" if stages else ""
    await context.bot.send_document(
        chat.id, InputFile(exported.data, filename=f"reponses{suffix}_{day}.csv"), caption=caption
    )
    if exported.codebook is not None:
        await context.bot.send_document(
            chat.id, InputFile(exported.codebook, filename=f"codebook_{day}.csv")
        )


async def export_in_another_process(db: Path, flow: Flow, options: ExportOptions) -> CsvExport:
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


async def _reply(update: Update, context: BotContext, text: str) -> None:
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(
            chat.id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )


def _chunks(lines: list[str], limit: int = 3500) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return chunks
