"""Building and running the Telegram application.

Handlers are routed by python-telegram-bot's filters (private chats, organisers'
user ids); every text is HTML through `Defaults`; reminders and upkeep run on
the `JobQueue`. The store is opened and the conversation service built in
`running`; updates come from our at-least-once `Poller` (or, as an option, a
webhook); one respondent's updates run in order through `PerRespondentProcessor`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.telegram import handlers, jobs, organiser, organiser_export
from bot.telegram.chat_menus import ChatMenus
from bot.telegram.context import BotApplication, BotContext, Services
from bot.telegram.fairness import FairRateLimiter
from bot.telegram.flood import app_language
from bot.telegram.handlers import Handler, on_command, person_of
from bot.telegram.menus import MenusLater, register_menus
from bot.telegram.poller import Poller, SetAside
from bot.telegram.processor import PerRespondentProcessor
from bot.telegram.words import tg
from conversation import (
    COMMAND_WORDS,
    CommandName,
    Conversation,
    Housekeeping,
    Person,
    Policy,
)
from flows import Catalogue, Flow, StageDef
from storage import (
    StorageError,
    SurveyStore,
    Unavailable,
    describe_target,
    is_postgres_url,
    open_store,
)

log = logging.getLogger(__name__)

POLLING = "polling"
"""The lease a long-polling instance holds for its whole life (on PostgreSQL, across instances)."""
ON_FILE = "telegram"
"""On a SQLite file, the lease of the one process taking Telegram's updates, however it does."""


def build_application(
    *,
    token: str,
    flow: Flow | Catalogue,
    stages: list[StageDef],
    api_url: str = "https://api.telegram.org/bot",
    admins: frozenset[int] = frozenset(),
    policy: Policy | None = None,
    public_url: str | None = None,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> BotApplication:
    """The whole bot: handlers, ordering, rate limiting, start-up and shutdown work."""
    context_types = ContextTypes(context=BotContext, bot_data=Services)
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token)
        .base_url(api_url)
        .base_file_url(_file_url(api_url))
        .defaults(defaults)
        .context_types(context_types)
        .concurrent_updates(processor := PerRespondentProcessor())
        .updater(None)
    )
    if rate_limit:
        builder = builder.rate_limiter(FairRateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: BotApplication = builder.build()
    services = application.bot_data
    services.flows, services.stages, services.admins = Catalogue.of(flow), stages, admins
    services.policy = policy or Policy()
    services.public_url = public_url
    processor.language = partial(_language_kept, services)
    add_handlers(application, admins)
    return application


async def _language_kept(services: Services, update: Update) -> str:
    """The language a person chose, for what is said outside a turn (the flood notice)."""
    person = person_of(update)
    conversation = services.conversation_
    if person is None or conversation is None:
        return await app_language(update)
    return await conversation.language_kept(person)


@contextlib.asynccontextmanager
async def running(
    application: BotApplication, database: Path | str, *, polling: bool = False
) -> AsyncIterator[SurveyStore]:
    """Open the store, build the conversation, start the application; undo it all on the way out.

    python-telegram-bot only calls `post_init` from its own `run_polling`; we poll
    ourselves, so start-up and shutdown work is done here, in the same order.
    With `polling`, the polling lease is taken first: Telegram hands updates to
    one `getUpdates` consumer, so a second poller on the same database refuses
    to start (a StorageError that says so) rather than fight the first one. On
    a SQLite file any second process taking Telegram's updates refuses: a
    webhook registered by one would stop the other's polling, and several
    instances are PostgreSQL's.
    """
    services = application.bot_data
    assert services.flows is not None
    async with application:
        store = await open_store(database)
        try:
            lease = POLLING if polling else None
            if not is_postgres_url(str(database)):
                lease = ON_FILE
            if lease is not None and not await store.take_lease(lease):
                raise StorageError(_already_taken(database))
        except BaseException:
            await store.close()
            raise
        services.database = database
        conversation = Conversation(
            store,
            services.flows,
            services.stages,
            clock=services.clock,
            timezone=services.policy.timezone,  # the days said to respondents are theirs
            closed=services.policy.closed,  # the tour is over: conversation/closing.py
        )
        services.conversation_ = conversation
        # Polling, the Poller prunes the inbox (after its first fetch); otherwise a job does.
        services.housekeeping_ = Housekeeping(
            store, services.flows, services.policy, prunes_inbox=not polling
        )
        try:
            await conversation.sync_with_files()
            waiting = await register_menus(
                application.bot,
                services.admins,
                ORGANISERS,
                services.stages,
                conversation.catalogue,
            )
            if services.menus_later is not None:
                services.menus_later.wait_for(waiting)
            await application.start()
            # Once the job queue runs: a job due before it starts is "missed" after a second
            # (APScheduler's grace) and would wait for its next round.
            jobs.schedule(application)
            if not polling:
                _schedule_inbox_pruning(application)
            try:
                yield store
            finally:
                await application.stop()
        finally:
            services.conversation_ = services.housekeeping_ = None
            services.database = None
            await store.close()


INBOX_PRUNED_EVERY = dt.timedelta(minutes=1)
"""How often a bot not polling (a webhook) prunes the inbox a poller left (`KEEP_DONE` old)."""


def _schedule_inbox_pruning(application: BotApplication) -> None:
    """Prune the inbox at start and every `INBOX_PRUNED_EVERY`, as a poller would."""
    job_queue = application.job_queue
    assert job_queue is not None  # jobs.schedule has said so otherwise
    job_queue.run_repeating(_prune_inbox, interval=INBOX_PRUNED_EVERY, first=1, name="inbox")


async def _prune_inbox(context: BotContext) -> None:
    services = context.bot_data
    await services.housekeeping.prune_inbox(services.clock())


def _already_taken(database: Path | str) -> str:
    if not is_postgres_url(str(database)):
        return (
            f"another surveybot is already taking Telegram's updates with the database "
            f"{database}: a SQLite file serves one bot process. Stop that one first"
        )
    return (
        f"another surveybot is already polling Telegram with the database "
        f"{describe_target(str(database))}: Telegram hands updates to one poller only. Stop "
        "that one first, or run several instances with webhooks (surveybot run "
        "--webhook-url, or serve --telegram-webhook)"
    )


def _file_url(api_url: str) -> str:
    # "https://api.telegram.org/bot" -> "https://api.telegram.org/file/bot"
    if api_url.endswith("/bot"):
        return api_url[: -len("/bot")] + "/file/bot"
    return api_url


ORGANISER_HANDLERS: dict[str, Handler] = {
    "stats": organiser.on_stats,
    "links": organiser.on_links,
    "qr": organiser.on_qr,
    "export": organiser_export.on_export,
}
"""The commands only organisers reach (in their /help's order): their menu lists these."""
ORGANISERS = list(ORGANISER_HANDLERS)


def add_handlers(application: BotApplication, admins: frozenset[int]) -> None:
    """Route updates: private chats to the conversation, organisers' commands to organisers."""
    fresh = filters.UpdateType.MESSAGE  # edits of old messages are not answers
    private = fresh & filters.ChatType.PRIVATE
    # Anyone else gets what an unknown command gets: the commands do not show they exist.
    organisers = private & filters.User(user_id=admins)
    add = application.add_handler
    add(
        CommandHandler(
            ["start", "help", "aide"],
            handlers.on_group,
            filters=fresh & filters.ChatType.GROUPS,
        )
    )
    add(CommandHandler("start", handlers.on_start, filters=private))
    # Before the respondents' /help: an organiser's lists the organiser commands too.
    help_words = list(COMMAND_WORDS[CommandName.HELP])
    add(CommandHandler(help_words, organiser.on_help, filters=organisers))
    for name, words in COMMAND_WORDS.items():
        add(CommandHandler(list(words), on_command(name), filters=private))
    for command, handler in ORGANISER_HANDLERS.items():
        add(CommandHandler(command, handler, filters=organisers))
    add(CallbackQueryHandler(handlers.on_button))
    add(MessageHandler(private & filters.COMMAND, on_command(CommandName.UNKNOWN)))
    add(MessageHandler(private & filters.TEXT, handlers.on_text))
    add(MessageHandler(private, handlers.on_other_message))
    edited = filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE
    add(MessageHandler(edited, handlers.on_edited))
    add(ChatMemberHandler(on_member_change, ChatMemberHandler.MY_CHAT_MEMBER))
    application.bot_data.chat_menus = ChatMenus(ORGANISERS)
    if admins:
        # An organiser Telegram did not know at start-up gets their menu as they first write.
        services = application.bot_data
        later = services.menus_later = MenusLater(ORGANISERS, services.stages)
        add(later.handler(private), group=-1)
    application.add_error_handler(on_error)


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with the traceback, tell the user something short and kind.

    The database unavailable is not a fault to apologise for: the update is
    not handled (the webhook answers 503, the poller applies it again once the
    database answers), one line is logged, and the person is told nothing. Told
    to try again, they would type their answer again, and it would answer the
    next question once the first is applied.
    """
    error = context.error
    person = person_of(update) if isinstance(update, Update) else None
    if isinstance(update, Update) and database_unavailable(error):
        processor = context.application.update_processor
        news = True
        if isinstance(processor, PerRespondentProcessor):
            news = not processor.tried_again(update)
            processor.not_handled(update)
        log.log(
            logging.WARNING if news else logging.DEBUG,
            "the database is unavailable: update %d not applied, to be delivered again (%s)",
            update.update_id,
            error,
        )
        return
    if isinstance(error, Forbidden):
        if person is not None:
            await context.services.conversation.set_blocked(person, blocked=True)
        log.info("a respondent has blocked the bot; marked, no more messages to them")
        return
    # BadRequest before NetworkError: it is one in python-telegram-bot's tree, but Telegram
    # was reached and refused what we sent (a keyboard too big, bad HTML): a fault of ours.
    refused = isinstance(error, BadRequest)
    if isinstance(error, NetworkError) and not refused:
        # Telegram unreachable or slow (TimedOut is a network error too).
        log.warning("Telegram could not be reached for an update: %s", error)
        return
    if isinstance(error, RetryAfter):
        # Flood control still refusing after the rate limiter's retries: not a fault of the
        # code, and an apology would meet the same refusal. The respondent's next message
        # shows them where they are.
        log.warning("Telegram's flood control held back a reply: %s", error)
        return
    if isinstance(error, SetAside) and isinstance(update, Update):
        # Not raised by a handler: the poller gave up on an update that stopped the bot.
        log.error("%s", error)
        await _say_sorry(update, context, person, "tg_error")
        return
    if not isinstance(update, Update):
        # A job (reminders, upkeep): logged; the next round tries again. The database out
        # of reach is one line a round, not a traceback a minute for the whole outage.
        if database_unavailable(error):
            log.warning("scheduled work waits for the database: %s", error)
        else:
            log.error("error in scheduled work", exc_info=error)
        return
    if refused:
        log.error("Telegram refused a request while handling an update: %s", error, exc_info=error)
    else:
        log.error("error while handling an update", exc_info=error)
    await _say_sorry(update, context, person, "tg_refused" if refused else "tg_error")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` is the database out of reach for a while (down, locked by another
    process, full: `storage.Unavailable`), which a later try may get past: not a fault of
    the update nor of the code."""
    return isinstance(error, Unavailable)


async def _say_sorry(update: Update, context: BotContext, person: Person | None, key: str) -> None:
    """A short plain text, without buttons: whatever was refused is not sent again."""
    if update.effective_chat is None:
        return
    conversation = context.services.conversation_
    lang = await conversation.language_kept(person) if conversation and person else "fr"
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    try:
        await context.bot.send_message(update.effective_chat.id, tg(key, lang), parse_mode=None)
    except TelegramError as error:
        log.warning("could not tell the person about the error either: %s", error)


async def on_member_change(update: Update, context: BotContext) -> None:
    """A respondent blocked (or unblocked) the bot in their private chat."""
    change = update.my_chat_member
    person = person_of(update)
    if change is None or person is None or change.chat.type != ChatType.PRIVATE:
        return
    blocked = change.new_chat_member.status == ChatMemberStatus.BANNED
    await context.services.conversation.set_blocked(person, blocked=blocked)


# --- running -------------------------------------------------------------------------


async def run_polling(application: BotApplication, database: Path | str) -> None:
    """Run until SIGINT/SIGTERM: initialise, start, poll, then shut down cleanly.

    The signals are the poller's once it polls; before, they cancel the start
    (`surveybot run`'s caller sees to it), which may wait on Telegram for long.
    """
    poller = Poller(application)

    def polling() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, poller.stop)
        me = application.bot.username
        log.info("surveybot is running as @%s (long polling); Ctrl+C to stop", me)

    async with running(application, database, polling=True):
        await poller.run(started=polling)


class WebhookRefused(Exception):
    """Telegram answered setWebhook with a refusal: it was reached, the address is at fault."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"Telegram refused the webhook address {url}: {reason}; check SURVEYBOT_WEBHOOK_URL "
            "(or --webhook-url): Telegram calls it from the internet, so it must be an https "
            "address whose name resolves publicly, on port 443, 80, 88 or 8443, reaching this "
            "server through your reverse proxy."
        )


def describe_start_error(error: BaseException) -> str | None:
    """A one-line explanation for the errors a person running the bot can fix.

    Telegram reached but refusing (BadRequest is a NetworkError in
    python-telegram-bot's tree) is not called unreachable: the fault is then a
    setting, not the network.
    """
    if isinstance(error, OSError) and str(error).startswith("cannot listen on"):
        return str(error)
    if isinstance(error, WebhookRefused):
        return str(error)
    if isinstance(error, InvalidToken):
        return (
            "Telegram refused the token: check SURVEYBOT_TOKEN or the token file (copy it "
            "again from @BotFather)."
        )
    if isinstance(error, Conflict):
        # The poller stops on it (bot/telegram/poller.py): two consumers would split updates.
        return (
            f"another program is taking this bot's updates with the same token (Telegram: "
            f"{error}): a surveybot on another machine, a laptop left running, or a webhook "
            "set elsewhere by surveybot serve --telegram-webhook or run --webhook-url. Stop "
            "it (for a webhook: run it no more, and this bot removes the webhook at start), or "
            "give each bot a token of its own from @BotFather."
        )
    if isinstance(error, (BadRequest, Forbidden)):
        return (
            f"the Bot API was reached but refused a request ({error}); check SURVEYBOT_API_URL "
            "(a Bot API server, the address ending in /bot) and SURVEYBOT_TOKEN."
        )
    if isinstance(error, NetworkError):
        return f"cannot reach the Bot API ({error}); check SURVEYBOT_API_URL and the network."
    return None
