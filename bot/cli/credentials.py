"""The bot token and the webhook secret: from the environment, a file, or (warned) a flag.

A secret given as a flag shows to every user of the machine in the list of
processes (`ps aux`). So the way is the environment or `.env` (SURVEYBOT_TOKEN),
or a file of its own (--token-file, as systemd's `LoadCredential=` or a Docker
secret provides one); the old flags still work, for the scripts that use them,
with a warning. Every problem is one clear line and exit 1, before anything starts.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from bot.cli.common import fail

if TYPE_CHECKING:
    from pydantic import SecretStr

    from bot.settings import TelegramSettings

log = logging.getLogger(__name__)

MAX_FILE: Final = 4096
"""A token or a secret is far shorter; a larger file is not one (and is not read whole)."""
TOKEN: Final = ("bot token", "SURVEYBOT_TOKEN", "--token")
TOKEN_SHAPE: Final = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
"""What @BotFather hands out: the bot's id, a colon, then the secret part."""
WEBHOOK_SECRET: Final = ("webhook secret", "SURVEYBOT_WEBHOOK_SECRET", "--webhook-secret")


def warn_secret_flag(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--token and --webhook-secret: taken, with a word on where they belong."""
    if value is not None:
        what, variable, flag = TOKEN if param.name == "token" else WEBHOOK_SECRET
        click.echo(
            f"warning: {flag} shows the {what} to every user of this machine, in the list of "
            f"processes; set {variable} in the environment or in a .env file, or give a file "
            f"holding it with {flag}-file PATH",
            err=True,
        )
    return value


def require_token(settings: TelegramSettings) -> str:
    """The bot token, or a clear message and exit 1 when there is none."""
    token = _given(settings.token, settings.token_file, TOKEN, empty_is_unset=True)
    if token is None:
        fail(
            "no bot token: create a bot with @BotFather in Telegram, then set "
            "SURVEYBOT_TOKEN=<token> in the environment or in a .env file (or put it in a "
            "file and give --token-file PATH)."
        )
    if not TOKEN_SHAPE.fullmatch(token):
        # Said before any call: Telegram would only answer "Not Found", after a wait.
        # The value itself is not shown: it may be a real token mistyped.
        where = settings.token_file or "SURVEYBOT_TOKEN"
        fail(
            f"the bot token ({where}) is not one: @BotFather gives a number, a colon, then "
            "letters, digits, '_' and '-' (like 123456789:AAH…), with no spaces or quotes."
        )
    return token


def webhook_secret(settings: TelegramSettings) -> str:
    """The secret Telegram must send with every call: the one set, checked, or one made up."""
    from bot.telegram.webhook import SECRET_RULE, secret_problem

    given = _given(settings.webhook_secret, settings.webhook_secret_file, WEBHOOK_SECRET)
    if given is None:
        if _on_postgres(settings):
            # Several instances are possible: each one made up its own, and the last to start
            # gives Telegram its secret, which the others then refuse (403) at every update.
            log.warning(
                "no SURVEYBOT_WEBHOOK_SECRET: using one made up for this run, on a PostgreSQL "
                "database several instances may share; each instance gives Telegram its own "
                "when it starts, and every other instance then refuses each update Telegram "
                "posts to it (403): set the same SURVEYBOT_WEBHOOK_SECRET on every instance "
                "(such as the output of `openssl rand -hex 32`)"
            )
        else:
            log.info(
                "no SURVEYBOT_WEBHOOK_SECRET: using one made up for this run (set one when "
                "several instances share the webhook)"
            )
        return secrets.token_urlsafe(32)  # 43 characters of A-Z a-z 0-9 _ -
    problem = secret_problem(given)
    if problem is not None:
        where = settings.webhook_secret_file or "SURVEYBOT_WEBHOOK_SECRET or --webhook-secret"
        fail(
            f"the webhook secret ({where}) {problem}: Telegram takes {SECRET_RULE}. Unset it "
            "to have one made up at each start."
        )
    return given


def _on_postgres(settings: TelegramSettings) -> bool:
    """Whether these settings name a PostgreSQL database, which several instances may share."""
    from bot.settings import DatabaseSettings

    return isinstance(settings, DatabaseSettings) and settings.on_postgres


def read_secret_file(path: Path, what: str) -> str:
    """The text of a file holding a secret, without the newline an editor leaves at its end."""
    where = f"the {what} file {path}"
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE + 1)
    except FileNotFoundError:
        fail(f"{where} does not exist")
    except IsADirectoryError:
        fail(f"{where} is a folder, not a file")
    except PermissionError:
        fail(f"{where} cannot be read: permission denied (the bot runs as another user?)")
    except OSError as error:
        fail(f"{where} cannot be read: {error.strerror or error}")
    if len(data) > MAX_FILE:
        fail(f"{where} is over {MAX_FILE} bytes: it holds more than a {what}")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        fail(f"{where} is not text")
    if not text:
        fail(f"{where} is empty")
    return text


def _given(
    value: SecretStr | None,
    file: Path | None,
    names: tuple[str, str, str],
    *,
    empty_is_unset: bool = False,
) -> str | None:
    """The secret from the setting or its file; None when neither is set."""
    what, variable, flag = names
    text = value.get_secret_value().strip() if value is not None else None
    if empty_is_unset and not text:
        text = None
    if text is not None and file is not None:
        fail(
            f"the {what} is given twice, by {variable} (or {flag}) and by {variable}_FILE "
            f"(or {flag}-file): keep one"
        )
    return read_secret_file(file, what) if file is not None else text
