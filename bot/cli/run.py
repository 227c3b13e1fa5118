"""`surveybot run`: the Telegram bot, by long polling or behind a webhook."""

from __future__ import annotations

import click

from bot.cli.common import CONTEXT, data_options, fail, load_flow_and_stages, load_settings
from bot.cli.telegram import (
    build_bot,
    require_token,
    require_webhook_url,
    server_options,
    telegram_options,
    webhook_secret,
)


@click.command(context_settings=CONTEXT)
@data_options
@telegram_options
@click.option(
    "--webhook-url",
    metavar="URL",
    help="Receive updates by webhook at this public https URL instead of long polling "
    "(SURVEYBOT_WEBHOOK_URL).",
)
@server_options
@click.option("-v", "--verbose", is_flag=True, help="Log every update (debug level).")
def run(verbose: bool, **flags: object) -> None:
    """Run the Telegram bot (long polling, or a webhook with --webhook-url).

    The token comes from SURVEYBOT_TOKEN (the environment or a .env file), never
    from a flag, so it does not show in the list of processes; so does the
    webhook secret, SURVEYBOT_WEBHOOK_SECRET, made up at start when not set.
    Updates sent while the bot was down are kept and handled at start; an update
    is confirmed to Telegram only once it is handled and committed.

    Example: surveybot run --admins 123456789   (with SURVEYBOT_TOKEN=... in .env)
    """
    import asyncio

    from bot.telegram import describe_start_error, run_polling
    from storage import StorageError

    settings = load_settings(**flags)
    token = require_token(settings)
    url = require_webhook_url(settings) if settings.webhook_url is not None else None
    flow, stages = load_flow_and_stages(settings)
    application = build_bot(settings, token, flow, stages, verbose=verbose)
    if url is not None:
        from bot.telegram.webhook import run_webhook

        main_task = run_webhook(
            application,
            settings.db,
            url=url,
            listen=settings.listen,
            port=settings.port,
            secret=webhook_secret(settings),
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
