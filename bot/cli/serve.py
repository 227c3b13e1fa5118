"""`surveybot serve`: the web chat for respondents without Telegram, and Telegram's webhook too.

One process, one port, behind one TLS reverse proxy: the respondents' pages
and, with --telegram-webhook, the updates Telegram posts, both talking to the
same conversation and database.
"""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Final

import click

from bot.cli.common import fail
from bot.cli.credentials import require_token, webhook_secret
from bot.cli.loading import (
    load_flow_and_stages,
    load_settings,
    refuse_public_url_too_long,
    warn_of_template_notices,
)
from bot.cli.options import CONTEXT, data_options
from bot.cli.telegram import (
    build_bot,
    policy_of,
    require_webhook_url,
    run_service,
    server_options,
    telegram_options,
)

if TYPE_CHECKING:
    from bot.settings import ListenSettings, WebSettings

log = logging.getLogger(__name__)


@click.command(context_settings=CONTEXT)
@data_options()
@server_options
@click.option(
    "--bot-username",
    metavar="NAME",
    help="The bot's username, for the landing pages' \"Open in Telegram\" "
    "(SURVEYBOT_BOT_USERNAME; found by itself with --telegram-webhook).",
)
@click.option(
    "--telegram-webhook",
    is_flag=True,
    help="Also receive Telegram's updates, at SURVEYBOT_WEBHOOK_URL, in this process.",
)
@click.option(
    "--webhook-url",
    metavar="URL",
    help="The public https URL Telegram posts to, with --telegram-webhook (SURVEYBOT_WEBHOOK_URL).",
)
@telegram_options
@click.option(
    "-v", "--verbose", is_flag=True, help="Log more (debug level), but not names nor answers."
)
def serve(telegram_webhook: bool, verbose: bool, **flags: object) -> None:
    """Serve the web chat: the questionnaire in a phone's browser, at /s/<stage>.

    Each workshop has a landing page at /s/<code> ("answer here", or "open in
    Telegram"); the answers go to the same database as the bot's, tagged with
    the workshop and the web channel. Put it behind a TLS reverse proxy (nginx,
    Caddy) for respondents. Forms are signed with SURVEYBOT_WEB_SECRET, made up
    at start when not set (set it when several servers share the database).

    Example: surveybot serve --port 8000   (then open http://127.0.0.1:8000/s/pithiviers)
    """
    if telegram_webhook:
        main_task, token = _web_and_bot(flags, verbose)
        run_service(main_task, token=token)
    else:
        run_service(_web_alone(flags, verbose))


def _web_alone(flags: dict[str, object], verbose: bool) -> Coroutine[Any, Any, None]:
    """The web chat on its own: the Telegram settings are neither read nor checked."""
    from bot.logs import configure_logging
    from bot.settings import WebSettings

    settings = load_settings(WebSettings, **_without_telegram(flags))
    refuse_empty_web_secret(settings)
    warn_of_short_web_secret(settings)
    flows, stages = load_flow_and_stages(settings)
    refuse_public_url_too_long(settings.public_url, flows, stages)
    warn_of_template_notices(flows)
    configure_logging("", level=logging.DEBUG if verbose else logging.INFO)
    from bot.web.serving import serve_web  # the web application, once the settings are right

    return serve_web(
        settings.db,
        flows,
        stages,
        _bound(settings),
        secret=web_secret(settings),
        bot_username=settings.bot_username,
        policy=policy_of(settings),
        public_url=settings.public_url,
    )


def _web_and_bot(flags: dict[str, object], verbose: bool) -> tuple[Coroutine[Any, Any, None], str]:
    """The web chat and Telegram's webhook in one process, and the token to hide."""
    from bot.settings import WebAndBotSettings

    settings = load_settings(WebAndBotSettings, **flags)
    refuse_empty_web_secret(settings)
    warn_of_short_web_secret(settings)
    flows, stages = load_flow_and_stages(settings)
    refuse_public_url_too_long(settings.public_url, flows, stages)
    warn_of_template_notices(flows)
    token = require_token(settings)
    url = require_webhook_url(settings, beside_web_chat=True)
    application = build_bot(settings, token, flows, stages, verbose=verbose)  # logs set up
    hook_secret = webhook_secret(settings)  # checked (or made up) before anything starts
    from bot.web.serving import serve_web_and_telegram

    main_task = serve_web_and_telegram(
        application,
        settings.db,
        _bound(settings),
        url=url,
        webhook_secret=hook_secret,
        secret=web_secret(settings),
        bot_username=settings.bot_username,
        public_url=settings.public_url,
    )
    return main_task, token


def _without_telegram(flags: dict[str, object]) -> dict[str, object]:
    """The flags but the Telegram ones, which only --telegram-webhook uses: said when given."""
    from bot.settings import TelegramSettings

    kept: dict[str, object] = {}
    for name, value in flags.items():
        if name not in TelegramSettings.model_fields:
            kept[name] = value
        elif value is not None:
            flag = "--" + name.replace("_", "-")
            click.echo(f"warning: {flag} is only used with --telegram-webhook; ignored", err=True)
    return kept


def _bound(settings: ListenSettings) -> socket.socket:
    """The listening socket, or a clear message (the port is taken, say) and exit 1."""
    from bot.http import bind

    try:
        return bind(settings.listen, settings.port)
    except OSError as error:
        fail(str(error))


def refuse_empty_web_secret(settings: WebSettings) -> None:
    """Exit when SURVEYBOT_WEB_SECRET is set but empty, as an empty webhook secret does.

    Made up instead, a blank line in one server's .env would sign its forms with
    a key of its own, and the other servers on the database would refuse them
    with no word why. Said first, before anything else is checked or started.
    """
    if settings.web_secret is not None and not settings.web_secret.get_secret_value().strip():
        fail(
            "SURVEYBOT_WEB_SECRET is set but empty: give it a long random value (such as the "
            "output of `openssl rand -hex 32`), the same on every server sharing the database, "
            "or unset it to have one made up at each start (one server only)"
        )


def web_secret(settings: WebSettings) -> bytes:
    """The key that signs the web chat's forms; one made up when none is set."""
    refuse_empty_web_secret(settings)
    if settings.web_secret is None:
        if settings.on_postgres:
            # Several servers are possible: a form one signed is refused by the others.
            log.warning(
                "no SURVEYBOT_WEB_SECRET: using one made up for this run, on a PostgreSQL "
                "database several servers may share; every other server refuses the forms "
                "this one signs, and a respondent whose answer reaches another server gets "
                "their page back unsaved: set the same SURVEYBOT_WEB_SECRET on every server "
                "(such as the output of `openssl rand -hex 32`)"
            )
        else:
            log.info(
                "no SURVEYBOT_WEB_SECRET: using one made up for this run (pages opened before "
                "a restart are refreshed once; set one when several servers share the database)"
            )
        return secrets.token_bytes(32)
    return settings.web_secret.get_secret_value().strip().encode("utf-8")


def warn_of_short_web_secret(settings: WebSettings) -> None:
    """Warn at start when SURVEYBOT_WEB_SECRET is short: it signs every form of the web chat,
    and `abc` was taken without a word. Warned, not refused: servers already running with
    a short one keep starting."""
    given = settings.web_secret.get_secret_value().strip() if settings.web_secret else ""
    if 0 < len(given) < MIN_WEB_SECRET:
        click.echo(
            f"warning: SURVEYBOT_WEB_SECRET is {len(given)} characters long: a short key "
            "can be guessed, and whoever guesses it can forge the web chat's forms; give it "
            f"at least {MIN_WEB_SECRET} random characters, such as the output of "
            "`openssl rand -hex 32` (the same on every server sharing the database)",
            err=True,
        )


MIN_WEB_SECRET: Final = 32
"""The fewest characters of a web secret not warned of: 16 random bytes written in hex."""
