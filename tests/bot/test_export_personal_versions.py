"""`/export personal` names the personal questions of the older versions kept too.

Answers given on an older version of the questionnaire are in the export; a question
marked personal there (a phone number the current file no longer asks) is among those
the warning names. The real application and handlers, the Bot API faked at HTTP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from conversation import canonical_content
from conversation.versions import digest_of
from flows import Flow, load_flow
from storage import Store
from tests.support.fake_bot_api import Person
from tests.support.organiser_jobs import ask_and_wait
from tests.support.personal_flow import write_personal_mini

ORGANISER = 900_001
PHONE = """      - id: phone
        type: text
        text: {fr: "Téléphone ?", en: "Phone?"}
        required: false
        personal: true
"""


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    """The personal mini flow as version 2."""
    text = write_personal_mini(tmp_path).read_text(encoding="utf-8")
    path = tmp_path / "current.yaml"
    path.write_text(text.replace("version: 1\n", "version: 2\n", 1), encoding="utf-8")
    return load_flow(path)


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


async def test_a_personal_question_of_an_older_version_is_named(
    person: Callable[..., Person], store: Store, tmp_path: Path
) -> None:
    text = write_personal_mini(tmp_path).read_text(encoding="utf-8")
    anchor = "      - id: email\n"
    older = tmp_path / "older.yaml"
    older.write_text(text.replace(anchor, PHONE + anchor, 1), encoding="utf-8")
    # Version 1, as the database keeps it from before (the app started on version 2).
    content = canonical_content(load_flow(older))
    await store.record_flow_version(
        "mini",
        1,
        digest=digest_of(content),
        content=content,
        now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    ana = person(700_000_301)
    await ana.send("/start pithiviers")
    await ana.tap("Continuer ▶")
    await ana.send("ACME Robotique")

    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export personal")

    warning = next(m.text for m in boss.chat if "données personnelles" in m.text)
    # The current file's questions first, then those only an older version asked.
    assert "«\u00a0Nom\u00a0?\u00a0», «\u00a0E-mail\u00a0?\u00a0», «\u00a0Téléphone" in warning
