"""`links` and `stats` through click's test runner: exit codes, and data on stdout only.

The commands are registered on a fresh group here, as `bot.cli` registers them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
import zxingcpp
from click.testing import CliRunner, Result
from PIL import Image

from bot.cli.organiser import links, stats
from flows import StageDef, bundled_path, load_stages
from organiser import render_csv, stage_links
from tests.organiser.survey import FLOW, STAGES

BOT = "tour_innovation_bot"


@click.group()
def group() -> None:
    """A stand-in for the `surveybot` group."""


group.add_command(links)
group.add_command(stats)


@pytest.fixture(autouse=True)
def _isolated(clean_env: Path) -> None:
    """Every test runs from an empty folder, with no SURVEYBOT_* variable."""


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(group, [str(a) for a in args])


# --- links ------------------------------------------------------------------------


def test_links_prints_the_csv(tour_stages: list[StageDef]) -> None:
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == render_csv(stage_links(tour_stages, BOT))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["link"] for row in rows] == [
        f"https://t.me/{BOT}?start={code}"
        for code in ("pithiviers", "evreux", "Saint-Remy_2", "vitre")
    ]


def test_links_use_the_bundled_stages_by_default() -> None:
    result = invoke("links", "--bot-username", "@" + BOT)
    assert result.exit_code == 0, result.output
    stages = load_stages(bundled_path("stages.yaml"))
    assert result.stdout == render_csv(stage_links(stages, BOT))
    assert "Évreux (exemple)" in result.stdout


def test_links_follow_surveybot_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEYBOT_STAGES", str(STAGES))
    result = invoke("links", "--bot-username", BOT)
    assert result.exit_code == 0, result.output
    assert "start=Saint-Remy_2" in result.stdout


def test_links_out_writes_every_file(tmp_path: Path, tour_stages: list[StageDef]) -> None:
    out = tmp_path / "print" / "invitations"
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"4 stages: wrote {out / 'links.csv'}, {out / 'links.html'} and 4 QR codes "
        f"(PNG and SVG) in {out / 'qr'}\n"
    )
    for stage in tour_stages:
        (found,) = zxingcpp.read_barcodes(Image.open(out / "qr" / f"{stage.code}.png"))
        assert found.text == f"https://t.me/{BOT}?start={stage.code}"
        assert (out / "qr" / f"{stage.code}.svg").is_file()
        assert f'data-stage="{stage.code}"' in (out / "links.html").read_text(encoding="utf-8")
    assert (
        (out / "links.csv").read_text(encoding="utf-8").startswith("stage,city,region,date,link\n")
    )


def test_links_for_french_excel(tmp_path: Path) -> None:
    out = tmp_path / "kit"
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--out", out, "--excel")
    assert result.exit_code == 0, result.output

    data = (out / "links.csv").read_bytes()
    # A byte-order mark, or Excel reads "Ã‰vreux"; ';', or Excel puts everything in column A.
    assert data.startswith("\ufeffstage;city;region;date;link\r\n".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row["stage"] for row in rows] == ["pithiviers", "evreux", "Saint-Remy_2", "vitre"]
    assert (
        rows[1]["city"] == "Évreux (exemple)"
        and rows[0]["link"] == f"https://t.me/{BOT}?start=pithiviers"
    )
    printed = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--excel")
    assert printed.stdout_bytes == data


def test_links_for_excel_in_english(tmp_path: Path) -> None:
    # Commas, but a byte-order mark all the same: without it, English Excel reads
    # "Ã‰vreux" (an Irish organiser's "DÃºn Laoghaire").
    out = tmp_path / "kit"
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--out", out, "--bom")
    assert result.exit_code == 0, result.output

    data = (out / "links.csv").read_bytes()
    assert data.startswith("\ufeffstage,city,region,date,link\n".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1]["city"] == "Évreux (exemple)"
    printed = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--bom")
    assert printed.stdout_bytes == data


@pytest.mark.parametrize(
    ("name", "reason"),
    [("tour", "5 to 32"), ("tour_innovation", "must end in 'bot'"), ("tour-bot", "letters")],
)
def test_links_refuse_a_bad_username_as_misuse(name: str, reason: str) -> None:
    result = invoke("links", "--bot-username", name, "--stages", STAGES)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Invalid value for '--bot-username'" in result.stderr
    assert reason in result.stderr


def test_links_need_a_username() -> None:
    result = invoke("links", "--stages", STAGES)
    assert result.exit_code == 2
    assert "Missing option '--bot-username' (or SURVEYBOT_BOT_USERNAME)" in result.stderr
    assert result.stdout == ""


def test_links_take_the_username_from_the_settings(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set once in .env for `serve`, the same name makes the links: no flag to repeat.
    (clean_env / ".env").write_text(f"SURVEYBOT_BOT_USERNAME=@{BOT}\n", encoding="utf-8")
    result = invoke("links", "--stages", STAGES)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].split(",")[-1].startswith(f"https://t.me/{BOT}?start=")
    # The flag still wins over the setting.
    monkeypatch.setenv("SURVEYBOT_BOT_USERNAME", "other_tour_bot")
    flagged = invoke("links", "--bot-username", BOT, "--stages", STAGES)
    assert f"https://t.me/{BOT}?start=pithiviers" in flagged.stdout


def test_links_refuse_a_bad_username_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEYBOT_BOT_USERNAME", "tour_innovation")
    result = invoke("links", "--stages", STAGES)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "SURVEYBOT_BOT_USERNAME" in result.stderr
    assert "must end in 'bot'" in result.stderr


def test_links_report_a_broken_stages_file(clean_env: Path) -> None:
    (clean_env / "stages.yaml").write_text(
        "stages:\n  - code: a b\n    city: A\n    date: 1999-01-01\n", encoding="utf-8"
    )
    result = invoke("links", "--bot-username", BOT, "--stages", "stages.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "stages.yaml:2: stage 'a b': code 'a b' must be letters, digits, '_' and '-' only "
        "(no spaces, no accents), at most 64 characters: a space is not allowed",
        "stages.yaml:4: stage 'a b': date 1999-01-01 is not between 2000 and 2100; check the year",
    ]


def test_links_report_a_folder_they_cannot_write(clean_env: Path) -> None:
    (clean_env / "taken").write_text("a file", encoding="utf-8")
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--out", "taken/sub")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: cannot write the links into taken/sub")


WEB = "https://enquete.example.org"


def test_links_with_a_web_address(tmp_path: Path, tour_stages: list[StageDef]) -> None:
    printed = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--web-url", WEB + "/")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == render_csv(stage_links(tour_stages, BOT, web_url=WEB))
    rows = list(csv.DictReader(io.StringIO(printed.stdout)))
    assert [(row["link"], row["web_link"]) for row in rows] == [
        (f"https://t.me/{BOT}?start={stage.code}", f"{WEB}/s/{stage.code}") for stage in tour_stages
    ]

    out = tmp_path / "invitations"
    result = invoke(
        "links", "--bot-username", BOT, "--stages", STAGES, "--web-url", WEB, "--out", out
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"4 stages: wrote {out / 'links.csv'}, {out / 'links.html'} and 4 QR codes "
        f"(PNG and SVG, opening {WEB}/s/<code>) in {out / 'qr'}\n"
    )
    page = (out / "links.html").read_text(encoding="utf-8")
    for stage in tour_stages:
        (found,) = zxingcpp.read_barcodes(Image.open(out / "qr" / f"{stage.code}.png"))
        assert found.text == f"{WEB}/s/{stage.code}"
        assert f'href="{WEB}/s/{stage.code}"' in page
        assert f'href="https://t.me/{BOT}?start={stage.code}"' in page


def test_links_read_the_web_address_from_surveybot_public_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SURVEYBOT_PUBLIC_URL", "http://127.0.0.1:8000/")
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES)
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/s/pithiviers" in result.stdout
    # The flag wins over the variable.
    flagged = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--web-url", WEB)
    assert f"{WEB}/s/pithiviers" in flagged.stdout and "127.0.0.1" not in flagged.stdout


def test_links_read_it_from_the_env_file(clean_env: Path) -> None:
    (clean_env / ".env").write_text(f"SURVEYBOT_PUBLIC_URL={WEB}\n", encoding="utf-8")
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(",link,web_link")


def test_a_line_of_the_env_file_that_is_not_a_setting_is_named_and_skipped(
    clean_env: Path,
) -> None:
    (clean_env / ".env").write_text(
        f"SURVEYBOT_PUBLIC_URL={WEB}\nthis is not a setting\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "links", "--bot-username", BOT, "--stages", str(STAGES)],
        cwd=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "warning: .env, line 2: not NAME=value (a # starts a comment); ignored"
    ]
    assert done.stdout.splitlines()[0].endswith(",link,web_link")  # line 1 still counts


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://enquete.example.org", "must use https://"),
        ("https://enquete.example.org/?from=poster", "no '?' query or '#' fragment"),
        ("enquete.example.org", "must start with https://"),
    ],
)
def test_links_refuse_a_bad_web_address_naming_the_flag(url: str, reason: str) -> None:
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--web-url", url)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Invalid value for '--web-url'" in result.stderr
    assert reason in result.stderr


def test_links_refuse_a_bad_surveybot_public_url_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SURVEYBOT_PUBLIC_URL", "http://enquete.example.org")
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: SURVEYBOT_PUBLIC_URL: ")
    assert "must use https://" in result.stderr


# --- stats ------------------------------------------------------------------------


def stats_args(db: Path, *more: str) -> list[str | Path]:
    return ["stats", "--db", db, "--flow", FLOW, "--stages", STAGES, *more]


def test_stats_prints_the_tables(survey_db: Path) -> None:
    result = invoke(*stats_args(survey_db, "--day", "2019-07-04", "--all-stages"))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout.splitlines()
    assert out[0].split() == [
        "stage",
        "city",
        "started",
        "telegram",
        "web",
        "terminal",
        "completed",
        "abandoned",
        "rate",
        "median",
        "today",
    ]
    assert out[2].split()[:11] == [
        "pithiviers",
        "Pithiviers",
        "4",
        "3",
        "1",
        "0",
        "2",
        "0",
        "50.0%",
        "15.0",
        "min",
    ]
    assert out[8].split() == [
        "TOTAL",
        "8",
        "5",
        "2",
        "1",
        "4",
        "1",
        "50.0%",
        "25.0",
        "min",
        # r4 started at 23:50 UTC on 3 July: 01:50 on the 4th in Paris, the default zone.
        "4",
        "/",
        "2",
    ]
    assert "today (2019-07-04)" in out[9]
    assert out[10].startswith("abandoned: unfinished and untouched for 14 days")
    assert out[11].startswith("telegram, web, terminal: started on that channel")
    assert out[12] == ""
    assert out[13] == "Drop-off, flow tour: 7 started"
    assert out[16].split()[-4:] == ["6", "86%", "6", "86%"]
    assert out[18].split()[:2] == ["3", "markets"]
    assert out[18].split()[-4:] == ["3", "43%", "2", "29%"]


def test_stats_fold_the_stages_without_responses_unless_all_are_asked(survey_db: Path) -> None:
    result = invoke(*stats_args(survey_db))
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert [line.split()[0] for line in out[2:7]] == [
        "pithiviers",
        "evreux",
        "old-stage",
        "(no",
        "TOTAL",
    ]
    assert out[7] == "no responses yet (2): Saint-Remy_2, vitre"
    every = invoke(*stats_args(survey_db, "--all-stages")).stdout.splitlines()
    assert [line.split()[0] for line in every[2:9]] == [
        "pithiviers",
        "evreux",
        "Saint-Remy_2",
        "vitre",
        "old-stage",
        "(no",
        "TOTAL",
    ]
    assert "no responses yet" not in "\n".join(every)


def test_stats_say_after_how_many_days_a_response_is_abandoned(
    survey_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The days the bot is configured with (SURVEYBOT_ABANDON_AFTER_DAYS), as the bot reads
    them; a mistake in another upkeep setting the stats do not need stops nothing."""
    monkeypatch.setenv("SURVEYBOT_ABANDON_AFTER_DAYS", "30")
    result = invoke(*stats_args(survey_db))
    assert result.exit_code == 0, result.output
    assert "abandoned: unfinished and untouched for 30 days" in result.stdout
    monkeypatch.setenv("SURVEYBOT_RETENTION_DAYS", "soon")
    result = invoke(*stats_args(survey_db))
    assert result.exit_code == 0, result.output
    assert "untouched for SURVEYBOT_ABANDON_AFTER_DAYS days (14 by default)" in result.stdout


def test_stats_today_defaults_to_the_respondents_day(survey_db: Path) -> None:
    paris = ZoneInfo("Europe/Paris")  # SURVEYBOT_TIMEZONE's default
    before = dt.datetime.now(paris).date()
    result = invoke(*stats_args(survey_db))
    assert result.exit_code == 0, result.output
    days = {before.isoformat(), dt.datetime.now(paris).date().isoformat()}
    assert any(f"today ({day})" in result.stdout for day in days)


def test_stats_for_one_stage(survey_db: Path) -> None:
    result = invoke(*stats_args(survey_db, "--stage", "Pithiviers", "--day", "2019-06-05"))
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[2].split() == [
        "pithiviers",
        "Pithiviers",
        "4",
        "3",
        "1",
        "2",
        "0",
        "50.0%",
        "15.0",
        "min",
        "4",
        "/",
        "2",
    ]
    assert out[3].split()[0] == "TOTAL"
    assert "Drop-off, flow tour, stage pithiviers: 3 started" in out


def test_stats_refuse_an_unknown_stage(survey_db: Path) -> None:
    result = invoke(*stats_args(survey_db, "--stage", "nowhere"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: unknown stage 'nowhere': it is not in the stages file and no response "
        "carries it; known stages: pithiviers, evreux, Saint-Remy_2, vitre\n"
    )


def test_stats_accept_a_stage_found_only_in_the_data(survey_db: Path) -> None:
    result = invoke(*stats_args(survey_db, "--stage", "old-stage"))
    assert result.exit_code == 0, result.output
    assert "(not in the stages file)" in result.stdout


def test_stats_plot(survey_db: Path, clean_env: Path) -> None:
    result = invoke(*stats_args(survey_db, "--day", "2019-07-04", "--plot", "dropoff.png"))
    assert result.exit_code == 0, result.output
    assert result.stderr == "wrote the drop-off chart to dropoff.png\n"
    assert "Drop-off, flow tour: 7 started" in result.stdout
    with Image.open(clean_env / "dropoff.png") as image:
        assert image.format == "PNG"
        assert image.width > 600


def test_stats_plot_into_a_missing_folder_is_an_error(survey_db: Path) -> None:
    result = invoke(*stats_args(survey_db, "--plot", "no/such/dir/chart.png"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write the chart to no/such/dir/chart.png")


def test_stats_without_a_database(clean_env: Path) -> None:
    result = invoke(*stats_args(clean_env / "missing.sqlite3"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: no database at {clean_env / 'missing.sqlite3'}: nothing has been answered "
        "with this setup yet; check --db or SURVEYBOT_DB\n"
    )
    assert not (clean_env / "missing.sqlite3").exists()


def test_stats_default_database_is_in_the_working_folder(clean_env: Path) -> None:
    result = invoke("stats")
    assert result.exit_code == 1
    assert "error: no database at surveybot.sqlite3" in result.stderr


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("04/07/2019", "'04/07/2019' must be written YYYY-MM-DD, like 2019-06-05"),
        ("2019-02-30", "'2019-02-30' is not a real date (day is out of range for month)"),
        ("2019-13-01", "'2019-13-01' is not a real date (month must be in 1..12)"),
    ],
)
def test_stats_reject_a_day_that_is_not_one(survey_db: Path, day: str, said: str) -> None:
    result = invoke(*stats_args(survey_db, "--day", day))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '--day': {said}"


def test_stats_take_a_day_without_leading_zeros(survey_db: Path) -> None:
    assert invoke(*stats_args(survey_db, "--day", "2019-7-4")).exit_code == 0


def test_stats_report_a_broken_flow_file(survey_db: Path, clean_env: Path) -> None:
    (clean_env / "flow.yaml").write_text("id: Tour\n", encoding="utf-8")
    result = invoke("stats", "--db", survey_db, "--flow", "flow.yaml", "--stages", STAGES)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("flow.yaml:")


def test_stats_report_a_file_that_is_not_a_database(clean_env: Path) -> None:
    (clean_env / "notes.sqlite3").write_text("not a database " * 100, encoding="utf-8")
    result = invoke(*stats_args(clean_env / "notes.sqlite3"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is not a SQLite database" in result.stderr


def test_stats_leave_the_database_as_it_was(survey_db: Path) -> None:
    def dump() -> list[str]:
        conn = sqlite3.connect(survey_db)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    before = dump()
    assert invoke(*stats_args(survey_db)).exit_code == 0
    assert dump() == before
