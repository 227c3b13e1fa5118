"""What `run` and `serve` share to run the Telegram bot: its options, secrets and policy.

It imports only `bot.cli.common` (and the secrets' `bot.cli.credentials`) at load time;
the bot itself comes in when a command runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

from bot.cli.common import fail
from bot.cli.credentials import warn_secret_flag

if TYPE_CHECKING:
    from bot.settings import BotSettings, TelegramSettings, UpkeepSettings
    from bot.telegram import BotApplication
    from conversation import Policy
    from flows import Catalogue, StageDef

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


TELEGRAM_OPTIONS: Final = (
    # The old flags: they work, with a warning (they show in the list of processes).
    click.option("--token", hidden=True, callback=warn_secret_flag),
    click.option("--webhook-secret", hidden=True, callback=warn_secret_flag),
    click.option(
        "--token-file",
        metavar="FILE",
        help="A file holding the bot token (SURVEYBOT_TOKEN_FILE); or set SURVEYBOT_TOKEN.",
    ),
    click.option(
        "--webhook-secret-file",
        metavar="FILE",
        help="A file holding the webhook secret (SURVEYBOT_WEBHOOK_SECRET_FILE); "
        "none: one is made up at each start.",
    ),
    click.option(
        "--api-url", metavar="URL", help="Bot API base URL, token appended (SURVEYBOT_API_URL)."
    ),
    click.option(
        "--admins",
        metavar="IDS",
        help="Organiser Telegram user ids, comma-separated (SURVEYBOT_ADMINS).",
    ),
    click.option(
        "--reminder-hours",
        type=float,
        metavar="HOURS",
        help="Remind an idle respondent once after this many hours; 0 = never "
        "(SURVEYBOT_REMINDER_HOURS, default 24).",
    ),
    click.option(
        "--abandon-after-days",
        type=float,
        metavar="DAYS",
        help="Close unfinished responses untouched this long (SURVEYBOT_ABANDON_AFTER_DAYS, "
        "default 14; 0 = never).",
    ),
    click.option(
        "--retention-days",
        metavar="DAYS|keep",
        help="Delete responses older than this, daily (SURVEYBOT_RETENTION_DAYS; "
        "keep: never, said on purpose; unset: never, with a warning).",
    ),
    click.option(
        "--timezone",
        metavar="ZONE",
        help="The respondents' time zone, like Europe/Paris, for quiet hours (SURVEYBOT_TIMEZONE).",
    ),
    click.option(
        "--closed",
        is_flag=True,
        default=None,
        help="The questionnaire is closed (the tour is over): respondents are told so, nothing "
        "they send is stored but /mydata and /delete, no reminders (SURVEYBOT_CLOSED).",
    ),
)
SERVER_OPTIONS: Final = (
    click.option(
        "--listen",
        metavar="ADDRESS",
        help="Address the server listens on, behind your TLS reverse proxy "
        "(SURVEYBOT_LISTEN; default 127.0.0.1).",
    ),
    click.option(
        "--port",
        type=int,
        metavar="PORT",
        help="Port the server listens on (SURVEYBOT_PORT; default 8000).",
    ),
)


def telegram_options(function: F) -> F:
    """The bot's options: API, organisers, reminders, retention, time zone, closed."""
    for option in reversed(TELEGRAM_OPTIONS):
        function = option(function)
    return function


def server_options(function: F) -> F:
    """--listen and --port, for the web server (the web chat, a webhook)."""
    for option in reversed(SERVER_OPTIONS):
        function = option(function)
    return function


def require_webhook_url(settings: TelegramSettings, *, beside_web_chat: bool = False) -> str:
    """The public webhook URL: https, or a rehearsal on this machine; `beside_web_chat`
    (`serve --telegram-webhook`), at a path of its own, none of the web chat's."""
    url = settings.webhook_url
    if url is None:
        fail("no webhook URL: set SURVEYBOT_WEBHOOK_URL (or --webhook-url) to the public https URL")
    if not url.startswith("https://") and "127.0.0.1" not in url:
        fail(
            f"the webhook URL (SURVEYBOT_WEBHOOK_URL or --webhook-url) must start with "
            f"https:// (Telegram only calls https webhooks), not {url!r}"
        )
    if beside_web_chat:
        _refuse_web_chat_path(url)
    return url


WEB_CHAT_PATHS: Final = re.compile(
    r"/|/chat|/mydata\.json|/handover|/health|/static(/.*)?|/[sr]/[^/]+"
)
"""The paths the web chat answers (`bot.web.app.create_app`'s routes, /health the balancer's):
a webhook at one of them is never reached, the web chat's route coming first. A test walks
the application's routes, so one added there and not here is caught."""


def _refuse_web_chat_path(url: str) -> None:
    """Exit when Telegram's posts to `url` would reach a page of the web chat, not the bot:
    `serve --telegram-webhook` started, and the bot got nothing (the web chat answered 303)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    path = unquote(parts.path) or "/"  # as the server sees it: /%63hat is /chat
    if WEB_CHAT_PATHS.fullmatch(path):
        host = parts.netloc.rsplit("@", 1)[-1]  # never a user:password written in it
        fail(
            f"the webhook URL (SURVEYBOT_WEBHOOK_URL or --webhook-url) has the path {path}, "
            "which the web chat answers: Telegram's updates would reach the web chat, never "
            f"the bot; give it a path of its own, like {parts.scheme}://{host}/telegram"
        )


def policy_of(settings: UpkeepSettings) -> Policy:
    """Reminders, abandonment and retention as the settings ask (0 or unset: never), and
    whether the questionnaire is closed."""
    from conversation import Policy

    def hours(value: float | None) -> dt.timedelta | None:
        return dt.timedelta(hours=value) if value else None

    remind, abandon = hours(settings.reminder_hours), hours(settings.abandon_after_days * 24)
    if remind is not None and abandon is not None and abandon <= remind:
        click.echo(
            f"warning: SURVEYBOT_ABANDON_AFTER_DAYS={settings.abandon_after_days:g} closes an "
            f"unfinished response before SURVEYBOT_REMINDER_HOURS={settings.reminder_hours:g} "
            "would remind its respondent: no one will be reminded (make the first longer, or "
            "set SURVEYBOT_REMINDER_HOURS=0 to say so)",
            err=True,
        )
    if settings.retention_days is None:
        click.echo(
            "warning: SURVEYBOT_RETENTION_DAYS is not set: responses are kept until someone "
            "deletes them; set it to the days your privacy notice promises (730 for the "
            "bundled notice's 24 months), or to keep to say so",
            err=True,
        )
    return Policy(
        reminder_after=remind,
        abandon_after=abandon,
        retention=_retention(settings.retention_days),
        timezone=settings.timezone,
        closed=settings.closed,
    )


def _retention(days: int | None) -> dt.timedelta | None:
    """The retention period; None (nothing deleted, no daily purge) unset, or `keep`, which
    the settings read as a century (`MAX_DAYS`): no response is ever that old."""
    from bot.settings import MAX_DAYS

    return None if days is None or days >= MAX_DAYS else dt.timedelta(days=days)


def build_bot(
    settings: BotSettings, token: str, flows: Catalogue, stages: list[StageDef], *, verbose: bool
) -> BotApplication:
    """The Telegram application as the settings describe it, with logging that hides the token."""
    from bot.logs import configure_logging
    from bot.telegram import build_application

    configure_logging(token, level=logging.DEBUG if verbose else logging.INFO)
    return build_application(
        token=token,
        flow=flows,
        stages=stages,
        api_url=settings.api_url,
        admins=settings.admins,
        policy=policy_of(settings),
        public_url=settings.public_url,
    )


def run_service(main_task: Coroutine[Any, Any, None], *, token: str | None = None) -> None:
    """Run `surveybot run` or `serve` to its end. What the person starting it can fix (the
    database, the token, the network, the port) is one line, with the token hidden."""
    import asyncio

    from bot.telegram import describe_start_error
    from storage import StorageError

    start = _Start()
    try:
        asyncio.run(start.cancelled_by_signals(main_task))
    except (asyncio.CancelledError, KeyboardInterrupt):
        # Elsewhere than POSIX, Ctrl+C comes as KeyboardInterrupt, while serving too.
        said = "before it had started: nothing was served" if start.cancelled else "(Ctrl+C)"
        click.echo(f"surveybot stopped {said}.", err=True)
    except StorageError as error:
        fail(str(error))
    except Exception as error:
        explained = describe_start_error(error)
        if explained is None:
            raise
        fail(explained if token is None else explained.replace(token, "<token>"))


class _Start:
    """SIGINT and SIGTERM while a service starts: they cancel the start, once."""

    def __init__(self) -> None:
        self.cancelled = False

    async def cancelled_by_signals(self, main_task: Coroutine[Any, Any, None]) -> None:
        """`main_task`, which SIGINT or SIGTERM cancel until it takes them over itself.

        The server (or the poller) catches them once it runs, to stop cleanly. Before,
        a service manager stopping a service just started (or a person's Ctrl+C while
        Telegram does not answer) would kill it outright or wait for the start to end:
        the start is cancelled instead, unwinding as any error would (the store closed).
        A second signal is ignored: cancelling again would cut that unwinding short.
        """
        import asyncio
        import contextlib
        import signal

        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def cancel_once() -> None:
            if not self.cancelled:
                self.cancelled = True
                task.cancel()

        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(signum, cancel_once)
        try:
            await main_task
        finally:
            # Closing the loop would give the signals their default back, which kills:
            # one more signal while the process ends must not turn a clean stop into -15.
            for signum in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):
                    loop.remove_signal_handler(signum)
                    signal.signal(signum, signal.SIG_IGN)
