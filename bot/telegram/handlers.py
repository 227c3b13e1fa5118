"""Telegram handlers: parse the update into an event, hand it to the conversation, show the reply.

No rule of the questionnaire is decided here (see `conversation`); which chats
and users reach which handler is decided by the filters in `app.add_handlers`.
A button press is always answered, even a stale or forged one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType

from bot.telegram.callback_data import BadButton, decode
from bot.telegram.chat_memory import ChatMemory
from bot.telegram.context import BotContext
from bot.telegram.keyboards import menu_keyboard, page_of
from bot.telegram.odd_input import (
    UNTOLD,
    Rest,
    caption_note,
    edited_note,
    invitation_payload,
    quoted_question,
    say_odd,
)
from bot.telegram.render import Renderer
from bot.telegram.sending import Chat, answer_query
from bot.telegram.words import tg
from conversation import (
    Command,
    CommandName,
    Event,
    Intent,
    Look,
    Person,
    Pressed,
    Reply,
    Start,
    Status,
    Typed,
    Unreadable,
    say,
)
from flows import STAGE_CODE
from storage import Channel

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def person_of(update: Update) -> Person | None:
    """The respondent an update comes from, as the conversation knows them."""
    user = update.effective_user
    if user is None:
        return None
    return Person(Channel.TELEGRAM, str(user.id), user.language_code)


def organiser_command(handler: Handler) -> Handler:
    """An organiser command answered once per update, whatever Telegram redelivers.

    Telegram delivers at least once: an update the bot did not confirm (it stopped, a
    webhook reply was lost) comes again with its id, and the inbox, which recognises a
    redelivered batch, forgets its done rows after a few minutes. A respondent's input
    records its id with its answer (`conversation`); an organiser's command writes
    nothing, so its id is recorded here, once it has been answered: a crash before that
    answers it again (at least once), never not at all. An /export's job also keeps
    the id (`background.submit`), which holds if this mark was lost.
    """

    @functools.wraps(handler)
    async def handle(update: Update, context: BotContext) -> None:
        store = context.services.conversation.store
        if await store.was_handled(update.update_id):
            log.info("organiser update %s was already answered; not again", update.update_id)
            return
        await handler(update, context)
        await store.mark_handled(update.update_id, now=context.services.clock())

    return handle


async def organiser_chat(update: Update, context: BotContext) -> tuple[Chat, str] | None:
    """Where an organiser command came from, and the language to answer in: the one they
    chose with /language, as their /help's respondent part is, else their app's."""
    person = person_of(update)
    if update.effective_chat is None or person is None:
        return None
    lang = await context.services.conversation.language_kept(person)
    return Chat(context.bot, update.effective_chat.id), lang


async def on_start(update: Update, context: BotContext) -> None:
    """`/start [payload]`: a deep link carries the workshop's code."""
    await converse(update, context, Start(stage=context.args[0] if context.args else None))


async def on_text(update: Update, context: BotContext) -> None:
    """A typed reply: an answer, an "Other" text, a choice by its name; not the rest of a
    paste refused as too long, nor the bot's invitation sent back, nor a correction typed
    in reply to an earlier question."""
    message = update.effective_message
    person = person_of(update)
    if message is None or message.text is None or person is None:
        return
    here = Chat(context.bot, message.chat_id)
    pastes = context.services.pastes
    rest = pastes.rest(message.chat_id, message.text, message.date)
    if rest != Rest.NONE:
        # The app's next pieces of a paste refused as too long: not stored, and a word for
        # them, once, but not the question again: it was shown after the first piece.
        if rest == Rest.FIRST:
            lang = await context.services.conversation.language_kept(person)
            await here.send_plain(say_odd("paste_rest", lang))
        return
    payload = invitation_payload(message, context.bot.username)
    if payload is not None:
        # The invitation pasted or forwarded: as if its link were tapped, not an answer.
        await converse(update, context, Start(stage=payload))
        return
    again, quoted = None, None
    if message.reply_to_message is not None and not context.services.conversation.closed:
        where = await context.services.conversation.situation(person)
        again = quoted_question(message, context.bot.id, where)
        if again == UNTOLD:
            said = "quoted_earlier" if where.where == "answering" else "quoted_earlier_end"
            await here.send_plain(say_odd(said, where.lang))
            await converse(update, context, Look())  # the question waiting, as usual
            return
        quoted = message.reply_to_message.message_id if again else None
    reply = await converse(update, context, Typed(message.text, again=again), quoted=quoted)
    if reply is not None and reply.status == Status.REFUSED:
        # A text of a message's full length is refused for its length (no question takes
        # 4,000 characters and more); the rest of its paste is then known (odd_input.py).
        pastes.refused(message.chat_id, message.text, message.date)


async def on_other_message(update: Update, context: BotContext) -> None:
    """A sticker, photo, voice note or file; one with a caption at a question is told the
    caption is not its answer, quoted, rather than that only text is read. The invitation's
    card forwarded, its link in the caption, is that link opened."""
    message = update.effective_message
    person = person_of(update)
    payload = invitation_payload(message, context.bot.username) if message else None
    if payload is not None:
        await converse(update, context, Start(stage=payload))
        return
    if message is not None and person is not None and message.caption:
        conversation = context.services.conversation
        where = None if conversation.closed else await conversation.situation(person)
        note = caption_note(message, where.lang) if where and where.where == "answering" else None
        if note is not None:
            await Chat(context.bot, message.chat_id).send_plain(note)
            await converse(update, context, Look())
            return
    await converse(update, context, Unreadable())


def on_command(name: CommandName) -> Handler:
    """The handler of one command (`/help`, `/back`, `/delete`…)."""

    async def handle(update: Update, context: BotContext) -> None:
        await converse(update, context, Command(name))

    handle.__name__ = f"on_{name.value}"
    return handle


async def on_button(update: Update, context: BotContext) -> None:
    """A button pressed: the action it carries, unless it is not one this bot wrote."""
    query = update.callback_query
    person = person_of(update)
    if query is None or person is None:
        return
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        # This bot puts buttons in private chats only: a tap elsewhere (a group, an inline
        # message) is forged, and a question must never be asked where others read it.
        lang = await context.services.conversation.language_kept(person)
        await answer_query(query, say("forged", lang))
        return
    page = page_of(query.data)
    try:
        action = decode(query.data) if page is None else None
    except BadButton:
        # Its length only: a client can put anything there, a name or an answer included.
        log.info("unrecognised button data (%d characters)", len(query.data or ""))
        lang = await context.services.conversation.language_kept(person)
        await answer_query(query, say("forged", lang))
        return
    if (action is None or not action.about_question) and _withdrawn(query, context):
        # A menu's buttons, gone from its message (used up, or given way to the next reply),
        # pressed on a phone that had not caught up: not obeyed, or a number of the picker
        # would open another question, a page bring the buttons back. (A question's are
        # the conversation's to judge: a tick on an earlier copy still counts.)
        lang = await context.services.conversation.language_kept(person)
        await answer_query(query, say("stale", lang))
    elif page is not None:
        await _turn_page(Chat(context.bot, chat.id), query, page, context, person)
    elif action is not None:
        await converse(update, context, Pressed(action), query=query)


def _withdrawn(query: CallbackQuery, context: BotContext) -> bool:
    """Whether the pressed message shows no buttons any more (Telegram sends it as it stands),
    or one of them was obeyed already (a double tap: both presses show them)."""
    message = query.message
    if not isinstance(message, Message):
        return False
    used = context.services.chats.used_up(message.chat_id, message.message_id)
    return message.reply_markup is None or used


async def on_edited(update: Update, context: BotContext) -> None:
    """A message edited after it was sent: its first text was the answer; say so, change nothing."""
    message = update.edited_message
    person = person_of(update)
    if message is None or person is None:
        return
    if (message.text or "").startswith("/"):
        return  # a command (/start…) edited: no answer to keep, nothing worth saying
    if context.services.conversation.closed:
        # No answer to correct with /back: like any text, told the questionnaire is closed.
        await converse(update, context, Typed(message.text or ""))
        return
    # What to do instead depends on where they are: nothing is stored before agreeing,
    # and once finished /back goes nowhere ("✏️ Modifier une réponse" does).
    where = await context.services.conversation.situation(person)
    await Chat(context.bot, message.chat_id).send_plain(edited_note(where.where, where.lang))


async def on_group(update: Update, context: BotContext) -> None:
    """`/start` or `/help` in a group: the questionnaire is answered in a private chat."""
    message = update.effective_message
    person = person_of(update)
    if message is None or person is None:
        return
    lang = await context.services.conversation.language_kept(person)
    if context.services.conversation.closed:
        # Nothing to answer privately either; /mydata and /delete are for a private chat.
        await message.reply_text(say("closed", lang))
        return
    link = f"https://t.me/{context.bot.username}"
    payload = context.args[0] if context.args else ""
    if STAGE_CODE.fullmatch(payload):  # the workshop of the link they used goes with them
        link += f"?start={payload}"
    await message.reply_text(tg("tg_group", lang, link=link))


async def converse(
    update: Update,
    context: BotContext,
    event: Event,
    *,
    query: CallbackQuery | None = None,
    quoted: int | None = None,
) -> Reply | None:
    """Hand `event` to the conversation (with the update id) and show its reply in the chat;
    the reply (None: no person or chat to converse with). `quoted`: the earlier question a
    reply answers again, edited to show its new answer."""
    person = person_of(update)
    chat = update.effective_chat
    if person is None or chat is None:
        return None
    conversation = context.services.conversation
    reply = await conversation.handle(person, event, delivery=update.update_id)
    tapped = query.message if query is not None and isinstance(query.message, Message) else None
    here = Chat(context.bot, chat.id)
    if isinstance(event, Pressed) and query is not None:
        closed = conversation.closed  # every tap then uses its buttons up
        shown_more = await _answer_press(
            here, query, event, reply, tapped, closed=closed, chats=context.services.chats
        )
        if tapped is not None and reply.status == Status.DONE and not event.action.about_question:
            context.services.chats.use_up(chat.id, tapped.message_id)
        if not shown_more:
            return reply
    await Renderer(
        here,
        conversation,
        reply,
        tapped,
        memory=context.services.chats,
        with_marks=context.services.live_with_marks,
        quoted=quoted,
    ).show()
    await _menu_follows(context, chat.id, person, event, reply)
    return reply


async def _menu_follows(
    context: BotContext, chat_id: int, person: Person, event: Event, reply: Reply
) -> None:
    """The chat's ☰ menu in the language of `reply`, if the app's is another
    (bot/telegram/chat_menus.py)."""
    services = context.services
    if services.flows is None:
        return
    chosen = isinstance(event, Pressed) and event.action.intent == Intent.LANGUAGE
    await services.chat_menus.follow(
        context.bot,
        chat_id,
        lang=reply.language,
        app_language=person.language_hint,
        catalogue=services.flows,
        organiser=int(person.external_id) in services.admins,
        stages=services.stages,
        chosen=chosen and reply.status == Status.DONE,
    )


async def _turn_page(
    chat: Chat, query: CallbackQuery, page: int, context: BotContext, person: Person
) -> None:
    """Show another page of a long menu in place, in the language it was drawn in (the
    person's choice, not their app's); the conversation does not change."""
    message = query.message
    kept = context.services.chats
    menu = kept.pages_of(chat.chat_id, message.message_id) if isinstance(message, Message) else None
    if menu is None or not isinstance(message, Message):
        # Kept in memory only: after a restart the pages are gone; the person starts again.
        lang = await context.services.conversation.language_kept(person)
        await answer_query(query, tg("tg_page_expired", lang), alert=True)
        return
    await answer_query(query)
    await chat.set_keyboard(message.message_id, menu_keyboard(*menu, page))


async def _answer_press(
    chat: Chat,
    query: CallbackQuery,
    event: Pressed,
    reply: Reply,
    tapped: Message | None,
    *,
    closed: bool = False,
    chats: ChatMemory | None = None,
) -> bool:
    """Answer the button press as its reply says; False when nothing more is to be shown.

    `closed`: the questionnaire is closed, so the tapped buttons offered nothing that is still
    on (a question's, "resume"…: the closed notice answers them), or were used (erasing).
    `chats`: what the bot remembers of its chats (the questions it settled lately)."""
    if reply.status == Status.REFUSED:
        # A refused tap (too many ticks...): an alert, and the question stays as it is.
        await answer_query(query, reply.note, alert=True)
        return False
    await answer_query(query, reply.note if reply.status != Status.DONE else None)
    if tapped is None:
        return True
    if reply.status == Status.STALE and tapped.message_id != reply.live_message:
        # An earlier question's buttons: they go. The question on screen keeps its own.
        # Unless they went already: Telegram sends the message without them, or it is the
        # question a double tap's first press answered (its second press shows them still).
        if tapped.reply_markup is not None and not _settled(chats, tapped):
            await chat.drop_keyboard(tapped.message_id)
    elif (reply.status == Status.DONE and not event.action.about_question) or closed:
        # A menu, once answered, is used up; once closed, any tapped message's buttons.
        await chat.drop_keyboard(tapped.message_id)
    return True


def _settled(chats: ChatMemory | None, message: Message) -> bool:
    return chats is not None and chats.settled(message.chat_id, message.message_id)
