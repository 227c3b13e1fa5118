"""Configuration from SURVEYBOT_* variables, a .env file and flags, grouped by what uses it.

Each command loads only the group it uses (`bot.cli.loading.load_settings`), so a
mistake in a setting it never reads does not stop it: an analyst handed the
bot's `.env` with a mistyped SURVEYBOT_PORT can still export. The commands that
do read a setting refuse a bad one, as before. Who loads what:

| settings | holds | loaded by |
| --- | --- | --- |
| DatabaseSettings | db | erase, purge, migrate-db |
| FlowSettings | flow, flows, stages | validate (which also reads db when it can, never refusing it: `bot/cli/flowfiles.py`) |
| DataSettings | both | chat, stats, export |
| ZoneSettings | timezone | stats (its "today"), chat (the day /mydata dates a response), purge --before (its day) |
| LinkSettings | + public_url, bot_username | links |
| RunSettings | + the Telegram settings, upkeep, listen and port | run |
| WebSettings | + upkeep, listen and port, web_secret, bot_username | serve |
| WebAndBotSettings | WebSettings + the Telegram settings | serve --telegram-webhook |
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Final, Self

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_API_URL = "https://api.telegram.org/bot"


class _DotenvWording(logging.Filter):
    """python-dotenv's word on a line of .env it cannot read, left to surveybot to say.

    It said "python-dotenv could not parse statement starting at line 2", naming
    neither the file nor what it expects, each time settings were read (twice for
    `validate`); `bot.cli.loading.warn_of_unknown_names` says it once a command,
    "warning: .env, line 2: not NAME=value", with a name alone on its line, which
    python-dotenv reads as no setting without a word. The line is skipped either way.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "could not parse statement" not in str(record.msg)


logging.getLogger("dotenv.main").addFilter(_DotenvWording())
BUNDLED: Final = "bundled"
"""SURVEYBOT_FLOWS=bundled: both questionnaires that come with surveybot."""
BUNDLED_FLOWS: Final = ("questionnaire.yaml", "acteurs.yaml")
KEEP: Final = "keep"
"""SURVEYBOT_RETENTION_DAYS=keep: responses kept until the organiser deletes them, said on purpose."""
MAX_DAYS: Final = 36_500
"""The longest reminder delay, abandonment delay and retention period: a century, as `purge`
allows (bot.cli.purge.MAX_DAYS). Longer is a typo; far longer cannot be counted back
from today (the start, or every daily upkeep, ended in an OverflowError)."""


class _FromEnvironment(BaseSettings):
    """Where every group reads from: SURVEYBOT_* variables, then `.env`, under the flags.

    A variable for a setting the group does not hold is ignored (`extra`): that is
    what keeps a command from refusing a mistake in a setting it never uses.
    An empty variable is kept as "" (not None): an empty webhook or web secret is
    refused, where an unset one is made up.
    """

    # utf-8-sig: Windows Notepad's "UTF-8" starts the file with a byte-order mark, which
    # read as UTF-8 made the first name "\ufeffSURVEYBOT_FLOW", ignored without a word.
    model_config = SettingsConfigDict(
        env_prefix="SURVEYBOT_", env_file=".env", env_file_encoding="utf-8-sig", extra="ignore"
    )


class DatabaseSettings(_FromEnvironment):
    """Where the answers are: `erase`, `purge` and `migrate-db` read this only."""

    db: Path | str = Path("surveybot.sqlite3")
    """Where the data is: a file path (SQLite, kept as a Path) or a `postgresql://` URL
    (PostgreSQL, kept as the str it is); `database_label` names it without a password."""

    @field_validator("db", mode="before")
    @classmethod
    def _database(cls, value: object) -> object:
        # A URL stays a str (a Path would fold its "//"); anything else is a file path.
        if not isinstance(value, str):
            return value
        if not value.strip():
            raise ValueError(
                "is empty: give a file path (SQLite) or a postgresql://user@host/db URL"
            )
        from storage import is_postgres_url

        if is_postgres_url(value):
            return _checked_url(value)
        if "://" in value:
            scheme = value.split("://", 1)[0]
            raise ValueError(
                f"unknown database scheme {scheme!r}: give a file path (SQLite) or a "
                "postgresql://user@host/db URL"
            )
        return Path(value).expanduser()  # "~/tour.sqlite3" in .env: no shell expands it there

    @property
    def on_postgres(self) -> bool:
        """Whether the data is in PostgreSQL (`db` a URL) rather than a SQLite file."""
        return isinstance(self.db, str)


class FlowSettings(_FromEnvironment):
    """The questionnaires and the stages: `validate` reads this only."""

    flow: Path | None = None
    """None means the bundled questionnaire."""
    flows: Annotated[tuple[Path, ...], NoDecode] = ()
    """Several questionnaires, one per audience: files separated by commas, a folder of flow
    files, or `bundled` (the company and territorial-actors questionnaires). Empty: `flow`."""
    stages: Path | None = None
    """None means the bundled stages file."""

    @field_validator("flows", mode="before")
    @classmethod
    def _split_flows(cls, value: object) -> object:
        # "a.yaml, b.yaml" as people write it; a folder or `bundled` is expanded by flow_paths.
        if isinstance(value, str):
            parts = (part.strip() for part in value.split(","))
            return tuple(Path(part).expanduser() for part in parts if part)
        return value

    @field_validator("flows")
    @classmethod
    def _folders_with_flows(cls, value: tuple[Path, ...]) -> tuple[Path, ...]:
        # A folder without one flow file ran nothing: every command ended in a traceback
        # ("a catalogue needs at least one flow"), and `validate` checked the stages alone.
        for given in value:
            if str(given) == BUNDLED or not given.is_dir():
                continue  # a file: not found, it is said with the other files' problems
            where = "" if given.is_absolute() else f" ({given.absolute()})"
            try:
                found = _flow_files_in(given)
            except OSError as error:  # a folder of another user's, mode 700
                raise ValueError(
                    f"cannot read the folder {given}{where}: {error.strerror or error}"
                ) from None
            if not found:
                raise ValueError(
                    f"the folder {given}{where} holds no flow file (no name ending in .yaml "
                    "or .yml): give the folder of your questionnaires, or their files "
                    "separated by commas"
                )
        return value

    @field_validator("flow", "stages", mode="before")
    @classmethod
    def _no_empty_file(cls, value: object, info: ValidationInfo) -> object:
        # Path("") is the working directory ("."): refused as "this is a folder", naming
        # neither the setting nor the way back to the bundled file. Refused, not taken for
        # unset, as SURVEYBOT_DB= is: a blank left in a template is a file still to name.
        if isinstance(value, str) and not value.strip():
            what = "questionnaire" if info.field_name == "flow" else "stages file"
            raise ValueError(
                f"is empty: give the path of your {info.field_name} file, or leave it out "
                f"to use the bundled {what}"
            )
        return value

    @field_validator("flow", "stages")
    @classmethod
    def _home_of_file(cls, value: Path | None) -> Path | None:
        # "~/tour/etapes.yaml" in .env: no shell expands "~" there, as one does on a command line.
        return value.expanduser() if value is not None else None

    @model_validator(mode="after")
    def _one_flow_setting(self) -> Self:
        if self.flow is not None and self.flows:
            raise ValueError(
                "SURVEYBOT_FLOW and SURVEYBOT_FLOWS are both set: give one flow file, "
                "or several in SURVEYBOT_FLOWS"
            )
        return self

    def flow_path(self) -> Path:
        """The one flow file, or the first of several."""
        return self.flow_paths()[0]

    def flow_paths(self) -> list[Path]:
        """Every flow file the bot runs, the default (for links without an audience) first."""
        from flows import bundled_path

        if not self.flows:
            return [self.flow or bundled_path("questionnaire.yaml")]
        paths: list[Path] = []
        for given in self.flows:
            if str(given) == BUNDLED:
                paths += [bundled_path(name) for name in BUNDLED_FLOWS]
            elif given.is_dir():
                paths += _flow_files_in(given)
            else:
                paths.append(given)
        return paths

    def stages_path(self) -> Path:
        from flows import bundled_path

        return self.stages or bundled_path("stages.yaml")


FLOW_SUFFIXES: Final = (".yaml", ".yml")
"""What a flow file's name ends in, in any case (`.YAML` as some editors save it)."""


def is_flow_file_name(path: Path) -> bool:
    """Whether `path` is named as a flow file is: `x.yaml`, `x.yml`, `X.YAML`..."""
    return path.suffix.lower() in FLOW_SUFFIXES


def _flow_files_in(folder: Path) -> list[Path]:
    """The flow files of a folder given in SURVEYBOT_FLOWS, in the order of their names."""
    return sorted(path for path in folder.iterdir() if is_flow_file_name(path))


class DataSettings(DatabaseSettings, FlowSettings):
    """The answers and the questionnaires they answer: `chat`, `stats` and `export`."""


class PublicUrlSettings(_FromEnvironment):
    """The web chat's public address: in the links' QR codes, and in the bot's messages."""

    public_url: str | None = None
    """The address respondents reach the web chat at, like https://enquete.example.org."""

    @field_validator("public_url")
    @classmethod
    def _checked_public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from organiser import LinkError, check_web_url

        try:
            return check_web_url(value)
        except LinkError as error:
            raise ValueError(str(error)) from None


class BotUsernameSettings(_FromEnvironment):
    """The bot's username: in the invitation links, and the web's "Open in Telegram"."""

    bot_username: str | None = None
    """Like tour_innovation_bot, as @BotFather gave it (a leading '@' is dropped)."""

    @field_validator("bot_username")
    @classmethod
    def _checked_bot_username(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from organiser import LinkError, check_bot_username

        try:
            return check_bot_username(value)
        except LinkError as error:
            raise ValueError(str(error)) from None


class LinkSettings(DataSettings, PublicUrlSettings, BotUsernameSettings):
    """`links`: the stages and flows to link to, the addresses, the database not to overwrite."""


class TelegramSettings(_FromEnvironment):
    """Talking to Telegram: the token, the Bot API, the organisers, the webhook.

    The token and the webhook secret belong in the environment, the `.env` file
    or a file of their own (`token_file`, `webhook_secret_file`): their flags
    still work, with a warning, since they show to anyone who lists the processes.
    """

    token: SecretStr | None = None
    token_file: Path | None = None
    """A file holding the token (a trailing newline is ignored), instead of SURVEYBOT_TOKEN."""
    api_url: str = DEFAULT_API_URL
    admins: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    webhook_url: str | None = None
    """Receive Telegram's updates at this public https URL instead of long polling."""
    webhook_secret: SecretStr | None = None
    """What Telegram sends with each webhook call; generated at start when absent."""
    webhook_secret_file: Path | None = None
    """A file holding the webhook secret, instead of SURVEYBOT_WEBHOOK_SECRET."""

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        # "123, 456" as people write it, rather than the JSON list pydantic expects.
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            try:
                return frozenset(int(part) for part in parts)
            except ValueError:
                raise ValueError(
                    f"give Telegram user ids separated by commas, like 123456789, 987654321; "
                    f"got {value!r}"
                ) from None
        return value

    @field_validator("token_file", "webhook_secret_file", mode="before")
    @classmethod
    def _no_empty_path(cls, value: object) -> object:
        # Path("") would be the working directory: an empty variable is a mistake, said so.
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty: give the path of the file, or unset the variable")
        return Path(value).expanduser() if isinstance(value, str) else value


CLOSED_WORDS: Final = {
    **dict.fromkeys(("1", "true", "yes", "y", "on", "oui", "o"), True),
    **dict.fromkeys(("0", "false", "no", "n", "off", "non"), False),
}
"""What `SURVEYBOT_CLOSED` may say, in English or French, and what each means."""


class ZoneSettings(_FromEnvironment):
    """The respondents' time zone: their night, and their day for `stats`' today."""

    timezone: str = "Europe/Paris"
    """The respondents' time zone, for quiet night hours and what "today" is."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder of zones
            raise ValueError(f"unknown time zone {value!r}; for example Europe/Paris") from None
        return value


class UpkeepSettings(ZoneSettings):
    """What the running bot and web chat do by themselves: reminders, closing, deleting; and
    whether the questionnaire is closed to respondents (`closed`)."""

    reminder_hours: float = Field(default=24, ge=0, le=MAX_DAYS * 24, allow_inf_nan=False)
    """One reminder after this many idle hours; 0 turns reminders off."""
    abandon_after_days: float = Field(default=14, ge=0, le=MAX_DAYS, allow_inf_nan=False)
    """Unfinished responses untouched this long are closed as abandoned; 0: never."""
    retention_days: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    """Responses older than this are deleted by the bot every day; unset: kept, with a warning
    at start; `keep`: kept on purpose (read as a century, `MAX_DAYS`, which the upkeep takes
    as no retention at all: `bot.cli.telegram.policy_of`)."""

    closed: bool = False
    """The questionnaire is closed (the tour is over): respondents are told so and nothing they
    send is stored, but /mydata and /delete; no reminder goes out; retention still runs."""

    @field_validator("closed", mode="before")
    @classmethod
    def _yes_or_no(cls, value: object) -> object:
        # pydantic said "Input should be a valid boolean" to a French organiser's "oui".
        if not isinstance(value, str):
            return value
        word = value.strip().lower()
        if word in CLOSED_WORDS:
            return CLOSED_WORDS[word]
        if not word:
            raise ValueError("is empty: write 1 to close the questionnaire, or remove the line")
        raise ValueError(
            f"{value!r} is neither yes nor no: write 1 (or true, oui) to close the "
            "questionnaire, 0 (or false, non) to keep it open"
        )

    @field_validator("retention_days", mode="before")
    @classmethod
    def _whole_days(cls, value: object) -> object:
        # pydantic said "Input should be a valid integer, unable to parse string as an integer".
        if not isinstance(value, str):
            return value
        if not value.strip():
            raise ValueError("is empty: give a number of days, or keep to keep responses")
        if value.strip().lower() == KEEP:
            return MAX_DAYS
        try:
            int(value.strip())  # then pydantic's own checks, as for a number from a flag
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number of days, nor keep") from None
        return value


class ListenSettings(_FromEnvironment):
    """Where surveybot's web server listens (the web chat, a webhook)."""

    listen: str = "127.0.0.1"
    """The address the web server listens on, behind a TLS reverse proxy."""

    @field_validator("listen")
    @classmethod
    def _no_empty_address(cls, value: str) -> str:
        # "" is every interface to the socket: a blank left in a template put the web chat,
        # meant for behind a proxy, on every network the machine is on, without a word.
        if not value.strip():
            raise ValueError(
                "is empty: give an address, 127.0.0.1 behind a reverse proxy "
                "(0.0.0.0 to listen on every interface, said on purpose)"
            )
        return value

    port: int = Field(default=8000, ge=1, le=65535)
    """The port surveybot's web server listens on (the web chat, a webhook)."""


class BotSettings(DataSettings, PublicUrlSettings, TelegramSettings, UpkeepSettings):
    """What the Telegram application is built from (`build_bot`)."""


class RunSettings(BotSettings, ListenSettings):
    """`run`: the bot, by long polling or behind its own webhook server."""


class WebSettings(
    DataSettings, PublicUrlSettings, BotUsernameSettings, UpkeepSettings, ListenSettings
):
    """`serve`: the web chat, with the daily upkeep the bot would otherwise do.

    Without `bot_username`, the landing pages offer the browser only; with the
    Telegram webhook, it is found at start.
    """

    web_secret: SecretStr | None = None
    """Signs the web chat's forms; made up at start when unset (set it for several servers),
    refused at start when set but empty."""


class WebAndBotSettings(WebSettings, BotSettings):
    """`serve --telegram-webhook`: the web chat and the bot in one process."""


def setting_names() -> frozenset[str]:
    """Every SURVEYBOT_* variable some command reads, as in the environment (upper case)."""
    groups: list[type[_FromEnvironment]] = [_FromEnvironment]
    names: set[str] = set()
    while groups:
        group = groups.pop()
        names |= {"SURVEYBOT_" + field.upper() for field in group.model_fields}
        groups += group.__subclasses__()
    return frozenset(names)


SECRET_SETTINGS: Final = frozenset({"token", "webhook_secret", "web_secret", "db"})
"""Never shown back in a refusal: secrets, and the database URL (it may hold a password)."""


def _checked_url(url: str) -> str:
    """The URL if its port is a number; a message that does not show its password if not."""
    from storage import cut_short, describe_target

    scheme = url.split("://", 1)[0]
    encoded = "a password holding @ : / # ? or % is written percent-encoded (p@ss#1 as p%40ss%231)"
    if cut_short(url):  # what would read as the host is the password's end: not shown
        raise ValueError(
            f"the {scheme}:// connection string is not valid (an '@' after its host: the "
            f"user or password holds a character that ends it); {encoded}"
        )
    try:
        describe_target(url)  # reads the port, as the driver will
    except ValueError:
        raise ValueError(
            f"the {scheme}:// connection string is not valid (its port must be a number), "
            f"as in postgresql://user@host:5432/db; {encoded}"
        ) from None
    return url
