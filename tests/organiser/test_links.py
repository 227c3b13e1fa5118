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
    check_web_url,
    deep_link,
    render_csv,
    stage_links,
    stage_title,
    web_link,
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


# --- web links ------------------------------------------------------------------

WEB = "https://enquete.example.org"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (WEB, WEB),
        (WEB + "/", WEB),
        ("https://example.org:8443/enquete/", "https://example.org:8443/enquete"),
        ("HTTPS://Enquete.Example.org", "HTTPS://Enquete.Example.org"),
        # Plain http only to rehearse on this machine.
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_valid_web_addresses(url: str, expected: str) -> None:
    assert check_web_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://enquete.example.org", "must use https://"),
        ("http://192.168.1.10:8000", "must use https://"),
        ("ftp://enquete.example.org", "must start with https://"),
        ("enquete.example.org", "must start with https://"),
        ("https://", "must start with https:// and a host name"),
        ("https://enquete.example.org/?stage=x", "no '?' query or '#' fragment"),
        ("https://enquete.example.org?", "no '?' query or '#' fragment"),
        ("https://enquete.example.org/#top", "no '?' query or '#' fragment"),
        ("https://user:secret@enquete.example.org", "user name or password"),
        ("https://enquete.example.org:99999", "not a valid address"),
        ("https://enquete example.org", "without spaces"),
        ("https://enquete.example.org\n", "without spaces"),
        ("", "empty"),
    ],
)
def test_invalid_web_addresses_say_why(url: str, reason: str) -> None:
    with pytest.raises(LinkError, match=re.escape(reason)) as caught:
        check_web_url(url)
    assert "https://enquete.example.org" in str(caught.value)  # an example to copy


def test_web_link_is_the_landing_page_of_the_stage() -> None:
    assert web_link(WEB + "/", "Saint-Remy_2") == f"{WEB}/s/Saint-Remy_2"
    assert web_link("http://127.0.0.1:8000", "pithiviers") == "http://127.0.0.1:8000/s/pithiviers"
    with pytest.raises(LinkError, match="cannot travel in a link"):
        web_link(WEB, "saint malo")
    with pytest.raises(LinkError, match="must use https://"):
        web_link("http://example.org", "pithiviers")


def test_with_a_web_address_every_stage_gets_both_links(tour_stages: list[StageDef]) -> None:
    links = stage_links(tour_stages, BOT, web_url=WEB)
    for link, stage in zip(links, tour_stages, strict=True):
        check_link(link.url, stage.code)
        assert link.web_url == f"{WEB}/s/{stage.code}"
        # The QR code opens the landing page: it offers Telegram and the browser.
        assert link.qr_url == link.web_url
    for link in stage_links(tour_stages, BOT):
        assert link.web_url is None and link.qr_url == link.url


def test_csv_has_a_web_link_column_beside_the_link(tour_stages: list[StageDef]) -> None:
    text = render_csv(stage_links(tour_stages, BOT, web_url=WEB))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["stage", "city", "region", "date", "link", "web_link"]
    assert rows[0] == {
        "stage": "pithiviers",
        "city": "Pithiviers",
        "region": "Centre-Val de Loire",
        "date": "2019-06-05",
        "link": f"https://t.me/{BOT}?start=pithiviers",
        "web_link": f"{WEB}/s/pithiviers",
    }
    for row in rows:
        check_link(row["link"], row["stage"])
        assert row["web_link"] == f"{WEB}/s/{row['stage']}"
    # Without a web address, the CSV is as it always was.
    assert (
        render_csv(stage_links(tour_stages, BOT)).splitlines()[0] == "stage,city,region,date,link"
    )
