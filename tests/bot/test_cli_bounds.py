"""Values past what a date, a duration or a QR code can hold are refused in a line, or meant.

`export --until 9999-12-31` (the calendar's last day) ended in "OverflowError: date
value out of range"; `serve --reminder-hours 1e12` (or inf, or SURVEYBOT_RETENTION_DAYS
in the millions) in an OverflowError at start, or at every daily upkeep; `links
--web-url` with an address of thousands of characters in segno's DataOverflowError (and
`run` and `serve` started with it, for `/qr` to fail at the workshop).
"""

from __future__ import annotations

import csv
import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path, load_flow
from tests.support.scripts import script_for

LONG_WEB_URL = "https://example.org/" + "a" * 3000
BOT = ("--bot-username", "tour_innovation_bot")


@pytest.fixture
def nowhere() -> Iterator[dict[str, str]]:
    """Settings under which a bot or server that wrongly started stops at once, offline:
    its port taken, and a Bot API on a port nobody listens on."""
    with socket.socket() as taken, socket.socket() as closed:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        closed.bind(("127.0.0.1", 0))
        yield {
            "SURVEYBOT_PORT": str(taken.getsockname()[1]),
            "SURVEYBOT_API_URL": f"http://127.0.0.1:{closed.getsockname()[1]}/bot",
            "SURVEYBOT_TOKEN": "123:abc",
        }


def invoke(*args: str, env: dict[str, str] | None = None, input: str = "") -> Result:
    return CliRunner().invoke(main, list(args), env=env, input=input)


def refused(result: Result, code: int) -> str:
    """The standard error of a command that said no in its own words (no traceback)."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def exported_stages(*args: str) -> list[str]:
    result = invoke("export", "-o", "responses.csv", "--force", *args)
    assert result.exit_code == 0, result.stderr
    with Path("responses.csv").open(encoding="utf-8", newline="") as file:
        return [row["stage_code"] for row in csv.DictReader(file)]


def test_until_the_calendars_last_day_has_no_upper_bound(work: Path) -> None:
    lines, _ = script_for(load_flow(bundled_path("questionnaire.yaml")), "fr")
    chatted = invoke("chat", "--stage", "pithiviers", "--lang", "fr", input="\n".join(lines) + "\n")
    assert chatted.exit_code == 0, chatted.stderr

    assert exported_stages("--until", "9999-12-31") == ["pithiviers"]
    assert exported_stages("--since", "2019-01-01", "--until", "9999-12-31") == ["pithiviers"]
    assert exported_stages("--since", "9999-12-31", "--until", "9999-12-31") == []
    assert exported_stages("--until", "9999-12-30") == ["pithiviers"]


def test_the_export_options_take_the_last_day_and_instant_as_no_upper_bound() -> None:
    from exports import ExportOptions

    for until in ("9999-12-31", dt.date.max, dt.datetime.max, "9999-12-31T23:59:59.999999"):
        assert ExportOptions(since="2019-06-03", until=until).started_between() == (
            dt.datetime(2019, 6, 3, tzinfo=dt.UTC),
            None,
        ), until
    assert ExportOptions(since=dt.date.max).started_between() == (
        dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
        None,
    )


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--reminder-hours", "1e12", "should be a number from 0 to 876000"),
        ("--reminder-hours", "876001", "should be a number from 0 to 876000"),
        ("--reminder-hours", "inf", "should be a number from 0 to 876000"),
        ("--reminder-hours", "nan", "should be a number from 0 to 876000"),
        ("--abandon-after-days", "1e12", "should be a number from 0 to 36500"),
        ("--abandon-after-days", "inf", "should be a number from 0 to 36500"),
        ("--retention-days", "99999999999", "should be a whole number from 1 to 36500"),
        ("--retention-days", "36501", "should be a whole number from 1 to 36500"),
    ],
)
def test_serve_refuses_a_duration_past_a_century_in_one_line(
    work: Path, nowhere: dict[str, str], flag: str, value: str, message: str
) -> None:
    stderr = refused(invoke("serve", flag, value, env=nowhere), 2)

    assert stderr.startswith(f"error: {flag}: {message}, got ")
    assert stderr.count("\n") == 1
    assert not Path("surveybot.sqlite3").exists()  # refused before anything started


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SURVEYBOT_REMINDER_HOURS", "1e12", "a number from 0 to 876000"),
        ("SURVEYBOT_REMINDER_HOURS", "inf", "a number from 0 to 876000"),
        ("SURVEYBOT_ABANDON_AFTER_DAYS", "1e12", "a number from 0 to 36500"),
        ("SURVEYBOT_RETENTION_DAYS", "3000000", "a whole number from 1 to 36500"),
    ],
)
@pytest.mark.parametrize("command", [["serve"], ["run"]])
def test_the_bot_and_the_server_refuse_such_a_variable_in_one_line(
    work: Path, nowhere: dict[str, str], command: list[str], name: str, value: str, message: str
) -> None:
    env = {**nowhere, name: value}

    stderr = refused(invoke(*command, env=env), 2)

    assert stderr == f"error: {name}: should be {message}, got {value!r}\n"
    assert not Path("surveybot.sqlite3").exists()


def test_the_longest_durations_accepted_can_be_counted_back_by_the_upkeep(work: Path) -> None:
    from pydantic import ValidationError

    from bot.cli.telegram import policy_of
    from bot.settings import UpkeepSettings

    for one_more in ({"reminder_hours": 876_001}, {"abandon_after_days": 36_501}):
        with pytest.raises(ValidationError, match="less than or equal to"):
            UpkeepSettings(**one_more)  # type: ignore[arg-type]
    longest = UpkeepSettings(
        reminder_hours=876_000, abandon_after_days=36_500, retention_days=36_500
    )
    policy = policy_of(longest)

    now = dt.datetime.now(dt.UTC)
    for delay in (policy.reminder_after, policy.abandon_after):
        assert delay == dt.timedelta(days=36_500)
        assert (now - delay).year > 1900
    assert policy.retention is None  # a century is `keep`: nothing to purge, ever


def test_links_say_which_link_is_too_long_for_a_qr_code(work: Path) -> None:
    stderr = refused(invoke("links", *BOT, "--web-url", LONG_WEB_URL, "--out", "kit"), 2)

    assert "error: invalid value for '--web-url': the link https://example.org/aaa" in stderr
    assert "/s/pithiviers (3,033 characters) is too long for a QR code" in stderr
    assert "at most 2,331" in stderr
    assert len(stderr) < 1000  # not the whole address
    assert not Path("kit").exists()  # refused before writing anything


def test_links_name_the_variable_when_the_address_came_from_it(work: Path) -> None:
    env = {"SURVEYBOT_PUBLIC_URL": LONG_WEB_URL}

    stderr = refused(invoke("links", *BOT, "--out", "kit", env=env), 2)

    assert stderr.startswith("error: SURVEYBOT_PUBLIC_URL: the link https://example.org/aaa")
    assert "is too long for a QR code, which holds at most 2,331" in stderr
    assert stderr.count("\n") == 1
    assert not Path("kit").exists()


@pytest.mark.parametrize(
    "command",
    [["serve"], ["run"], ["serve", "--telegram-webhook"], ["serve", "--flows", "bundled"]],
)
def test_the_bot_and_the_server_refuse_a_web_address_no_qr_code_holds(
    work: Path, nowhere: dict[str, str], command: list[str]
) -> None:
    # /qr would otherwise say so only at the workshop, in front of the room.
    env = {**nowhere, "SURVEYBOT_PUBLIC_URL": LONG_WEB_URL}
    if "--telegram-webhook" in command:
        env["SURVEYBOT_WEBHOOK_URL"] = "https://enquete.example.org/telegram"

    stderr = refused(invoke(*command, env=env), 2)

    assert stderr.startswith("error: SURVEYBOT_PUBLIC_URL: the link https://example.org/aaa")
    assert "is too long for a QR code, which holds at most 2,331" in stderr
    assert stderr.count("\n") == 1
    assert not Path("surveybot.sqlite3").exists()


def test_links_draw_the_longest_address_a_qr_code_holds(work: Path) -> None:
    from flows import load_stages
    from organiser import LinkError, check_url_fits, longest_web_link, stage_links
    from organiser.qr import MAX_QR_BYTES, check_qr_fits

    stages = load_stages(bundled_path("stages.yaml"))
    longest = max(len(stage.code) for stage in stages)
    base = "https://example.org/" + "a" * (MAX_QR_BYTES - len("https://example.org//s/") - longest)
    assert invoke("links", *BOT, "--web-url", base, "--out", "kit").exit_code == 0
    assert len(list(Path("kit", "qr").glob("*.png"))) == len(stages)
    one_less = stage_links(stages, "tour_innovation_bot", web_url=base)

    one_more = stage_links(stages, "tour_innovation_bot", web_url=base + "a")
    too_long = [link for link in one_more if len(link.qr_url) > MAX_QR_BYTES]
    assert too_long
    with pytest.raises(LinkError, match="too long for a QR code"):
        check_qr_fits(too_long[0])
    assert longest_web_link(base, stages) == max((link.qr_url for link in one_less), key=len)
    with pytest.raises(LinkError, match="too long for a QR code"):
        check_url_fits(str(longest_web_link(base + "a", stages)))
