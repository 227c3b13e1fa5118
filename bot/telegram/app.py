"""Building and running the Telegram application.

The store is opened in `post_init` and closed in `post_shutdown`; updates come
from our at-least-once `Poller` (or, as an option, a webhook); one respondent's
updates run in order through `PerRespondentProcessor`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.progress import stage_rows
from bot.telegram import handlers, organiser, privacy
from bot.telegram.context import BotApplication, BotContext, Services
from bot.telegram.housekeeping import housekeeping
from bot.telegram.policy import Policy
from bot.telegram.poller import Poller
from bot.telegram.processor import PerRespondentProcessor
from bot.texts import ui
from flows import Flow, StageDef
from storage import Store

log = logging.getLogger(__name__)

COMMANDS = {
    "fr": [
        ("start", "Commencer ou reprendre le questionnaire"),
        ("back", "Revenir à la question précédente"),
        ("skip", "Passer une question facultative"),
        ("restart", "Recommencer depuis le début"),
        ("language", "Changer de langue"),
        ("mydata", "Voir les données me concernant"),
        ("delete", "Effacer mes réponses"),
        ("help", "Aide"),
    ],
    "en": [
        ("start", "Start or resume the questionnaire"),
        ("back", "Go back to the previous question"),
        ("skip", "Skip an optional question"),
        ("restart", "Start again from the beginning"),
        ("language", "Change language"),
        ("mydata", "See the data stored about me"),
        ("delete", "Erase my answers"),
        ("help", "Help"),
    ],
}


def build_application(
    *,
    token: str,
    flow: Flow,
    stages: list[StageDef],
    api_url: str = "https://api.telegram.org/bot",
    admins: frozenset[int] = frozenset(),
    policy: Policy | None = None,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> BotApplication:
    """The whole bot: handlers, ordering, rate limiting, start-up and shutdown work."""
    context_types = ContextTypes(context=BotContext, bot_data=Services)
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token)
        .base_url(api_url)
        .base_file_url(_file_url(api_url))
        .context_types(context_types)
        .concurrent_updates(PerRespondentProcessor())
        .updater(None)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: BotApplication = builder.build()
    services = application.bot_data
    services.flow, services.stages, services.admins = flow, stages, admins
    services.policy = policy or Policy()
    add_handlers(application)
    return application


@contextlib.asynccontextmanager
async def running(application: BotApplication, db_path: Path) -> AsyncIterator[Store]:
    """Initialise the application and open the store; stop and close both on the way out.

    python-telegram-bot only calls `post_init` from its own `run_polling`; we poll
    ourselves, so start-up and shutdown work is done here, in the same order.
    """
    services = application.bot_data
    async with application:
        store = await Store.open(db_path)
        services.store = store
        try:
            assert services.flow is not None
            await store.sync_stages(stage_rows(services.stages))
            await _register_commands(application)
            await application.start()
            try:
                async with housekeeping(application):
                    yield store
            finally:
                await application.stop()
        finally:
            services.store = None
            await store.close()


def _file_url(api_url: str) -> str:
    # "https://api.telegram.org/bot" -> "https://api.telegram.org/file/bot"
    if api_url.endswith("/bot"):
        return api_url[: -len("/bot")] + "/file/bot"
    return api_url


def add_handlers(application: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    fresh = filters.UpdateType.MESSAGE  # edits of old messages are not answers
    application.add_handler(CommandHandler("start", handlers.on_start, filters=fresh))
    application.add_handler(CommandHandler(["help", "aide"], handlers.on_help, filters=fresh))
    application.add_handler(CommandHandler(["back", "retour"], handlers.on_back, filters=fresh))
    application.add_handler(CommandHandler(["skip", "passer"], handlers.on_skip, filters=fresh))
    application.add_handler(
        CommandHandler(["restart", "recommencer"], handlers.on_restart, filters=fresh)
    )
    application.add_handler(
        CommandHandler(["language", "langue"], handlers.on_language, filters=fresh)
    )
    application.add_handler(CommandHandler("stats", organiser.on_stats, filters=fresh & private))
    application.add_handler(CommandHandler("links", organiser.on_links, filters=fresh & private))
    application.add_handler(CommandHandler("qr", organiser.on_qr, filters=fresh & private))
    application.add_handler(CommandHandler("export", organiser.on_export, filters=fresh & private))
    application.add_handler(
        CommandHandler(["mydata", "mes_donnees"], privacy.on_mydata, filters=fresh)
    )
    application.add_handler(
        CommandHandler(["delete", "supprimer"], privacy.on_delete, filters=fresh)
    )
    application.add_handler(CallbackQueryHandler(privacy.on_erase_button, pattern=r"^z\|"))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(
        MessageHandler(fresh & private & filters.COMMAND, handlers.on_unknown_command)
    )
    application.add_handler(MessageHandler(fresh & private & filters.TEXT, handlers.on_text))
    application.add_handler(MessageHandler(fresh & private, handlers.on_other_message))
    application.add_handler(ChatMemberHandler(on_member_change, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)


async def _register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    try:
        for lang, commands in COMMANDS.items():
            menu = [BotCommand(name, text) for name, text in commands]
            await application.bot.set_my_commands(
                menu, scope=BotCommandScopeAllPrivateChats(), language_code=lang
            )
        default = [BotCommand(name, text) for name, text in COMMANDS["fr"]]
        await application.bot.set_my_commands(default, scope=BotCommandScopeAllPrivateChats())
    except (NetworkError, TimedOut) as error:
        # The menu is a comfort; the bot works without it.
        log.warning("could not register the command menu: %s", error)


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with the traceback, tell the user something short and kind."""
    error = context.error
    if isinstance(error, Forbidden):
        await _mark_blocked(update, context)
        return
    if isinstance(error, RetryAfter | TimedOut | NetworkError):
        log.warning("Telegram could not be reached for an update: %s", error)
        return
    log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        flow = context.services.flow
        lang = flow.language if flow else "fr"
        if update.effective_user is not None and flow is not None:
            lang = handlers._language_for(flow, update.effective_user.language_code)
        with contextlib.suppress(Exception):
            if update.callback_query is not None:
                await update.callback_query.answer()
            await context.bot.send_message(update.effective_chat.id, ui("tg_error", lang))


async def on_member_change(update: Update, context: BotContext) -> None:
    """A respondent blocked (or unblocked) the bot in their private chat."""
    change = update.my_chat_member
    store = context.services.store
    if change is None or store is None or change.chat.type != ChatType.PRIVATE:
        return
    respondent = await store.get_respondent(handlers.CHANNEL, str(change.from_user.id))
    if respondent is None:
        return
    blocked = change.new_chat_member.status == ChatMemberStatus.BANNED
    await store.set_blocked(respondent.id, blocked=blocked, now=context.services.clock())


async def _mark_blocked(update: object, context: BotContext) -> None:
    store = context.services.store
    if not isinstance(update, Update) or update.effective_user is None or store is None:
        return
    respondent = await store.get_respondent(handlers.CHANNEL, str(update.effective_user.id))
    if respondent is not None:
        await store.set_blocked(respondent.id, blocked=True, now=context.services.clock())
    log.info("a respondent has blocked the bot; marked, no more messages to them")


# --- running -------------------------------------------------------------------------


async def run_polling(application: BotApplication, db_path: Path) -> None:
    """Run until SIGINT/SIGTERM: initialise, start, poll, then shut down cleanly."""
    poller = Poller(application)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, poller.stop)
    async with running(application, db_path):
        me = application.bot.username
        log.info("surveybot is running as @%s (long polling); Ctrl+C to stop", me)
        await poller.run()


def describe_start_error(error: BaseException) -> str | None:
    """A one-line explanation for the errors a person starting the bot can fix."""
    if isinstance(error, InvalidToken):
        return "Telegram refused the token: check SURVEYBOT_TOKEN (copy it again from @BotFather)."
    if isinstance(error, NetworkError):
        return f"cannot reach the Bot API ({error}); check SURVEYBOT_API_URL and the network."
    return None
