"""/stats and /export after an organiser removed or renamed a stage that had responses.

The tour dropped Figeac and Le Creusot from its stages file and renamed vitre to
vitre-bzh. /stats listed "figeac (figeac)" and "vitre (vitre)" with a response
each while naming "Vitré" among the stages with no response yet: the database
remembers each stage's city, and now /stats names the stage by it and says it is
no longer in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram import build_application, running
from flows import Flow, load_stages
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates
from tests.support.organiser_jobs import ask_and_wait

ORGANISER = 900_001
FIRST = """\
stages:
  - {code: pithiviers, city: Pithiviers, date: 2019-06-05}
  - {code: figeac, city: Figeac, date: 2019-06-12}
  - {code: Le-Creusot, city: Le Creusot, date: 2019-06-14}
  - {code: vitre, city: Vitré, date: 2019-06-20}
"""
NOW = """\
stages:
  - {code: pithiviers, city: Pithiviers, date: 2019-06-05}
  - {code: vitre-bzh, city: Vitré, date: 2019-06-20}
"""
"""Figeac and Le Creusot removed, vitre renamed vitre-bzh."""


def stages_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
async def bot(tmp_path: Path, mini_flow: Flow) -> AsyncIterator[Updates]:
    """The bot run with the stages file as it is now, after a respondent
    each at figeac, Le-Creusot and vitre answered it as it was."""
    db = tmp_path / "tour.sqlite3"
    api = FakeBotAPI()
    admins = frozenset({ORGANISER})
    before = load_stages(stages_file(tmp_path, "first.yaml", FIRST))
    app = build_application(
        token=TOKEN, flow=mini_flow, stages=before, request=api, rate_limit=False, admins=admins
    )
    async with running(app, db):
        updates = Updates(app, api)
        for user, code in enumerate(["figeac", "Le-Creusot", "vitre"], start=501):
            await Person(updates, user, first_name="Ana", language_code="fr").send(f"/start {code}")
    api = api.reconnected()
    now = load_stages(stages_file(tmp_path, "now.yaml", NOW))
    app = build_application(
        token=TOKEN, flow=mini_flow, stages=now, request=api, rate_limit=False, admins=admins
    )
    async with running(app, db):
        yield Updates(app, api, first_update_id=100)


@pytest.fixture
def organiser(bot: Updates) -> Person:
    return Person(bot, ORGANISER, first_name="Org", language_code="fr")


async def test_stats_name_a_removed_stage_by_its_town_and_say_it_is_gone(
    organiser: Person,
) -> None:
    await organiser.send("/stats")
    text = organiser.last_text
    assert "Figeac (figeac, plus dans le fichier des étapes)\n1\u00a0commencée" in text
    assert "Le Creusot (Le-Creusot, plus dans le fichier des étapes)\n1\u00a0commencée" in text
    assert "Vitré (vitre, plus dans le fichier des étapes)\n1\u00a0commencée" in text
    # Two Vitré now: the quiet one is told apart by its code.
    assert "Pas encore de réponse\u00a0: Pithiviers, Vitré (vitre-bzh)" in text
    assert "Pithiviers (pithiviers)" not in text


async def test_in_english_too(bot: Updates) -> None:
    organiser = Person(bot, ORGANISER, first_name="Org", language_code="en")
    await organiser.send("/stats")
    assert "Figeac (figeac, no longer in the stages file)\n1 started" in organiser.last_text


# --- /stats CODE and /export CODE of a stage removed from the file ----------------------


@pytest.mark.parametrize("typed", ["figeac", "FIGEAC", "le-creusot", "vitre"])
async def test_stats_of_a_removed_stage_its_responses_carry(organiser: Person, typed: str) -> None:
    """Accepted as `surveybot stats --stage` accepts it, whatever its case: its figures."""
    city, code = {
        "figeac": ("Figeac", "figeac"),
        "le-creusot": ("Le Creusot", "Le-Creusot"),
        "vitre": ("Vitré", "vitre"),
    }[typed.lower()]
    await organiser.send(f"/stats {typed}")
    text = organiser.last_text
    assert f"{city} ({code}, plus dans le fichier des étapes)\n1\u00a0commencée" in text
    assert "Total\n1\u00a0commencée" in text
    assert "n’est ni" not in text and "inconnu" not in text


async def test_export_of_a_removed_stage_holds_its_responses(organiser: Person) -> None:
    import pandas as pd

    await ask_and_wait(organiser, "/export FIGEAC")
    name, content = organiser.chat[-2].attachment or ("", b"")
    assert name.startswith("reponses_figeac_") and name.endswith(".xlsx")
    table = pd.read_excel(io.BytesIO(content), sheet_name="responses", dtype=str)
    assert list(table["stage_code"]) == ["figeac"]
    assert list(table["stage_city"]) == ["Figeac"]


@pytest.mark.parametrize(("typed", "code"), [("VITRE", "vitre"), ("le-creusot", "Le-Creusot")])
async def test_export_csv_of_a_removed_stage_filters_on_the_code_carried(
    organiser: Person, typed: str, code: str
) -> None:
    await ask_and_wait(organiser, f"/export {typed} csv")
    name, content = organiser.chat[-2].attachment or ("", b"")
    assert name.startswith(f"reponses_{code}_") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [row["stage_code"] for row in rows] == [code]


async def test_a_code_neither_the_file_nor_a_response_holds_is_still_refused(
    organiser: Person,
) -> None:
    await organiser.send("/stats nowhere")
    assert plain(organiser).startswith("Atelier « nowhere » inconnu. Ateliers : pithiviers, ")
    await organiser.send("/export figeac nowhere")
    assert plain(organiser).startswith("Atelier « nowhere » inconnu.")


async def test_a_removed_stage_is_one_workshop_among_the_one_allowed(organiser: Person) -> None:
    await organiser.send("/stats figeac pithiviers")
    assert plain(organiser).startswith("Un atelier à la fois au plus : « figeac » en trop.")
    await organiser.send("/export vitre figeac")
    assert plain(organiser).startswith("Un atelier à la fois au plus : « figeac » en trop.")


async def test_qr_of_a_removed_stage_is_refused_as_it_has_no_link(organiser: Person) -> None:
    await organiser.send("/qr figeac")
    assert plain(organiser).startswith("Atelier « figeac » inconnu.")


def plain(person: Person) -> str:
    """Their last message, its no-break spaces plain."""
    return person.last_text.replace("\u00a0", " ")
