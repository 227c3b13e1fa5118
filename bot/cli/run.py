"""`surveybot run`: the Telegram bot, by long polling or behind a webhook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    CONTEXT,
    data_options,
    fail,
    load_flow_and_stages,
    load_settings,
)

if TYPE_CHECKING:
    from bot.settings import Settings
    from conversation import Policy


def _no_secret_on_the_command_line(
    ctx: click.Context, param: click.Parameter, value: object
) -> None:
    """The old --token and --webhook-secret flags: say where the secret goes instead."""
    if value is not None:
        variable = {"token": "SURVEYBOT_TOKEN"}.get(param.name or "", "SURVEYBOT_WEBHOOK_SECRET")
        raise click.UsageError(
            f"{param.opts[0]} is not taken from the command line, where anyone on the machine "
            f"can read it in the list of processes; set {variable} in the environment or in "
            "a .env file",
            ctx,
        )


@click.command(context_settings=CONTEXT)
@data_options
@click.option("--token", hidden=True, expose_value=False, callback=_no_secret_on_the_command_line)
@click.option(
    "--webhook-secret", hidden=True, expose_value=False, callback=_no_secret_on_the_command_line
)
@click.option("--api-url", help="Bot API base URL, token appended (SURVEYBOT_API_URL).")
@click.option("--admins", help="Organiser Telegram user ids, comma-separated (SURVEYBOT_ADMINS).")
@click.option(
    "--webhook-url",
    metavar="URL",
    help="Receive updates by webhook at this public https URL instead of long polling "
    "(SURVEYBOT_WEBHOOK_URL).",
)
@click.option(
    "--listen",
    help="Address the webhook server listens on, behind your TLS reverse proxy "
    "(SURVEYBOT_LISTEN; default 127.0.0.1).",
)
@click.option(
    "--port",
    type=int,
    help="Port of the webhook server (SURVEYBOT_PORT; default 8080).",
)
@click.option(
    "--reminder-hours",
    type=float,
    help="Remind an idle respondent once after this many hours; 0 = never "
    "(SURVEYBOT_REMINDER_HOURS, default 24).",
)
@click.option(
    "--abandon-after-days",
    type=float,
    help="Close unfinished responses untouched this long (SURVEYBOT_ABANDON_AFTER_DAYS, "
    "default 14; 0 = never).",
)
@click.option(
    "--retention-days",
    type=int,
    help="Delete responses older than this, daily (SURVEYBOT_RETENTION_DAYS; default: keep).",
)
@click.option("--timezone", help="Respondents' time zone for quiet hours (SURVEYBOT_TIMEZONE).")
@click.option("-v", "--verbose", is_flag=True, help="Log every update (debug level).")
def run(
    db: Path | None,
    flow: Path | None,
    stages: Path | None,
    api_url: str | None,
    admins: str | None,
    webhook_url: str | None,
    listen: str | None,
    port: int | None,
    reminder_hours: float | None,
    abandon_after_days: float | None,
    retention_days: int | None,
    timezone: str | None,
    verbose: bool,
) -> None:
    """Run the Telegram bot (long polling, or a webhook with --webhook-url).

    The token comes from SURVEYBOT_TOKEN (the environment or a .env file), never
    from a flag, so it does not show in the list of processes; so does the
    webhook secret, SURVEYBOT_WEBHOOK_SECRET, made up at start when not set.
    Updates sent while the bot was down are kept and handled at start; an update
    is confirmed to Telegram only once it is handled and committed.

    Example: surveybot run --admins 123456789   (with SURVEYBOT_TOKEN=... in .env)
    """
    import asyncio
    import logging

    settings = load_settings(
        db=db,
        flow=flow,
        stages=stages,
        api_url=api_url,
        admins=admins,
        webhook_url=webhook_url,
        listen=listen,
        port=port,
        reminder_hours=reminder_hours,
        abandon_after_days=abandon_after_days,
        retention_days=retention_days,
        timezone=timezone,
    )
    token = settings.token.get_secret_value().strip() if settings.token else ""
    if not token:
        fail(
            "no bot token: create a bot with @BotFather in Telegram, then set "
            "SURVEYBOT_TOKEN=<token> in the environment or in a .env file."
        )
    url = settings.webhook_url
    if url is not None and not url.startswith("https://") and "127.0.0.1" not in url:
        fail(
            f"the webhook URL (SURVEYBOT_WEBHOOK_URL or --webhook-url) must start with "
            f"https:// (Telegram only calls https webhooks), not {url!r}"
        )
    loaded_flow, loaded_stages = load_flow_and_stages(settings)

    from bot.logs import configure_logging
    from bot.telegram import build_application, describe_start_error, run_polling
    from storage import StorageError

    configure_logging(token, level=logging.DEBUG if verbose else logging.INFO)
    application = build_application(
        token=token,
        flow=loaded_flow,
        stages=loaded_stages,
        api_url=settings.api_url,
        admins=settings.admins,
        policy=policy_of(settings),
    )
    if url is not None:
        from bot.telegram.webhook import run_webhook

        main_task = run_webhook(
            application,
            settings.db,
            url=url,
            listen=settings.listen,
            port=settings.port,
            secret=_webhook_secret(settings),
        )
    else:
        main_task = run_polling(application, settings.db)
    try:
        asyncio.run(main_task)
    except StorageError as error:
        fail(str(error))
    except Exception as error:
        explained = describe_start_error(error)
        if explained is None:
            raise
        fail(explained.replace(token, "<token>"))


def policy_of(settings: Settings) -> Policy:
    """Reminders, abandonment and retention as the settings ask (0 or unset: never)."""
    from conversation import Policy

    def hours(value: float | None) -> dt.timedelta | None:
        return dt.timedelta(hours=value) if value else None

    return Policy(
        reminder_after=hours(settings.reminder_hours),
        abandon_after=hours(settings.abandon_after_days * 24),
        retention=hours(settings.retention_days * 24) if settings.retention_days else None,
        timezone=settings.timezone,
    )


def _webhook_secret(settings: Settings) -> str:
    """The secret Telegram must send with every call; one made up when none is set."""
    import logging
    import secrets

    given = settings.webhook_secret.get_secret_value().strip() if settings.webhook_secret else ""
    if given:
        return given
    logging.getLogger(__name__).info(
        "no SURVEYBOT_WEBHOOK_SECRET: using one made up for this run (set one when several "
        "instances share the webhook)"
    )
    return secrets.token_urlsafe(32)
