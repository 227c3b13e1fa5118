"""Organiser commands in Telegram: /stats, /links, /qr CODE, /export [CODE] [personal] [xlsx|csv].

With several questionnaires, /stats and /export take an audience too (`/export
territoire`), and without one give each questionnaire its own tables and files.

They reach only the Telegram user ids in SURVEYBOT_ADMINS (a `filters.User` in
`app.add_handlers`); anyone else gets exactly what an unknown command gets, so
the commands do not even show they exist.

`/export`, and `/stats` on a big database, are organiser jobs
(bot/telegram/background.py): acknowledged at once, recorded, and done in the
background by `RUNNERS`, so no respondent waits behind them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from textwrap import shorten
from typing import TYPE_CHECKING, Any, Final, TypeVar
from zoneinfo import ZoneInfo

from telegram import InputFile, Update

from bot.telegram import delivery, export_worker
from bot.telegram.background import Runner, organiser_jobs
from bot.telegram.context import BotApplication, BotContext, Services
from bot.telegram.delivery import deliver_export
from bot.telegram.export_words import ew
from bot.telegram.export_worker import ChatExport, export_for_chat, workbook_name
from bot.telegram.handlers import on_command, person_of
from bot.telegram.organiser_args import (
    ExportAsked,
    audiences_shown,
    codes_shown,
    quoted,
    read_command_args,
    shape,
)
from bot.telegram.sending import Chat
from bot.telegram.words import counted, tg
from bot.telegram.worker_process import in_another_process
from conversation import CommandName
from flows import StageDef, find_stage, format_day, grouped, typeset
from organiser import (
    LinkError,
    StageCounts,
    StageLink,
    Stats,
    audiences_of,
    link_title,
    read_stats,
    render_qr_png,
    stage_links,
    stage_title,
)
from storage import Job, open_store

if TYPE_CHECKING:
    from conversation import Conversation
    from exports import ExportOptions, FileNames
    from flows import Flow

T = TypeVar("T")

PERSONAL_TEXT_WIDTH: Final = 70
"""Characters of a personal question's text named in the export's warning."""

STATS_IN_BACKGROUND: Final = 2_000
"""Responses above which /stats is a background job: reading and counting 20,000 of them
held the event loop for half a second."""


def _chat_and_lang(update: Update, context: BotContext) -> tuple[Chat, str] | None:
    person = person_of(update)
    if update.effective_chat is None or person is None:
        return None
    lang = context.services.conversation.language_of(person)
    return Chat(context.bot, update.effective_chat.id), lang


async def on_stats(update: Update, context: BotContext) -> None:
    """Per workshop: started, completed, rate, median time, today's figures.

    On a big database, a background job (`run_stats`); else at once, as it is quick.
    """
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    services = context.services
    conversation = services.conversation
    asked = read_command_args(context.args or [], conversation, lang, command="stats")
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
    for flow in _flows_asked(conversation, asked):
        stats = await read_stats(
            conversation.store,
            flow=flow,
            stages=conversation.stages,
            today=today,
            tz=zone,
            stage_code=asked.stage,
            own_only=conversation.catalogue.several,
        )
        blocks += _titled(conversation, flow, lang) + stats_blocks(stats, lang, conversation.stages)
    await chat.send_long(blocks)


ORGANISER_COMMANDS: Final = ("stats", "links", "qr", "export")
"""The organiser commands, in the order an organiser's /help lists them."""


async def on_help(update: Update, context: BotContext) -> None:
    """An organiser's /help: the organiser commands, then what a respondent's /help says."""
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    lines = [tg("org_help_title", lang)]
    for name in ORGANISER_COMMANDS:
        command = " ".join(part for part in (f"/{name}", shape(name, conversation)) if part)
        lines.append(f"{command}{tg('org_colon', lang)}{tg(f'org_help_{name}', lang)}")
    await chat.send(escape("\n".join(lines)))
    await on_command(CommandName.HELP)(update, context)


def _flows_asked(conversation: Conversation, asked: ExportAsked) -> list[Flow]:
    """The flow the command named, or every flow the bot runs."""
    if asked.flow is not None:
        return [conversation.flow_of(asked.flow)]
    return list(conversation.catalogue.flows)


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
    for flow in _flows_asked(conversation, asked):
        stats = await in_another_process(
            functools.partial(
                stats_of,
                _database(application),
                flow=flow,
                stages=conversation.stages,
                today=today,
                tz=zone,
                stage_code=asked.stage,
                own_only=conversation.catalogue.several,
            )
        )
        blocks += _titled(conversation, flow, job.language)
        blocks += stats_blocks(stats, job.language, conversation.stages)
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


def stats_blocks(stats: Stats, lang: str, stages: Sequence[StageDef] = ()) -> list[str]:
    """Per stage, one short paragraph a phone shows without scrolling sideways (HTML); made-up
    stages of `stages` marked "(exemple)", as /links marks them."""
    day = format_day(stats.today, lang)
    blocks = [f"<b>{escape(tg('org_stats_title', lang, day=day))}</b>\n"]
    for row in stats.stages:
        if row.started == 0 and row.code is not None:
            continue
        name = _stage_name(row, stages, lang)
        blocks.append(f"<b>{escape(name)}</b> ({escape(row.code or '—')})\n{_figures(row, lang)}")
    quiet = [row for row in stats.stages if row.started == 0 and row.code is not None]
    if quiet:
        names = ", ".join(escape(_stage_name(row, stages, lang)) for row in quiet)
        blocks.append(tg("org_no_answers_yet", lang, names=names))
    blocks.append(f"\n<b>{tg('org_total', lang)}</b>\n{_figures(stats.total, lang)}")
    return blocks


def _stage_name(row: StageCounts, stages: Sequence[StageDef], lang: str) -> str:
    """ "Vitré (exemple)", "Pithiviers", "Sans atelier"; a stage no longer in the file by its
    city or code, as the database remembers it."""
    if row.code is None:
        return tg("org_no_stage", lang)
    stage = find_stage(stages, row.code)
    return stage_title(stage, lang=lang) if stage else (row.city or row.code)


def _figures(row: StageCounts, lang: str) -> str:
    rate = f"{row.completion_rate:.0f}\u00a0%" if row.completion_rate is not None else "–"
    median = f"{row.median_minutes:.0f}\u00a0min" if row.median_minutes is not None else "–"
    figures = tg(
        "org_figures",
        lang,
        started=counted("org_started", row.started, lang),
        completed=counted("org_status_completed", row.completed, lang),
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
        title = typeset(link_title(link, lang=lang), lang) + (f" — {when}" if when else "")
        urls = [link.web_url, link.url] if link.web_url else [link.url]
        blocks.append("\n".join([escape(title), *(escape(url) for url in urls)]))
    blocks.append(f"\n{tg('org_links_qr_hint', lang)}")
    await chat.send_long(blocks)


async def on_qr(update: Update, context: BotContext) -> None:
    """`/qr CODE [AUDIENCE]`: the workshop's QR code (one per questionnaire, or the one
    named), as an image to show or print."""
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    asked = read_command_args(context.args or [], conversation, lang, command="qr")
    if isinstance(asked, str) or asked.stage is None:
        await chat.send(asked if isinstance(asked, str) else _qr_usage(conversation, lang))
        return
    stage = find_stage(conversation.stages, asked.stage)
    assert stage is not None  # read_command_args found it
    for link in _links_of(context, [stage], _flows_asked(conversation, asked), lang):
        # Drawing the PNG takes a few milliseconds of CPU: keep it off the event loop.
        try:
            png = await asyncio.to_thread(render_qr_png, link, lang=lang)
        except LinkError:  # SURVEYBOT_PUBLIC_URL is too long for a QR code with the path
            await chat.send(tg("org_qr_too_long", lang, length=grouped(len(link.qr_url), lang)))
            return
        caption = f"{escape(typeset(link_title(link, lang=lang), lang))}\n{escape(link.web_url or link.url)}"
        await context.bot.send_photo(
            chat.chat_id, InputFile(png, filename=f"{link.code}.png"), caption=caption
        )


def _qr_usage(conversation: Conversation, lang: str) -> str:
    """`/qr` alone: how it is written, and the workshops (and questionnaires) there are."""
    codes = codes_shown([s.code for s in conversation.stages], lang)
    several = conversation.catalogue.several
    audiences = tg("org_qr_audiences", lang, codes=audiences_shown(conversation)) if several else ""
    shape = "CODE [AUDIENCE]" if several else "CODE"
    return tg("org_qr_usage", lang, shape=shape, codes=codes, audiences=audiences)


def _links_of(
    context: BotContext, stages: Sequence[StageDef], flows: Sequence[Flow], lang: str
) -> list[StageLink]:
    """The invitation links of `stages`, as `surveybot links` makes them: with several
    questionnaires, one per stage and audience (of `flows`), which skips the question."""
    several = context.services.conversation.catalogue.several
    audiences = audiences_of(flows, lang) if several else []
    web_url = context.services.public_url
    return stage_links(stages, context.bot.username, web_url=web_url, audiences=audiences)


async def on_export(update: Update, context: BotContext) -> None:
    """Acknowledge at once, record the export as a job, and let `run_export` send the files."""
    found = _chat_and_lang(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    asked = read_command_args(context.args or [], conversation, lang)
    if isinstance(asked, str):
        await chat.send(asked)
        return
    if asked.personal:
        named = personal_questions(_flows_asked(conversation, asked), lang) or "–"
        await chat.send(tg("org_export_personal", lang, questions=named))
    ack = tg("org_export_started", lang)
    await organiser_jobs(context.application).submit(
        "export", chat, lang, asked.as_args(), ack=ack, update_id=update.update_id
    )


def personal_questions(flows: Sequence[Flow], lang: str) -> str:
    """The questions the flows mark personal, as the respondent read them, shortened (HTML):
    "« Quel est le nom de votre entreprise ? », …"; an organiser does not know the ids."""
    # Typeset once shortened: `shorten` makes every space, no-break ones too, a plain one.
    texts = {
        step.id: typeset(
            shorten(flow.text(step.text, lang), PERSONAL_TEXT_WIDTH, placeholder=" …"), lang
        )
        for flow in flows
        for step in flow.steps()
        if step.personal
    }
    questions = list(dict.fromkeys(texts.values()))
    return quoted(questions, lang, width=PERSONAL_TEXT_WIDTH, most=None)


async def run_export(application: BotApplication, job: Job, chat: Chat) -> None:
    """The responses as a workbook, or a CSV for French Excel when there are too many for a
    quick workbook (bot/telegram/export_worker.py), and the codebook, sent as documents.

    The export reads its own read-only snapshot in another process, so respondents
    are not slowed down while it runs.
    """
    from exports import ExportOptions

    services = application.bot_data
    conversation = services.conversation
    asked = ExportAsked.from_args(job.args)
    lang = job.language
    options = ExportOptions(
        status="all",
        stages=(asked.stage,) if asked.stage else (),
        excel=True,
        lang=lang,
        cities={s.code: s.city for s in conversation.stages},
        include_personal=asked.personal,
    )
    await application.bot.send_chat_action(chat.chat_id, "upload_document")
    for flow in _flows_asked(conversation, asked):
        # One flow's file at a time, named for its audience whenever there are several,
        # even when only one was asked: the files must not look like another setup's.
        tag = conversation.catalogue.audience_code(flow)
        await _export_flow(application, chat, flow, options, asked, tag, lang)


async def _export_flow(
    application: BotApplication,
    chat: Chat,
    flow: Flow,
    options: ExportOptions,
    asked: ExportAsked,
    tag: str,
    lang: str,
) -> None:
    names = export_names(application.bot_data, tag, asked.stage, personal=asked.personal)
    made = await export_in_another_process(_database(application), flow, options, names, asked)
    exported = made.packed
    if exported.result.responses == 0:
        # An empty CSV captioned "0 réponses" reads as a fault: say there is nothing yet.
        where = _selection(application.bot_data, tag, asked.stage, lang)
        await chat.send(escape(tg("org_export_empty", lang) + where + "."))
        return
    counts = exported.result.by_status
    parts = [
        counted(f"org_status_{status}", counts[status], lang)
        for status in ("completed", "in_progress", "abandoned")
        if counts.get(status)
    ]
    caption = (ew if made.workbook else tg)(
        "org_export_caption_xlsx" if made.workbook else "org_export_caption",
        lang,
        responses=counted("org_responses", exported.result.responses, lang),
        detail=", ".join(parts) or "–",
    )
    if made.too_big_for_workbook:
        caption += "\n" + ew("org_export_csv_large", lang)
    name = workbook_name(names) if made.workbook else names.csv
    book = tg("org_codebook_caption", lang, name=name)
    await deliver_export(chat, lang, exported, escape(caption), escape(book))


def _selection(services: Services, tag: str, stage: str | None, lang: str) -> str:
    """What an export covered, for a sentence: " pour Dunkerque (exemple_nord), territoire"."""
    found = find_stage(services.conversation.stages, stage) if stage else None
    parts = [f"{found.city} ({found.code})"] if found else []
    parts += [tg("org_questionnaire", lang, code=tag)] if tag else []
    return tg("org_for", lang, what=", ".join(parts)) if parts else ""


def export_names(
    services: Services, tag: str, stage: str | None, *, personal: bool = False
) -> FileNames:
    """`reponses_territoire_pithiviers_2026-11-30_14-05-33.csv` (or `.xlsx`) and its
    codebook's; `reponses_nominatif_…` when it holds the personal answers.

    The time to the second (the respondents' zone, as /stats's day) keeps two exports
    apart in a Downloads folder, even a minute apart, and sorts them; with '-', which
    Windows allows in a file name (':' it does not). "nominatif" (identifying) marks the
    copy to keep out of a shared folder.
    """
    from exports import FileNames

    zone = ZoneInfo(services.policy.timezone)
    when = services.clock().astimezone(zone).strftime("%Y-%m-%d_%H-%M-%S")
    marked = (tag, stage, PERSONAL_MARK if personal else "")
    suffix = "".join(f"_{part}" for part in marked if part)
    return FileNames(
        csv=f"reponses{suffix}_{when}.csv",
        codebook=f"codebook{suffix}_{when}.csv",
        zip=f"reponses{suffix}_{when}.zip",
    )


PERSONAL_MARK: Final = "nominatif"
"""In the name of an export holding the personal answers (`/export personal`)."""

RUNNERS: Final[Mapping[str, Runner]] = {"export": run_export, "stats": run_stats}
"""The organiser jobs, by kind (bot/telegram/background.py runs them)."""


def _database(application: BotApplication) -> Path | str:
    database = application.bot_data.database
    if database is None:
        raise RuntimeError("an organiser job runs before start-up finished")
    return database


async def export_in_another_process(
    db: Path | str, flow: Flow, options: ExportOptions, names: FileNames, asked: ExportAsked
) -> ChatExport:
    """The export, its format chosen, made and zipped if need be in another process
    (`in_another_process`). The limits are read here, in the bot, where tests lower them."""
    made = functools.partial(
        export_for_chat,
        db,
        flow,
        options,
        names,
        delivery.UPLOAD_LIMIT,
        asked=asked.format,
        workbook_answers=export_worker.WORKBOOK_ANSWERS,
    )
    return await in_another_process(made)
