"""A respondent's rights in the chat: /mydata shows what is stored, /delete erases it."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import InputFile, Message, Update
from telegram.constants import ParseMode

from bot.telegram.callback_data import Action, BadButton, decode
from bot.telegram.context import BotContext
from bot.telegram.handlers import (
    CHANNEL,
    Session,
    _answer_query,
    _drop_keyboard,
    _edit_keyboard,
    _language_for,
    _private,
    _send,
    ask_erase,
    load_session,
)
from bot.texts import ui

log = logging.getLogger(__name__)


async def _known(update: Update, context: BotContext) -> tuple[Session | None, str]:
    """The person's session if anything is stored about them, and the language to use.

    Never creates a record: asking what is stored, or erasing it, must not be
    what stores the person's Telegram id (for instance just after /delete).
    """
    flow, store = context.services.ready()
    user = update.effective_user
    lang = _language_for(flow, user.language_code if user else None)
    if user is None or await store.get_respondent(CHANNEL, str(user.id)) is None:
        return None, lang
    session = await load_session(update, context)
    return session, session.lang if session else lang


async def on_mydata(update: Update, context: BotContext) -> None:
    """Everything stored about the person: a readable summary and the whole as a JSON file."""
    if not _private(update):
        return
    session, lang = await _known(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    if session is None:
        await _send(update, context, _escape(ui("tg_mydata_none", lang)))
        return
    _, store = context.services.ready()
    data = await store.respondent_data(session.respondent.id)
    lines = [ui("tg_mydata_intro", lang), ""]
    responses = data.get("responses", [])
    if not responses:
        lines.append(ui("tg_mydata_none", lang))
    for response in responses:
        lines.append(_response_line(response, lang))
    lines += ["", ui("tg_mydata_delete_hint", lang)]
    await _send(update, context, "\n".join(_escape(line) for line in lines))
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    name = "mes_donnees.json" if lang == "fr" else "my_data.json"
    await context.bot.send_document(chat.id, InputFile(document, filename=name))


def _response_line(response: dict[str, Any], lang: str) -> str:
    started = str(response.get("started_at") or "")[:10]
    stage = response.get("stage_code")
    status = str(response.get("status") or "")
    return ui(
        "tg_mydata_response",
        lang,
        started=started,
        stage=f" ({stage})" if stage else "",
        status=ui(f"tg_status_{status}", lang) if status else "",
        count=len(response.get("answers") or {}),
    )


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


async def on_delete(update: Update, context: BotContext) -> None:
    """Ask before erasing: the person confirms with a button."""
    if not _private(update):
        return
    session, lang = await _known(update, context)
    if session is None:
        await _send(update, context, _escape(ui("tg_mydata_none", lang)))
        return
    await ask_erase(update, context, lang)


async def on_erase_button(update: Update, context: BotContext) -> None:
    """The confirmed /delete: erase the respondent, their responses and answers."""
    query = update.callback_query
    if query is None:
        return
    session, lang = await _known(update, context)
    try:
        # PTB also routes a query with empty data here, whatever the pattern.
        forged = decode(query.data).action != Action.ERASE
    except BadButton:
        forged = True
    # The confirmation is only ever sent in the private chat: a tap elsewhere is forged.
    forged = forged or not _private(update)
    if forged:
        log.info("unrecognised erase button data %r", query.data)
        await _answer_query(query, ui("tg_forged", lang))
        return
    await _answer_query(query)
    if isinstance(query.message, Message):
        await _drop_keyboard(query.message)
    if session is None:
        return  # nothing stored (already erased: a double tap)
    _, store = context.services.ready()
    if session.response is not None and session.response.prompt_message_id is not None:
        # The question on screen can no longer be answered.
        await _edit_keyboard(context, update, session.response.prompt_message_id, None)
    await store.erase_respondent(session.respondent.id)
    log.info("a respondent erased their data")
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(
            chat.id, ui("tg_deleted", session.lang), parse_mode=ParseMode.HTML
        )
