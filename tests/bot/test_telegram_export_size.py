"""/export within Telegram's upload limit: zipped when too big, and never in silence.

The fake Bot API refuses an upload over its limit ("Request Entity Too Large"),
as Telegram does over 50 MB; the tests lower both that limit and the bot's,
so a small database stands for a big one.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.telegram import delivery
from flows import Flow
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates
from tests.support.organiser_jobs import ask_and_wait
from tests.support.sqlite import open_sqlite

ORGANISER = 900_001
PersonFactory = Callable[..., Person]


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


@pytest.fixture
async def exported(person: PersonFactory, updates: Updates) -> tuple[bytes, bytes]:
    """Some responses, and the CSV and codebook `/export csv` sends while they fit."""
    people = [person(user) for user in range(700_000_001, 700_000_151)]
    # Rows that repeat themselves, as a big export's do: the CSV compresses well.
    await updates.feed(*(someone.message_update("/start pithiviers") for someone in people))
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export csv")
    data, codebook = boss.chat[-2].attachment, boss.chat[-1].attachment
    assert data is not None and codebook is not None
    return data[1], codebook[1]


def lower_limit(monkeypatch: pytest.MonkeyPatch, api: FakeBotAPI, size: int) -> None:
    monkeypatch.setattr(delivery, "UPLOAD_LIMIT", size)
    api.upload_limit = size


async def test_an_export_over_the_limit_arrives_as_a_zip_of_the_csv_and_codebook(
    person: PersonFactory,
    api: FakeBotAPI,
    exported: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csv, codebook = exported
    lower_limit(monkeypatch, api, len(csv) - 1)
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export csv")

    document = boss.last
    assert document.attachment is not None
    name, content = document.attachment
    assert name.startswith("reponses_") and name.endswith(".zip")
    assert len(content) <= len(csv) - 1
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names[0].endswith(".csv") and names[1].startswith("codebook_")
        assert archive.read(names[0]) == csv
        assert archive.read(names[1]) == codebook
    assert document.text.startswith("150\u00a0réponses")
    assert "zip" in document.text


async def test_an_export_too_big_even_zipped_is_explained_in_the_chat(
    person: PersonFactory,
    api: FakeBotAPI,
    exported: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lower_limit(monkeypatch, api, 200)
    boss = person(ORGANISER)
    before = len(boss.chat)
    await ask_and_wait(boss, "/export csv")

    assert len(boss.chat) == before + 2, "the acknowledgement, then the explanation"
    assert boss.last.attachment is None
    assert "Telegram n’accepte pas plus de 50\u00a0Mo" in boss.last_text
    assert "surveybot export --excel -o reponses.csv" in boss.last_text
    assert "/export CODE" in boss.last_text


async def test_a_file_telegram_refuses_is_followed_by_a_word_not_silence(
    person: PersonFactory,
    api: FakeBotAPI,
    exported: tuple[bytes, bytes],
) -> None:
    # The bot believes the file fits; Telegram says otherwise (its limit changed, say).
    api.upload_limit = 100
    boss = person(ORGANISER)
    before = len(boss.chat)
    await ask_and_wait(boss, "/export csv")

    assert [m.attachment for m in boss.chat[before:]] == [None, None]
    assert boss.last_text.startswith("Telegram a refusé le fichier de l’export.")


IDEA = "Recruter des alternants avec l'IUT voisin et partager un ingénieur export. " * 48
"""A long answer to "ideas" (3.6 KB): rows this long make a CSV over 50 MB from 19,200 responses."""


def grow(db_path: Path, responses: int) -> int:
    """Give every response a long idea, then copy the responses (in SQL) until there are enough."""
    with open_sqlite(db_path, timeout=10) as conn:
        conn.execute(
            "INSERT INTO answers (response_id, question_id, value_json, flow_id, flow_version, "
            "stage_code, answered_at) SELECT id, 'ideas', json_quote(?), flow_id, flow_version, "
            "stage_code, started_at FROM responses",
            (IDEA,),
        )
        columns = [row[1] for row in conn.execute("PRAGMA table_info(responses)")]
        fields = [row[1] for row in conn.execute("PRAGMA table_info(answers)")]
        count = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
        while count < responses:
            offset = conn.execute("SELECT max(id) FROM responses").fetchone()[0]
            renamed = {"id": f"id + {offset}", "key": f"key || '-{offset}'"}
            picked = ", ".join(renamed.get(name, name) for name in columns)
            conn.execute(
                f"INSERT INTO responses ({', '.join(columns)}) SELECT {picked} FROM responses"
            )
            moved = ", ".join(
                f"response_id + {offset}" if f == "response_id" else f for f in fields
            )
            conn.execute(f"INSERT INTO answers ({', '.join(fields)}) SELECT {moved} FROM answers")
            count *= 2
        return int(count)


async def test_a_csv_over_50_mb_arrives_zipped_within_telegram_s_limit(
    person: PersonFactory,
    api: FakeBotAPI,
    exported: tuple[bytes, bytes],
    db_path: Path,
) -> None:
    # Telegram's own limits, not lowered: the fake Bot API refuses an upload over 50 MB.
    assert api.upload_limit == 50 * 1024 * 1024 and api.upload_limit > delivery.UPLOAD_LIMIT
    responses = grow(db_path, 19_000)
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export csv")

    document = boss.last
    assert document.attachment is not None
    name, content = document.attachment
    assert name.endswith(".zip") and len(content) <= delivery.UPLOAD_LIMIT
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        csv = archive.read(archive.namelist()[0])
        assert archive.namelist()[1].startswith("codebook_")
    assert len(csv) > api.upload_limit
    assert csv.count(IDEA.encode()) == responses
    assert document.text.startswith(f"{responses}\u00a0réponses")
