"""The respondent's channel: a metadata column in every layout and writer, and a filter.

In `filled`, acme and asia answered on Telegram, minus in the web chat, and
partial (in progress) in the terminal chat, a rehearsal.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from bot.cli.options import CHANNEL_CHOICES
from exports import (
    CHANNELS,
    ExportError,
    ExportOptions,
    Layout,
    export_csv,
    load_codebook,
    load_responses,
)
from flows import Flow
from storage import Channel
from tests.conftest import MINI
from tests.exports.conftest import MINI_V2, Filled, Survey, invoke, read_csv


def keys(data: bytes) -> list[str]:
    return list(read_csv(data)["response_key"])


def test_every_channel_is_known_to_the_exporter_and_the_command() -> None:
    assert set(CHANNELS) == {channel.value for channel in Channel}
    assert CHANNEL_CHOICES == CHANNELS
    # Rehearsals last.
    assert CHANNELS[-1] == "terminal"


def test_the_channel_sits_among_the_metadata(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "--status", "all")
    frame = read_csv(result.stdout_bytes)
    assert list(frame.columns[:8]) == [
        "response_key",
        "stage_code",
        "stage_city",
        "stage_region",
        "stage_territory",
        "stage_date",
        "channel",
        "flow_id",
    ]
    channels = dict(zip(frame["response_key"], frame["channel"], strict=True))
    assert channels == {
        filled.acme.key: "telegram",
        filled.minus.key: "web",
        filled.partial.key: "terminal",
        filled.asia.key: "telegram",
    }


def test_the_long_layout_carries_it_on_every_row(filled: Filled, mini: Flow) -> None:
    frame = read_csv(export_csv(filled.path, mini, ExportOptions(layout=Layout.LONG)).data)
    assert list(frame.columns[:4]) == ["response_key", "stage_code", "stage_region", "channel"]
    per_response = frame.groupby("response_key")["channel"].unique().map(list).to_dict()
    assert per_response == {
        filled.acme.key: ["telegram"],
        filled.minus.key: ["web"],
        filled.asia.key: ["telegram"],
    }


def test_channel_filter_is_repeatable(filled: Filled) -> None:
    def run(*flags: str) -> list[str]:
        result = invoke("--db", filled.path, "--flow", MINI, "--status", "all", *flags)
        assert result.exit_code == 0, result.stderr
        return keys(result.stdout_bytes)

    assert run("--channel", "web") == [filled.minus.key]
    assert run("--channel", "telegram") == [filled.acme.key, filled.asia.key]
    assert run("--channel", "telegram", "--channel", "web") == [
        filled.acme.key,
        filled.minus.key,
        filled.asia.key,
    ]
    # Rehearsals left out by naming the real channels; and with the other filters.
    assert filled.partial.key not in run("--channel", "telegram", "--channel", "web")
    assert run("--channel", "terminal") == [filled.partial.key]
    assert run("--channel", "telegram", "--stage", "aubenas") == [filled.asia.key]


def test_channel_filter_counts_and_says_what_to_check(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "--channel", "web", "--layout", "long")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "exported 1 response (1 completed): 7 rows × 15 columns\n"
    nothing = invoke("--db", filled.path, "--flow", MINI, "--channel", "terminal")
    assert nothing.exit_code == 0 and keys(nothing.stdout_bytes) == []
    assert nothing.stderr.splitlines()[-1] == (
        "no response of flow 'mini' matches --status completed (the default: finished "
        "responses only; --status all for every one), --channel terminal: only the header row "
        "was written; check these filters"
    )


def test_rehearsals_in_the_export_are_pointed_out_with_the_way_to_leave_them_out(
    filled: Filled,
) -> None:
    everything = invoke("--db", filled.path, "--flow", MINI, "--status", "all")
    assert everything.stderr.splitlines()[1:] == [
        "note: 1 of these was answered in the terminal chat (rehearsals, as a rule); "
        "add --channel telegram --channel web to leave them out"
    ]
    assert filled.partial.key in keys(everything.stdout_bytes)

    chosen = invoke("--db", filled.path, "--flow", MINI, "--status", "all", "--channel", "terminal")
    assert "note:" not in chosen.stderr, "they were asked for"
    completed = invoke("--db", filled.path, "--flow", MINI)  # the rehearsal is in progress
    assert "note:" not in completed.stderr


def test_an_unknown_channel_is_misuse(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "--channel", "sms")
    assert result.exit_code == 2
    assert "Invalid value for '--channel'" in result.stderr
    assert "'telegram', 'web', 'terminal'" in result.stderr
    with pytest.raises(ExportError, match="unknown channel 'sms'; use one of: telegram, web"):
        ExportOptions(channels=("sms",))


def test_channel_in_the_pandas_api(filled: Filled) -> None:
    frame = load_responses(filled.path, MINI, status="all").set_index("response_key")
    assert str(frame["channel"].dtype) == "category"
    assert list(frame["channel"].cat.categories) == ["telegram", "web", "terminal"]
    assert frame.loc[filled.partial.key, "channel"] == "terminal"
    web = load_responses(filled.path, MINI, channel="web")
    assert list(web["response_key"]) == [filled.minus.key]
    real = load_responses(filled.path, MINI, channel=[Channel.TELEGRAM, Channel.WEB], status="all")
    assert list(real["response_key"]) == [filled.acme.key, filled.minus.key, filled.asia.key]
    long = load_responses(filled.path, MINI, layout="long", channel="web")
    assert set(long["channel"]) == {"web"} and set(long["response_key"]) == {filled.minus.key}


def test_codebook_explains_the_channel(mini: Flow) -> None:
    for layout in ("wide", "long"):
        book = load_codebook(mini, layout=layout).set_index("column")
        row = book.loc["channel"]
        assert row["kind"] == "metadata"
        assert row["note"] == (
            "The channel the respondent answered on: telegram, web, or terminal (a rehearsal)."
        )
        codes = row["codes_and_labels"]
        assert [part.split("=")[0] for part in codes.split("; ")] == list(CHANNELS)


def test_workbook_has_the_channel(filled: Filled, tmp_path: Path) -> None:
    book_path = tmp_path / "export.xlsx"
    result = invoke("--db", filled.path, "--flow", MINI, "--xlsx", book_path, "--status", "all")
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(book_path)
    rows = list(book["responses"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[6] == "channel"
    assert {row[0]: row[6] for row in rows[1:]} == {
        filled.acme.key: "telegram",
        filled.minus.key: "web",
        filled.partial.key: "terminal",
        filled.asia.key: "telegram",
    }
    codebook = [row[0] for row in book["codebook"].iter_rows(values_only=True)][1:]
    assert codebook == header


async def test_older_versions_columns_stay_whatever_the_channel_kept(
    survey: Survey, mini: Flow, mini_v2: Flow, db_path: Path
) -> None:
    """A question only a web respondent answered, on an older version, is a column on Telegram
    too, empty there: an export's columns do not depend on its filters."""
    await survey.respond(mini, {"company": "Old", "staff": 12}, channel=Channel.WEB)
    await survey.respond(mini_v2, {"company": "New"})
    telegram = read_csv(
        export_csv(db_path, MINI_V2, ExportOptions(status="all", channels=("telegram",))).data
    )
    assert list(telegram["staff"]) == [""] and list(telegram["company"]) == ["New"]
    web = read_csv(
        export_csv(db_path, MINI_V2, ExportOptions(status="all", channels=("web",))).data
    )
    assert list(web["staff"]) == ["12"] and list(web["channel"]) == ["web"]
