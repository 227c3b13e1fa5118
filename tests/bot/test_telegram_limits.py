"""Telegram's 4,096 characters: a long notice arrives in parts, one too long stops the bot."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.telegram import build_application, running
from flows import StageDef, bundled_path, load_flow, typeset
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates

AGREE = "✅ J’accepte"
CLOSING = "Acceptez-vous de répondre ?"
FLOW = """\
id: long_notice
version: 1
title: Notice longue
consent: |-
{notice}
sections:
  - id: main
    title: Principal
    steps:
      - id: ok
        type: yes_no
        text: "Tout va bien ?"
"""


def flow_with_notice(tmp_path: Path, paragraphs: list[str]) -> Path:
    notice = "\n\n".join([*paragraphs, CLOSING])
    path = tmp_path / "notice.yaml"
    body = "\n".join(f"  {line}" if line else "" for line in notice.split("\n"))
    path.write_text(FLOW.format(notice=body), encoding="utf-8")
    return path


# Escaped on Telegram (&amp; &lt;), yet counted as shown: 2,700 characters each.
PARAGRAPH = "Vos données & vos droits <RGPD> : lisez attentivement. " * 49


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    for name in ("SURVEYBOT_API_URL", "SURVEYBOT_DB", "SURVEYBOT_ADMINS", "SURVEYBOT_STAGES"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield CliRunner()
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_5400_character_notice_in_paragraphs_arrives_in_parts_buttons_last(
    api: FakeBotAPI, stages: list[StageDef], tmp_path: Path, runner: CliRunner
) -> None:
    path = flow_with_notice(tmp_path, [PARAGRAPH.strip(), PARAGRAPH.strip()])
    notice_length = len(load_flow(path).text(load_flow(path).consent or "", "fr"))
    assert notice_length > 5400
    checked = runner.invoke(main, ["validate", str(path)])
    assert checked.exit_code == 0 and checked.stdout == ""

    app = build_application(
        token=TOKEN, flow=load_flow(path), stages=stages, request=api, rate_limit=False
    )
    async with running(app, tmp_path / "survey.sqlite3"):
        ana = Person(Updates(app, api), 42)
        await ana.send("/start")

        closing = typeset(CLOSING, "fr")  # the notice is the flow's text: typeset when shown
        parts = [m for m in ana.chat if "RGPD" in m.text or closing in m.text]
        assert len(parts) == 2
        assert parts[0].keyboard is None
        assert parts[-1].labels()[:2] == [AGREE, "Je refuse"]
        assert parts[-1].text.endswith(closing)
        assert all(len(m.text) <= 4096 for m in ana.chat)
        shown = "\n\n".join(m.text for m in parts)
        assert shown.count("Vos données & vos droits <RGPD>") == 2 * 49  # nothing cut
        await ana.tap(AGREE)
        assert ana.last_text.endswith("Tout va bien\u00a0?")


def test_a_5400_character_paragraph_is_reported_and_stops_the_bot_at_start(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = flow_with_notice(tmp_path, [(PARAGRAPH * 2).strip()])
    checked = runner.invoke(main, ["validate", str(path)])
    assert checked.exit_code == 1
    expected = (
        f"{path}:4: a paragraph of 5,389 characters is longer than a Telegram message "
        "(4,096); break it into paragraphs with a blank line\n"
    )
    assert checked.stdout == expected
    assert checked.stderr == f"{path}: 1 problem\n"

    started = runner.invoke(
        main,
        ["run", "--flow", str(path), "--stages", str(bundled_path("stages.yaml"))],
        env={"SURVEYBOT_TOKEN": TOKEN},
    )
    assert started.exit_code == 1
    assert started.stderr == expected
    assert "Traceback" not in started.output


def test_a_45_character_button_label_is_a_warning_not_a_failure(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = tmp_path / "label.yaml"
    label = "Commerce de gros, de détail et réparation aut"
    assert len(label) == 45
    path.write_text(
        FLOW.replace("consent: |-\n{notice}\n", "").replace(
            '        type: yes_no\n        text: "Tout va bien ?"\n',
            '        type: single_choice\n        text: "Secteur ?"\n        choices:\n'
            "          - {code: industry, label: Industrie}\n"
            f'          - {{code: trade, label: "{label}"}}\n',
        ),
        encoding="utf-8",
    )
    checked = runner.invoke(main, ["validate", str(path)])
    assert checked.exit_code == 0
    assert checked.stdout == (
        f"{path}:13: warning: question 'ok': button label of 45 characters: a phone shows "
        "about 40 on a button and cuts the rest; shorten it\n"
    )
    assert checked.stderr == f"{path}: ok, 1 warning\n"
