"""`surveybot run`: the Telegram bot, by long polling or behind a webhook."""

from __future__ import annotations

import click

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
    require_webhook_url,
    run_service,
    server_options,
    telegram_options,
)


@click.command(context_settings=CONTEXT)
@data_options()
@telegram_options
@click.option(
    "--webhook-url",
    metavar="URL",
    help="Receive updates by webhook at this public https URL instead of long polling "
    "(SURVEYBOT_WEBHOOK_URL).",
)
@server_options
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log every update (debug level), its id but not names nor answers.",
)
def run(verbose: bool, **flags: object) -> None:
    """Run the Telegram bot (long polling, or a webhook with --webhook-url).

    The token comes from SURVEYBOT_TOKEN (the environment or a .env file) or
    from a file (--token-file), not from a flag, so it does not show in the
    list of processes; so does the webhook secret (SURVEYBOT_WEBHOOK_SECRET,
    1 to 256 characters of A-Z a-z 0-9 _ -), made up at each start when not set.
    Updates sent while the bot was down are kept and handled at start; an update
    is confirmed to Telegram only once it is handled and committed.

    Example: surveybot run --admins 123456789   (with SURVEYBOT_TOKEN=... in .env)
    """
    from bot.settings import RunSettings
    from bot.telegram import run_polling

    settings = load_settings(RunSettings, **flags)
    token = require_token(settings)
    url = require_webhook_url(settings) if settings.webhook_url is not None else None
    flows, stages = load_flow_and_stages(settings)
    refuse_public_url_too_long(settings.public_url, flows, stages)
    warn_of_template_notices(flows)
    application = build_bot(settings, token, flows, stages, verbose=verbose)  # logs set up
    if url is not None:
        from bot.telegram.webhook import run_webhook

        secret = webhook_secret(settings)  # checked (or made up) before anything starts
        main_task = run_webhook(
            application,
            settings.db,
            url=url,
            listen=settings.listen,
            port=settings.port,
            secret=secret,
        )
    else:
        main_task = run_polling(application, settings.db)
    run_service(main_task, token=token)
