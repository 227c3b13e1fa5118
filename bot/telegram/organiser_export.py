"""`/export [CODE] [AUDIENCE] [personal] [xlsx|csv]`: the command, its job and the files sent.

Acknowledged at once and recorded as an organiser job (bot/telegram/background.py);
the export itself runs in another process on a read-only snapshot, so no
respondent waits behind it. An export that would hold nothing is said at once,
with no job.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape
from pathlib import Path
from textwrap import shorten
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from telegram import Update

from bot.telegram import delivery, export_worker
from bot.telegram.background import database_of, organiser_jobs
from bot.telegram.context import BotApplication, BotContext, Services
from bot.telegram.delivery import deliver_export
from bot.telegram.export_words import ew
from bot.telegram.export_worker import ChatExport, export_for_chat, workbook_name
from bot.telegram.handlers import organiser_chat, organiser_command
from bot.telegram.organiser_args import ExportAsked, flows_asked, quoted, read_command_args
from bot.telegram.sending import Chat
from bot.telegram.words import counted, tg
from bot.telegram.worker_process import in_another_process
from flows import find_stage, typeset
from storage import Job, ResponseFilter

if TYPE_CHECKING:
    from conversation import Conversation
    from exports import ExportOptions, FileNames
    from flows import Flow

PERSONAL_TEXT_WIDTH: Final = 70
"""Characters of a personal question's text named in the export's warning."""


@organiser_command
async def on_export(update: Update, context: BotContext) -> None:
    """Acknowledge at once, record the export as a job, and let `run_export` send the files."""
    found = await organiser_chat(update, context)
    if found is None:
        return
    chat, lang = found
    conversation = context.services.conversation
    asked = await read_command_args(context.args or [], conversation, lang)
    if isinstance(asked, str):
        await chat.send(asked)
        return
    if not await _anything_to_export(conversation, asked):
        # Said at once: an acknowledgement followed by "nothing to export" reads as a fault.
        where = _selection(context.services, _tag_asked(conversation, asked), asked.stage, lang)
        await chat.send(escape(tg("org_export_empty", lang) + where + "."))
        return
    if asked.personal:
        named = personal_questions(await _versions_asked(conversation, asked), lang) or "–"
        await chat.send(tg("org_export_personal", lang, questions=named))
    ack = tg("org_export_started", lang)
    await organiser_jobs(context.application).submit(
        "export", chat, lang, asked.as_args(), ack=ack, update_id=update.update_id
    )


async def _anything_to_export(conversation: Conversation, asked: ExportAsked) -> bool:
    """Whether the export asked would hold at least one response (a count, not the export)."""
    stages = (asked.stage,) if asked.stage else ()
    for flow in flows_asked(conversation, asked):
        if await conversation.store.count_matching(ResponseFilter(flow.id, stages)):
            return True
    return False


async def _versions_asked(conversation: Conversation, asked: ExportAsked) -> list[Flow]:
    """The flows asked, each with its older versions kept: the export holds their answers,
    a question personal only in an older version's included."""
    from exports import history_of

    versions: list[Flow] = []
    for flow in flows_asked(conversation, asked):
        versions += history_of(flow, await conversation.store.flow_versions(flow.id)).flows
    return versions


def _tag_asked(conversation: Conversation, asked: ExportAsked) -> str:
    """The questionnaire the command named, as its files are tagged; none if it named none."""
    if asked.flow is None:
        return ""
    return conversation.catalogue.audience_code(conversation.flow_of(asked.flow))


def personal_questions(flows: Sequence[Flow], lang: str) -> str:
    """The questions the flows mark personal, as the respondent read them, shortened (HTML):
    "« Quel est le nom de votre entreprise ? », …"; an organiser does not know the ids."""
    texts: dict[str, str] = {}
    for flow in flows:  # the newest first: a question keeps its latest wording
        for step in flow.steps():
            if step.personal and step.id not in texts:
                # Typeset once shortened: `shorten` makes every space, no-break ones too, plain.
                shortened = shorten(
                    flow.text(step.text, lang), PERSONAL_TEXT_WIDTH, placeholder=" …"
                )
                texts[step.id] = typeset(shortened, lang)
    questions = list(dict.fromkeys(texts.values()))
    return quoted(questions, lang, width=PERSONAL_TEXT_WIDTH, most=None)


async def run_export(application: BotApplication, job: Job, chat: Chat) -> None:
    """The responses as a workbook, or a CSV when there are too many for a quick workbook
    (bot/telegram/export_worker.py), and the codebook, sent as documents: the CSV for
    the organiser's Excel (`for_french_excel`), the files named in their language.

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
        excel=for_french_excel(lang),
        bom=True,  # the plain CSV an English organiser gets is for Excel too
        lang=lang,
        cities={s.code: s.city for s in conversation.stages},
        regions={s.code: s.region for s in conversation.stages if s.region},
        territories={s.code: s.territory for s in conversation.stages if s.territory},
        dates={s.code: s.date.isoformat() for s in conversation.stages if s.date},
        include_personal=asked.personal,
    )
    await application.bot.send_chat_action(chat.chat_id, "upload_document")
    for flow in flows_asked(conversation, asked):
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
    names = export_names(application.bot_data, tag, asked.stage, personal=asked.personal, lang=lang)
    made = await export_in_another_process(database_of(application), flow, options, names, asked)
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
    stages = application.bot_data.conversation.stages
    await deliver_export(chat, lang, exported, escape(caption), escape(book), stages)


def _selection(services: Services, tag: str, stage: str | None, lang: str) -> str:
    """What an export covered, for a sentence: " pour Dunkerque (exemple_nord), territoire"."""
    found = find_stage(services.conversation.stages, stage) if stage else None
    # A workshop removed from the stages file since: by the code its responses carry.
    parts = [f"{found.city} ({found.code})"] if found else [stage] if stage else []
    parts += [tg("org_questionnaire", lang, code=tag)] if tag else []
    return tg("org_for", lang, what=", ".join(parts)) if parts else ""


def export_names(
    services: Services,
    tag: str,
    stage: str | None,
    *,
    personal: bool = False,
    lang: str = "fr",
) -> FileNames:
    """`reponses_territoire_pithiviers_2026-11-30_14-05-33.csv` (or `.xlsx`) and its
    codebook's; `reponses_nominatif_…` when it holds the personal answers. In English,
    `responses_…` and `responses_personal_…`; the codebook is `codebook_…` in both.

    The time to the second (the respondents' zone, as /stats's day) keeps two exports
    apart in a Downloads folder, even a minute apart, and sorts them; with '-', which
    Windows allows in a file name (':' it does not). "nominatif" (identifying) marks the
    copy to keep out of a shared folder.
    """
    from exports import FileNames

    zone = ZoneInfo(services.policy.timezone)
    when = services.clock().astimezone(zone).strftime("%Y-%m-%d_%H-%M-%S")
    responses, mark = FILE_WORDS["fr" if for_french_excel(lang) else "en"]
    marked = (tag, stage, mark if personal else "")
    suffix = "".join(f"_{part}" for part in marked if part)
    return FileNames(
        csv=f"{responses}{suffix}_{when}.csv",
        codebook=f"codebook{suffix}_{when}.csv",
        zip=f"{responses}{suffix}_{when}.zip",
    )


FILE_WORDS: Final = {"fr": ("reponses", "nominatif"), "en": ("responses", "personal")}
"""The words of an export's file names: what the files hold, and the mark of an export
holding the personal answers (`/export personal`); French for a language not here, as
the bot's texts are (`Words`)."""


def for_french_excel(lang: str) -> bool:
    """Whether an organiser in `lang` gets the CSV for French Excel (";", a decimal comma),
    which Excel in English opens as one column; else the plain CSV (",", a decimal point),
    with a BOM (`ExportOptions.bom`). French unless English, as the bot's texts."""
    return lang != "en"


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
