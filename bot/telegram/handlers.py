"""Telegram handlers: parse the update, call the engine and the store, render, send.

Every change is committed (with the update id, so a redelivered update is
recognised) before the next question is sent. Callback queries are always
answered, even stale or forged ones.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, replace

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.progress import save_state
from bot.telegram.callback_data import Action, BadButton, ButtonData, decode, stage_token
from bot.telegram.context import BotContext
from bot.telegram.keyboards import (
    answered_text,
    button,
    clip,
    question_keyboard,
    question_text,
)
from bot.texts import ui
from flows import (
    Flow,
    Outcome,
    Prompt,
    ResponseState,
    StageDef,
    acknowledge,
    answer_text,
    back,
    choose,
    confirm,
    display_value,
    pipe,
    prompt,
    revise,
    skip,
    start,
    summary,
    toggle,
)
from storage import Channel, Respondent, Response, ResponseStatus

log = logging.getLogger(__name__)

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CHANNEL = Channel.TELEGRAM


@dataclass
class Session:
    """One respondent and their response to the flow, as loaded for one update."""

    respondent: Respondent
    response: Response | None
    lang: str
    consent_version: str | None = None
    """The version of the information notice the response was agreed under."""

    @property
    def state(self) -> ResponseState | None:
        if self.response is None:
            return None
        return ResponseState.model_validate_json(self.response.state_json)


# --- loading --------------------------------------------------------------------


def _language_for(flow: Flow, code: str | None) -> str:
    """The user's Telegram language when the flow has it, else the flow's default."""
    if code:
        short = code.split("-")[0].lower()
        if short in flow.languages:
            return short
    return flow.language


async def load_session(update: Update, context: BotContext) -> Session | None:
    user = update.effective_user
    if user is None:
        return None
    flow, store = context.services.ready()
    now = context.services.clock()
    # A read first: most updates come from people already known, and a write
    # transaction for each of them would queue every respondent behind the write lock.
    respondent = await store.get_respondent(CHANNEL, str(user.id))
    if respondent is None:
        respondent = await store.ensure_respondent(
            CHANNEL, str(user.id), now=now, language=_language_for(flow, user.language_code)
        )
    if respondent.blocked_at is not None:
        # They write to us again, so they no longer block the bot.
        await store.set_blocked(respondent.id, blocked=False, now=now)
    response = await store.latest_response(respondent.id, flow.id)
    lang = respondent.language or flow.language
    if response is not None:
        lang = response.language
    if lang not in flow.languages:
        lang = flow.language
    consent = None
    if flow.consent_version is not None and response is not None:
        consent = response.consent_version
    return Session(respondent, response, lang, consent)


def needs_consent(flow: Flow, session: Session) -> bool:
    """An unfinished response agreed under another notice (or none): ask again first."""
    response = session.response
    return (
        flow.consent_version is not None
        and response is not None
        and response.status != ResponseStatus.COMPLETED
        and session.consent_version != flow.consent_version
    )


async def _redelivered(update: Update, context: BotContext, session: Session) -> bool:
    """True if this update was already applied (redelivered after a crash)."""
    _, store = context.services.ready()
    if not await store.was_handled(update.update_id):
        return False
    log.info("update %s was already handled; not applying it twice", update.update_id)
    if update.callback_query is not None:
        await _answer_query(update.callback_query)
    # The reply may have been lost with the crash: show the current question once.
    if session.respondent.id not in context.services.resent:
        context.services.resent.add(session.respondent.id)
        await show_current(update, context, session)
    return True


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


# --- commands -------------------------------------------------------------------


async def on_start(update: Update, context: BotContext) -> None:
    """`/start [payload]`: a deep link tags the response with its workshop."""
    if not _private(update):
        await _point_to_private(update, context)
        return
    session = await load_session(update, context)
    if session is None or await _redelivered(update, context, session):
        return
    _flow, _store = context.services.ready()
    payload = context.args[0] if context.args else None
    stage = _find_stage(context.services.stages, payload)
    response = session.response
    if needs_consent(_flow, session):
        await ask_consent(update, context, session, stage, changed=True)
        return
    if response is not None and response.status != ResponseStatus.COMPLETED:
        # Unfinished, or closed as abandoned after a long pause: either can go on.
        await _offer_resume(update, context, session, stage)
        return
    if response is not None and response.status == ResponseStatus.COMPLETED:
        await _send(update, context, ui("tg_already_done", session.lang))
        await _send_summary(update, context, session)
        return
    if payload and stage is None:
        await _offer_stages(update, context, session)
        return
    await begin(update, context, session, stage)


async def on_help(update: Update, context: BotContext) -> None:
    if not _private(update):
        await _point_to_private(update, context)
        return
    session = await load_session(update, context)
    if session is None:
        return
    await _send(update, context, ui("tg_help", session.lang))


async def on_back(update: Update, context: BotContext) -> None:
    await _command_move(update, context, Action.BACK)


async def on_skip(update: Update, context: BotContext) -> None:
    await _command_move(update, context, Action.SKIP)


async def on_restart(update: Update, context: BotContext) -> None:
    if not _private(update):
        return
    session = await load_session(update, context)
    if session is None:
        return
    if session.response is None:
        await _send(update, context, ui("tg_nothing_open", session.lang))
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(ui("tg_restart_yes", session.lang), ButtonData(Action.RESTART)),
                button(ui("tg_restart_no", session.lang), ButtonData(Action.KEEP)),
            ]
        ]
    )
    await _send(update, context, ui("tg_restart_confirm", session.lang), keyboard)


async def on_language(update: Update, context: BotContext) -> None:
    if not _private(update):
        return
    session = await load_session(update, context)
    if session is None:
        return
    flow, _ = context.services.ready()
    names = {"fr": "Français", "en": "English"}
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(names.get(lang, lang), ButtonData(Action.LANGUAGE, value=lang))
                for lang in flow.languages
            ]
        ]
    )
    await _send(update, context, ui("tg_language_pick", session.lang), keyboard)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    if not _private(update):
        return
    session = await load_session(update, context)
    if session is None:
        return
    await _send(update, context, ui("tg_unknown_command", session.lang))


async def _command_move(update: Update, context: BotContext, action: Action) -> None:
    if not _private(update):
        return
    session = await load_session(update, context)
    if session is None or await _redelivered(update, context, session):
        return
    state = session.state
    if state is None or state.finished:
        await _send(update, context, ui("tg_nothing_open", session.lang))
        return
    flow, _ = context.services.ready()
    if needs_consent(flow, session):
        await ask_consent(update, context, session, None, changed=True)
        return
    if action == Action.BACK:
        moved = back(flow, state)
        if moved == state:
            await _send(update, context, ui("tg_no_back", session.lang))
            return
        outcome = Outcome(moved)
    else:
        outcome = skip(flow, state, session.lang)
    await _apply(update, context, session, state, outcome)


# --- typed answers and other messages ---------------------------------------------


async def on_text(update: Update, context: BotContext) -> None:
    """A typed reply: the answer to a text question, an "Other" text, or a choice by name."""
    if not _private(update):
        return
    message = update.effective_message
    session = await load_session(update, context)
    if session is None or message is None or message.text is None:
        return
    if await _redelivered(update, context, session):
        return
    state = session.state
    if state is None or session.response is None:
        await begin(update, context, session, None)
        return
    if state.finished:
        await _send(update, context, ui("tg_already_done", session.lang))
        await _send_summary(update, context, session)
        return
    flow, _ = context.services.ready()
    if needs_consent(flow, session):
        await ask_consent(update, context, session, None, changed=True)
        return
    outcome = answer_text(flow, state, message.text, session.lang)
    await _apply(update, context, session, state, outcome)


async def on_other_message(update: Update, context: BotContext) -> None:
    """A sticker, photo, voice note or file: say so kindly, and show the question again."""
    if not _private(update):
        return
    session = await load_session(update, context)
    if session is None:
        return
    await _send(update, context, ui("tg_not_text", session.lang))
    await show_current(update, context, session)


# --- buttons ----------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    if not _private(update):
        # This bot puts buttons in private chats only: a tap elsewhere (a group, an inline
        # message) is forged, and a question must never be asked where others read it.
        await _answer_query(query, ui("tg_forged", _tap_language(update, context)))
        return
    session = await load_session(update, context)
    if session is None:
        await _answer_query(query)
        return
    try:
        data = decode(query.data)
    except BadButton:
        log.info("unrecognised button data %r from an update", query.data)
        await _answer_query(query, ui("tg_forged", session.lang))
        return
    if await _redelivered(update, context, session):
        return
    if data.action in (
        Action.CHOOSE,
        Action.TOGGLE,
        Action.CONFIRM,
        Action.SKIP,
        Action.BACK,
        Action.NEXT,
    ):
        await _question_button(update, context, session, query, data)
    else:
        await _menu_button(update, context, session, query, data)


async def _question_button(
    update: Update, context: BotContext, session: Session, query: CallbackQuery, data: ButtonData
) -> None:
    flow, _ = context.services.ready()
    state = session.state
    if needs_consent(flow, session):
        await _answer_query(query, ui("tg_consent_first", session.lang))
        await ask_consent(update, context, session, None, changed=True)
        return
    if state is None or state.current != data.step or state.seq != data.seq:
        await _answer_query(query, ui("tg_stale", session.lang))
        if isinstance(query.message, Message) and _is_old_prompt(session, query.message):
            await _drop_keyboard(query.message)
        return
    lang = session.lang
    outcome: Outcome
    if data.action == Action.CHOOSE:
        outcome = choose(flow, state, data.value, lang)
    elif data.action == Action.TOGGLE:
        outcome = toggle(flow, state, data.value, lang)
    elif data.action == Action.CONFIRM:
        outcome = confirm(flow, state, lang)
    elif data.action == Action.SKIP:
        outcome = skip(flow, state, lang)
    elif data.action == Action.BACK:
        outcome = Outcome(back(flow, state))
    else:
        outcome = acknowledge(flow, state, lang)
    if not outcome.accepted:
        await _answer_query(query, outcome.error, alert=True)
        return
    await _answer_query(query)
    await _apply(update, context, session, state, outcome, tapped=query.message)


def _tap_language(update: Update, context: BotContext) -> str:
    flow = context.services.ready()[0]
    user = update.effective_user
    return _language_for(flow, user.language_code if user else None)


def _is_old_prompt(session: Session, message: Message) -> bool:
    response = session.response
    return response is None or response.prompt_message_id != message.message_id


def _is_live_question(session: Session, message: Message) -> bool:
    """Whether `message` shows the question now waiting for an answer."""
    state = session.state
    return state is not None and not state.finished and not _is_old_prompt(session, message)


async def _menu_button(
    update: Update, context: BotContext, session: Session, query: CallbackQuery, data: ButtonData
) -> None:
    flow, store = context.services.ready()
    if not _menu_value_known(context, session, data):
        # Well-formed but naming nothing we offer: forged. Leave the chat as it is.
        await _answer_query(query, ui("tg_forged", session.lang))
        return
    await _answer_query(query)
    if isinstance(query.message, Message) and not _is_live_question(session, query.message):
        # The menu is used up; never strip the buttons of the question on screen.
        await _drop_keyboard(query.message)
    if data.action in (Action.CONSENT, Action.DECLINE):
        await _consent_answer(update, context, session, data)
    elif data.action == Action.RESUME:
        await show_current(update, context, session)
    elif data.action == Action.RESTART_ASK:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(
                        ui("tg_restart_yes", session.lang),
                        ButtonData(Action.RESTART, value=data.value),
                    ),
                    button(ui("tg_restart_no", session.lang), ButtonData(Action.KEEP)),
                ]
            ]
        )
        await _send(update, context, ui("tg_restart_confirm", session.lang), keyboard)
    elif data.action == Action.RESTART:
        await _restart(update, context, session, _stage_by_token(context, data.value))
    elif data.action == Action.KEEP:
        await show_current(update, context, session)
    elif data.action in (Action.STAGE, Action.NO_STAGE):
        stage = _stage_by_token(context, data.value) if data.action == Action.STAGE else None
        if session.response is None:
            await begin(update, context, session, stage)
        else:
            await show_current(update, context, session)
    elif data.action == Action.LANGUAGE and data.value in flow.languages:
        await store.set_language(
            session.respondent.id,
            data.value,
            response_id=session.response.id if session.response is not None else None,
            now=context.services.clock(),
        )
        session.lang = data.value
        await _send(update, context, ui("tg_language_set", data.value))
        await show_current(update, context, session)
    elif data.action == Action.REVISE_MENU:
        await _send_revise_menu(update, context, session)
    elif data.action == Action.REVISE:
        await _revise(update, context, session, data.value)


def _menu_value_known(context: BotContext, session: Session, data: ButtonData) -> bool:
    """Whether the value a menu button carries is one this bot could have offered."""
    flow, _ = context.services.ready()
    if data.action == Action.LANGUAGE:
        return data.value in flow.languages
    if data.action == Action.STAGE:
        return _stage_by_token(context, data.value) is not None
    if data.action in (Action.CONSENT, Action.DECLINE) and flow.consent_version is None:
        return False  # this flow has no notice to agree to
    if data.action in (Action.RESTART, Action.RESTART_ASK, Action.CONSENT, Action.DECLINE):
        return not data.value or _stage_by_token(context, data.value) is not None
    if data.action == Action.REVISE:
        state = session.state
        return state is not None and any(
            step_id == data.value for step_id, _, _ in summary(flow, state, session.lang)
        )
    return True


# --- moving the response on -----------------------------------------------------------


async def begin(
    update: Update, context: BotContext, session: Session, stage: StageDef | None
) -> None:
    """A new response: welcome (with the workshop), intro, the notice to agree to, then questions.

    With an information notice, nothing is stored until the person agrees to it.
    """
    flow, _ = context.services.ready()
    lang = session.lang
    if stage is not None:
        when = f" ({stage.date:%d/%m/%Y})" if stage.date else ""
        await _send(
            update, context, ui("tg_stage_welcome", lang, city=html.escape(stage.city), date=when)
        )
    title = f"<b>{html.escape(flow.text(flow.title, lang).strip())}</b>"
    intro = html.escape(flow.text(flow.intro, lang).strip()) if flow.intro else ""
    await _send(update, context, f"{title}\n\n{intro}".strip())
    if flow.consent_version is not None:
        await ask_consent(update, context, session, stage, changed=False)
        return
    await _create_response(update, context, session, stage)


async def _create_response(
    update: Update, context: BotContext, session: Session, stage: StageDef | None
) -> None:
    flow, store = context.services.ready()
    state = start(flow)
    now = context.services.clock()
    session.response = await store.start_response(
        session.respondent.id,
        flow_id=flow.id,
        flow_version=flow.version,
        stage_code=stage.code if stage else None,
        language=session.lang,
        state_json=state.model_dump_json(),
        current_step=state.current,
        now=now,
        update_id=update.update_id,
        # Agreeing and starting are one transaction.
        consent_version=flow.consent_version,
    )
    if flow.consent_version is not None:
        session.consent_version = flow.consent_version
    await show_current(update, context, session)


async def ask_consent(
    update: Update,
    context: BotContext,
    session: Session,
    stage: StageDef | None,
    *,
    changed: bool,
) -> None:
    """The information notice with an explicit choice; the stage rides in the buttons."""
    flow, _ = context.services.ready()
    if flow.consent is None:
        return
    lang = session.lang
    token = stage_token(stage.code) if stage else ""
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(ui("tg_consent_accept", lang), ButtonData(Action.CONSENT, value=token)),
                button(ui("tg_consent_decline", lang), ButtonData(Action.DECLINE, value=token)),
            ]
        ]
    )
    notice = html.escape(flow.text(flow.consent, lang).strip())
    if changed:
        notice = f"{html.escape(ui('tg_consent_changed', lang))}\n\n{notice}"
    await _send(update, context, notice, keyboard)


async def _consent_answer(
    update: Update, context: BotContext, session: Session, data: ButtonData
) -> None:
    flow, store = context.services.ready()
    now = context.services.clock()
    stage = _stage_by_token(context, data.value) if data.value else None
    response = session.response
    if data.action == Action.CONSENT:
        if response is None:
            await _create_response(update, context, session, stage)
        elif needs_consent(flow, session):
            assert flow.consent_version is not None
            await store.record_consent(response.id, version=flow.consent_version, now=now)
            session.consent_version = flow.consent_version
            await show_current(update, context, session)
        # Otherwise already agreed (a double tap, an old button): nothing to do.
        return
    if response is not None and not needs_consent(flow, session):
        # "Je refuse" on an older copy of the notice, after agreeing to this one: what
        # was given stays unless the person confirms erasing it (as with /delete).
        await ask_erase(update, context, session.lang)
        return
    # Declined: keep nothing but the refusal (a changed notice declined erases what was kept).
    if response is not None:
        await store.erase_respondent(session.respondent.id)
        session.respondent = await store.ensure_respondent(
            CHANNEL, session.respondent.external_id, now=now, language=session.lang
        )
        session.response = None
    await store.record_refusal(
        session.respondent.id,
        version=flow.consent_version or "",
        stage_code=stage.code if stage else None,
        now=now,
    )
    await _send(update, context, ui("tg_declined", session.lang))


async def ask_erase(update: Update, context: BotContext, lang: str) -> None:
    """Ask before erasing everything about the person: "Oui, tout effacer" / "Non, garder"."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(ui("tg_delete_yes", lang), ButtonData(Action.ERASE)),
                button(ui("tg_delete_no", lang), ButtonData(Action.KEEP)),
            ]
        ]
    )
    await _send(update, context, ui("tg_delete_confirm", lang), keyboard)


async def _restart(
    update: Update, context: BotContext, session: Session, stage: StageDef | None
) -> None:
    """Start over in the same response (so one person never counts twice)."""
    flow, store = context.services.ready()
    if session.response is None:
        await begin(update, context, session, stage)
        return
    state = start(flow)
    session.response = await store.save_progress(
        session.response.id,
        state_json=state.model_dump_json(),
        current_step=state.current,
        answers={},
        status=ResponseStatus.IN_PROGRESS,
        now=context.services.clock(),
        stage_code=stage.code if stage else None,
        update_id=update.update_id,
    )
    await _send(update, context, ui("tg_restarted", session.lang))
    await show_current(update, context, session)


async def _revise(update: Update, context: BotContext, session: Session, step_id: str) -> None:
    flow, store = context.services.ready()
    state = session.state
    if state is None or session.response is None:
        return
    revised = revise(flow, state, step_id)
    if revised == state:
        await show_current(update, context, session)
        return
    session.response = await save_state(
        store,
        flow,
        session.response,
        revised,
        context.services.clock(),
        lang=session.lang,
        update_id=update.update_id,
    )
    await show_current(update, context, session)


async def _apply(
    update: Update,
    context: BotContext,
    session: Session,
    before: ResponseState,
    outcome: Outcome,
    *,
    tapped: object = None,
) -> None:
    """Commit the outcome, then update the chat: the answered question, then the next one."""
    flow, store = context.services.ready()
    lang = session.lang
    if not outcome.accepted:
        await _send(update, context, f"⚠️ {html.escape(outcome.error or '')}")
        await show_current(update, context, session)
        return
    after = outcome.state
    if session.response is None:
        return
    old_prompt = prompt(flow, before, lang)
    old_message_id = session.response.prompt_message_id
    session.response = await save_state(
        store,
        flow,
        session.response,
        after,
        context.services.clock(),
        lang=lang,
        update_id=update.update_id,
    )
    if old_prompt is None:
        await show_current(update, context, session)
        return
    same_step = after.current == before.current and not after.finished
    if same_step and not after.awaiting_other and isinstance(tapped, Message):
        # A toggle in a multiple choice or ranking: edit the buttons in place, on the question
        # on screen. The tap may come from an earlier copy of it whose buttons were just
        # removed ("Non, continuer", "Reprendre", a language change): it stays without them.
        target = old_message_id if old_message_id is not None else tapped.message_id
        await _edit_prompt(context, tapped.chat.id, target, flow, after, lang)
        return
    if old_message_id is not None:
        text = _transcript(flow, old_prompt, before, after, lang)
        await _edit_text(context, update, old_message_id, text)
    await show_current(update, context, session, drop_old=False)


def _transcript(
    flow: Flow, old: Prompt, before: ResponseState, after: ResponseState, lang: str
) -> str | None:
    """How the question reads once left: with its answer, or plain when going back."""
    step = flow.step(old.step_id)
    if step.type == "info":
        return None
    moved_back = len(after.history) < len(before.history) and not after.reviewing
    if moved_back:
        return None
    value = after.answers.get(old.step_id)
    if value is None or old.step_id in after.skipped:
        shown = ui("tg_skipped", lang)
    elif after.awaiting_other and after.current == old.step_id:
        shown = display_value(flow, step, value, None, lang)
    else:
        shown = display_value(flow, step, value, after.others.get(old.step_id), lang)
    return answered_text(old, shown, lang)


async def show_current(
    update: Update, context: BotContext, session: Session, *, drop_old: bool = True
) -> None:
    """Send the current question (or the end of the questionnaire) as a new message.

    The previous question loses its buttons, so only one question is live at a time.
    """
    flow, store = context.services.ready()
    state = session.state
    response = session.response
    if state is None or response is None:
        await _send(update, context, ui("tg_nothing_open", session.lang))
        return
    if needs_consent(flow, session):
        # A button sent before the notice changed ("Reprendre ▶" in a reminder or a
        # resume offer, "Non, continuer"...): the new notice comes before any question.
        await ask_consent(update, context, session, None, changed=True)
        return
    if drop_old and response.prompt_message_id is not None:
        await _edit_keyboard(context, update, response.prompt_message_id, None)
    shown = prompt(flow, state, session.lang)
    if shown is None:
        await store.set_prompt_message(response.id, None)
        session.response = replace(response, prompt_message_id=None)
        await _finish(update, context, session, state)
        return
    sent = await _send(
        update, context, question_text(shown, session.lang), question_keyboard(shown, session.lang)
    )
    if sent is not None:
        await store.set_prompt_message(response.id, sent.message_id)
        session.response = replace(response, prompt_message_id=sent.message_id)


async def _finish(
    update: Update, context: BotContext, session: Session, state: ResponseState
) -> None:
    flow, _ = context.services.ready()
    if flow.outro is not None:
        await _send(
            update, context, html.escape(pipe(flow, flow.outro, session.lang, state).strip())
        )
    await _send_summary(update, context, session)


async def _send_summary(update: Update, context: BotContext, session: Session) -> None:
    """The answers as read back, ending with "change an answer"; its message is the live one."""
    flow, store = context.services.ready()
    state = session.state
    if state is None:
        return
    lang = session.lang
    entries = [
        (f"{index}. {clip(question, 500)}", clip(shown, 3000))
        for index, (_, question, shown) in enumerate(summary(flow, state, lang), 1)
    ]
    keyboard = InlineKeyboardMarkup(
        [[button(ui("tg_revise", lang), ButtonData(Action.REVISE_MENU))]]
    )
    chunks = _chunks(ui("tg_summary_title", lang), entries)
    response = session.response
    if response is not None and response.prompt_message_id is not None:
        # An earlier summary gives way to this one: one live keyboard in the chat.
        await _edit_keyboard(context, update, response.prompt_message_id, None)
    for chunk in chunks[:-1]:
        await _send(update, context, chunk)
    sent = await _send(update, context, chunks[-1], keyboard)
    if response is not None and sent is not None:
        await store.set_prompt_message(response.id, sent.message_id)
        session.response = replace(response, prompt_message_id=sent.message_id)


def _chunks(title: str, entries: list[tuple[str, str]], limit: int = 3500) -> list[str]:
    """The summary as HTML messages, each under Telegram's 4096 characters as shown.

    Sizes are counted on the text before escaping: that is what Telegram counts.
    """
    chunks: list[str] = []
    lines = [f"<b>{html.escape(title)}</b>"]
    size = len(title)
    for question, shown in entries:
        entry = f"{html.escape(question)}\n    → <b>{html.escape(shown)}</b>"
        entry_size = len(question) + len("\n\n    → ") + len(shown)
        if lines and size + entry_size > limit:
            chunks.append("\n".join(lines))
            lines, size = [], 0
        lines.append(entry)
        size += entry_size
    chunks.append("\n".join(lines))
    return chunks


async def _send_revise_menu(update: Update, context: BotContext, session: Session) -> None:
    flow, _ = context.services.ready()
    state = session.state
    if state is None:
        return
    rows = summary(flow, state, session.lang)
    buttons = [
        button(str(index), ButtonData(Action.REVISE, value=step_id))
        for index, (step_id, _, _) in enumerate(rows, 1)
    ]
    keyboard = InlineKeyboardMarkup([buttons[i : i + 6] for i in range(0, len(buttons), 6)])
    await _send(update, context, ui("tg_revise_pick", session.lang), keyboard)


async def _offer_resume(
    update: Update, context: BotContext, session: Session, stage: StageDef | None
) -> None:
    flow, _ = context.services.ready()
    state = session.state
    shown = prompt(flow, state, session.lang) if state else None
    answered = shown.answered if shown else 0
    total = shown.total if shown else 0
    token = stage_token(stage.code) if stage else ""
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(ui("tg_resume", session.lang), ButtonData(Action.RESUME)),
                button(ui("tg_restart", session.lang), ButtonData(Action.RESTART_ASK, value=token)),
            ]
        ]
    )
    text = ui("tg_resume_offer", session.lang, answered=answered, total=total)
    await _send(update, context, text, keyboard)


async def _offer_stages(update: Update, context: BotContext, session: Session) -> None:
    stages = context.services.stages
    buttons = [
        button(stage.city, ButtonData(Action.STAGE, value=stage_token(stage.code)))
        for stage in stages
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(ui("tg_no_stage", session.lang), ButtonData(Action.NO_STAGE))])
    await _send(update, context, ui("tg_unknown_stage", session.lang), InlineKeyboardMarkup(rows))


def _find_stage(stages: list[StageDef], payload: str | None) -> StageDef | None:
    if not payload or not PAYLOAD.match(payload):
        return None
    folded = payload.lower()
    return next((s for s in stages if s.code.lower() == folded), None)


def _stage_by_token(context: BotContext, token: str) -> StageDef | None:
    return next((s for s in context.services.stages if stage_token(s.code) == token), None)


async def _point_to_private(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    link = f"https://t.me/{context.bot.username}"
    lang = _language_for(
        context.services.ready()[0], getattr(update.effective_user, "language_code", None)
    )
    await update.effective_message.reply_text(ui("tg_group", lang, link=link))


# --- sending ------------------------------------------------------------------------


async def _send(
    update: Update, context: BotContext, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(
        chat.id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        disable_web_page_preview=True,
    )


async def _answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:
        # A query older than about 15 minutes can no longer be answered; nothing to do.
        log.info("could not answer a callback query: %s", error)


async def _edit_prompt(
    context: BotContext, chat_id: int, message_id: int, flow: Flow, state: ResponseState, lang: str
) -> None:
    shown = prompt(flow, state, lang)
    if shown is None:
        return
    try:
        await context.bot.edit_message_text(
            question_text(shown, lang),
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=question_keyboard(shown, lang),
        )
    except BadRequest as error:
        _ignore_unmodified(error)


async def _edit_text(
    context: BotContext, update: Update, message_id: int, text: str | None
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    try:
        if text is None:
            await context.bot.edit_message_reply_markup(chat.id, message_id, reply_markup=None)
        else:
            await context.bot.edit_message_text(
                text, chat_id=chat.id, message_id=message_id, parse_mode=ParseMode.HTML
            )
    except BadRequest as error:
        _ignore_unmodified(error)


async def _edit_keyboard(
    context: BotContext, update: Update, message_id: int, keyboard: InlineKeyboardMarkup | None
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat.id, message_id, reply_markup=keyboard)
    except BadRequest as error:
        _ignore_unmodified(error)


async def _drop_keyboard(message: Message) -> None:
    try:
        await message.edit_reply_markup(reply_markup=None)
    except BadRequest as error:
        _ignore_unmodified(error)


def _ignore_unmodified(error: BadRequest) -> None:
    # "message is not modified" or "message to edit not found": the chat is already right.
    log.debug("edit skipped: %s", error)


__all__ = [
    "ask_consent",
    "ask_erase",
    "begin",
    "load_session",
    "needs_consent",
    "on_back",
    "on_button",
    "on_help",
    "on_language",
    "on_other_message",
    "on_restart",
    "on_skip",
    "on_start",
    "on_text",
    "on_unknown_command",
    "show_current",
]
