"""Invitation links: valid deep links for every stage, and the links as CSV."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from flows import StageDef, bundled_path, load_stages
from organiser import (
    LinkError,
    OrganiserError,
    check_bot_username,
    deep_link,
    render_csv,
    stage_links,
    stage_title,
)
from tests.organiser.codes import BOT

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def check_link(url: str, code: str) -> None:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "t.me", f"/{BOT}")
    assert parts.fragment == ""
    assert parse_qs(parts.query, strict_parsing=True) == {"start": [code]}
    assert PAYLOAD.match(code)


# --- usernames and links --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tour_innovation_bot", "tour_innovation_bot"),
        ("TourBot", "TourBot"),
        ("abBOT", "abBOT"),
        ("@tour_innovation_bot", "tour_innovation_bot"),
        (" tetrisbot ", "tetrisbot"),
        ("a" * 29 + "bot", "a" * 29 + "bot"),
    ],
)
def test_valid_bot_usernames(name: str, expected: str) -> None:
    assert check_bot_username(name) == expected


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("abot", "5 to 32"),
        ("a" * 30 + "bot", "5 to 32"),
        ("tour-bot", "letters, digits or '_'"),
        ("tour bot", "letters, digits or '_'"),
        ("tourbôt", "letters, digits or '_'"),
        ("tour_innovation", "must end in 'bot'"),
        ("botanist", "must end in 'bot'"),
        ("", "5 to 32"),
    ],
)
def test_invalid_bot_usernames_say_why(name: str, reason: str) -> None:
    with pytest.raises(LinkError, match=re.escape(reason)):
        check_bot_username(name)


def test_deep_link_refuses_a_payload_telegram_would_drop() -> None:
    assert deep_link(BOT, "Saint-Remy_2") == f"https://t.me/{BOT}?start=Saint-Remy_2"
    for payload in ("", "saint malo", "évreux", "a" * 65, "a&start=b"):
        with pytest.raises(LinkError, match="cannot travel in a link"):
            deep_link(BOT, payload)


def test_every_stage_gets_a_valid_link(tour_stages: list[StageDef]) -> None:
    links = stage_links(tour_stages, BOT)
    assert [link.code for link in links] == [stage.code for stage in tour_stages]
    for link, stage in zip(links, tour_stages, strict=True):
        check_link(link.url, stage.code)


def test_bundled_stages_make_valid_links() -> None:
    stages = load_stages(bundled_path("stages.yaml"))
    for link in stage_links(stages, BOT):
        check_link(link.url, link.code)


def test_a_link_error_is_an_organiser_error() -> None:
    """The edges catch the package's one base exception."""
    with pytest.raises(OrganiserError):
        check_bot_username("abot")


@pytest.mark.parametrize(
    ("lang", "mark"), [("fr", "exemple"), ("en", "example"), ("de", "example")]
)
def test_a_made_up_stage_is_marked_in_the_reader_s_language(lang: str, mark: str) -> None:
    assert stage_title(StageDef(code="x", city="Dunkerque", example=True), lang=lang) == (
        f"Dunkerque ({mark})"
    )
    assert stage_title(StageDef(code="x", city="Dunkerque"), lang=lang) == "Dunkerque"


# --- CSV --------------------------------------------------------------------------


def test_csv_lists_every_stage(tour_stages: list[StageDef]) -> None:
    text = render_csv(stage_links(tour_stages, BOT))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["stage", "city", "region", "date", "link"]
    assert [row["stage"] for row in rows] == ["pithiviers", "evreux", "Saint-Remy_2", "vitre"]
    assert rows[0] == {
        "stage": "pithiviers",
        "city": "Pithiviers",
        "region": "Centre-Val de Loire",
        "date": "2019-06-05",
        "link": f"https://t.me/{BOT}?start=pithiviers",
    }
    # The example is there, marked; a city that a spreadsheet would run as a formula is not.
    assert rows[1]["city"] == "Évreux (exemple)"
    assert rows[2]["city"] == '\'=Saint-Rémy <&> "Sud"'
    assert rows[3]["date"] == rows[3]["region"] == ""
    for row in rows:
        check_link(row["link"], row["stage"])
