"""Organiser commands in Telegram: /stats, /links, /qr — for SURVEYBOT_ADMINS only."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.telegram import BotApplication, running
from flows import Flow, StageDef
from storage import Store
from tests.support.fake_bot_api import BOT_USERNAME, FakeBotAPI, Person, Updates
from tests.support.organiser_jobs import ask_and_wait
from tests.support.sqlite import open_sqlite

ORGANISER = 900_001
Query = Callable[..., list[sqlite3.Row]]
PersonFactory = Callable[..., Person]


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


async def finish_mini(person: Person) -> None:
    """The mini flow by typing, to the end."""
    for line in ["ACME", "12"]:
        await person.send(line)
    await person.tap("Industrie")
    await person.tap("Non")
    await person.tap("3")
    await person.tap("Coût")
    await person.tap("Temps")
    await person.tap("Valider ce classement")
    await person.tap("Passer ⏭")


@pytest.fixture
async def some_answers(person: PersonFactory) -> None:
    """Two completed at Pithiviers, one started there, one started without a workshop."""
    for user in (700_000_101, 700_000_102):
        done = person(user)
        await done.send("/start pithiviers")
        await done.tap("Continuer ▶")
        await finish_mini(done)
    started = person(700_000_103)
    await started.send("/start pithiviers")
    untagged = person(700_000_104)
    await untagged.send("/start")


UNKNOWN = "Je ne connais pas cette commande. /help pour l’aide."


@pytest.mark.parametrize("command", ["/stats", "/links", "/qr pithiviers", "/qr", "/export"])
async def test_anyone_else_gets_the_unknown_command_answer(
    person: PersonFactory, command: str, api: FakeBotAPI
) -> None:
    ana = person(12345)
    await ana.send(command)
    assert [m.text for m in ana.chat] == [UNKNOWN]
    assert not api.calls_to("sendPhoto")
    assert not api.calls_to("sendDocument")


async def test_stats_match_the_database(
    person: PersonFactory, some_answers: None, query: Query
) -> None:
    boss = person(ORGANISER)
    await boss.send("/stats")

    text = boss.last_text
    rows = query(
        "SELECT stage_code, COUNT(*) AS started, SUM(status = 'completed') AS completed "
        "FROM responses GROUP BY stage_code"
    )
    by_stage = {row["stage_code"]: (row["started"], row["completed"]) for row in rows}
    assert by_stage == {"pithiviers": (3, 2), None: (1, 0)}
    assert "Pithiviers (pithiviers)\n3\u00a0commencées · 2\u00a0terminées (67\u00a0%)" in text
    assert "Sans atelier (—)\n1\u00a0commencée · 0\u00a0terminée (0\u00a0%)" in text
    assert "Total\n4\u00a0commencées · 2\u00a0terminées (50\u00a0%)" in text
    assert "aujourd’hui 4/2" in text
    assert "Pas encore de réponse\u00a0: Évreux (exemple), Vitré (exemple)" in text


async def test_stats_count_the_responses_given_up(
    person: PersonFactory, some_answers: None, store: Store
) -> None:
    """The unfinished ones the upkeep closed: counted apart, and said what they are."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=15)
    assert await store.abandon_stale(idle_since=later - dt.timedelta(days=14), now=later) == 2
    boss = person(ORGANISER)
    await boss.send("/stats")

    text = boss.last_text
    pithiviers = "3\u00a0commencées · 2\u00a0terminées (67\u00a0%) · 1\u00a0abandonnée · médiane"
    assert f"Pithiviers (pithiviers)\n{pithiviers}" in text
    assert "Total\n4\u00a0commencées · 2\u00a0terminées (50\u00a0%) · 2\u00a0abandonnées ·" in text
    assert text.endswith("Abandonnée\u00a0: non terminée et sans nouvelle depuis 14\u00a0jours.")
    chef = person(ORGANISER, language_code="en")
    await chef.send("/language")
    await chef.tap("English")
    await chef.send("/stats")
    assert "4 started · 2 completed (50%) · 2 abandoned · median" in chef.last_text
    assert chef.last_text.endswith("Abandoned: unfinished and untouched for 14 days.")


async def test_stats_still_say_what_abandoned_is_once_abandoning_is_off(
    person: PersonFactory, some_answers: None, store: Store, app: BotApplication
) -> None:
    """SURVEYBOT_ABANDON_AFTER_DAYS=0 after some were closed: those are said, as closed
    before, and that none is now (not "untouched for 0 days", not a figure unexplained)."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=15)
    await store.abandon_stale(idle_since=later - dt.timedelta(days=14), now=later)
    app.bot_data.policy = dataclasses.replace(app.bot_data.policy, abandon_after=None)
    boss = person(ORGANISER)
    await boss.send("/stats")
    assert "2\u00a0abandonnées" in boss.last_text
    assert boss.last_text.endswith("il n’en ferme plus (SURVEYBOT_ABANDON_AFTER_DAYS=0).")


async def test_links_lists_every_stage(person: PersonFactory, stages: list[StageDef]) -> None:
    boss = person(ORGANISER)
    await boss.send("/links")

    text = "\n".join(m.text for m in boss.chat)
    for stage in stages:
        assert f"https://t.me/{BOT_USERNAME}?start={stage.code}" in text
        assert stage.city in text
    assert "Pithiviers — 5\u00a0juin\u00a02019" in text


async def test_qr_sends_the_code_of_one_stage_that_decodes_to_its_link(
    person: PersonFactory,
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    boss = person(ORGANISER)
    await boss.send("/qr PITHIVIERS")

    photo = boss.last
    assert photo.attachment is not None
    name, content = photo.attachment
    assert name == "pithiviers.png"
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))
    assert decoded.text == f"https://t.me/{BOT_USERNAME}?start=pithiviers"
    assert photo.text.startswith("Pithiviers\nhttps://t.me/")


async def test_qr_without_or_with_an_unknown_code_says_which_exist(person: PersonFactory) -> None:
    boss = person(ORGANISER)
    await boss.send("/qr")
    assert boss.last_text.startswith("Utilisation\u00a0: /qr CODE (ateliers\u00a0: pithiviers,")
    await boss.send("/qr atlantis")
    assert boss.last_text.startswith(
        "Atelier «\u00a0atlantis\u00a0» inconnu. Ateliers\u00a0: pithiviers,"
    )


async def test_two_workshops_at_once_are_refused_naming_no_questionnaire(
    person: PersonFactory,
) -> None:
    boss = person(ORGANISER)
    await boss.send("/stats pithiviers exemple_nord")
    # One questionnaire runs: the word in excess can only be a workshop.
    assert boss.last_text.startswith(
        "Un atelier à la fois au plus\u00a0: «\u00a0exemple_nord\u00a0» en trop."
    )


@pytest.mark.parametrize("command", ["/stats", "/export", "/qr", "/links"])
async def test_two_thousand_stray_words_are_quoted_ten_and_counted(
    person: PersonFactory, command: str
) -> None:
    """Every word quoted back made a message Telegram refuses ("Message is too long")."""
    boss = person(ORGANISER)
    await boss.send(command + " a" * 2000)
    reply = boss.last_text
    assert len(reply) < 4096
    assert "«\u00a0a\u00a0», «\u00a0a\u00a0»" in reply and "… et 1990\u00a0autres" in reply
    assert "problème" not in reply and "pas accepté" not in reply


@pytest.mark.parametrize(
    "stages", [[StageDef(code=f"ville_{n:04d}", city=f"Ville {n}") for n in range(1000)]]
)
async def test_a_thousand_workshops_are_named_within_one_message(person: PersonFactory) -> None:
    boss = person(ORGANISER)
    await boss.send("/qr")
    assert len(boss.last_text) < 4096
    assert "ville_0000, ville_0001" in boss.last_text
    assert boss.last_text.endswith("… et 960\u00a0autres (/links les donne tous))")
    await boss.send("/qr atlantis")
    assert "… et 960\u00a0autres" in boss.last_text
    await boss.send("/qr ville_0999")
    assert boss.last.attachment is not None and boss.last.attachment[0] == "ville_0999.png"


async def test_export_sends_the_csv_and_codebook_counted_by_status(
    person: PersonFactory, some_answers: None, query: Query
) -> None:
    import pandas as pd

    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export csv")  # a small export is a workbook unless asked

    data, codebook = boss.chat[-2], boss.chat[-1]
    assert data.attachment is not None and codebook.attachment is not None
    name, content = data.attachment
    assert name.startswith("reponses_") and name.endswith(".csv")
    assert content.startswith("\ufeff".encode()), "UTF-8 with BOM for French Excel"
    table = pd.read_csv(io.BytesIO(content), sep=";", encoding="utf-8-sig", dtype=str)
    statuses = sorted(row["status"] for row in query("SELECT status FROM responses"))
    assert sorted(table["status"]) == statuses
    assert set(table["response_key"]) == {row["key"] for row in query("SELECT key FROM responses")}
    # Pseudonymous: the channel is named, but no Telegram user id appears.
    assert set(table["channel"]) == {"telegram"}
    text = content.decode("utf-8-sig")
    for row in query("SELECT external_id FROM respondents"):
        assert row["external_id"] not in text
    for user in (1, 2, 3, 4):
        assert str(user) not in set(table["response_key"])
    assert data.text.startswith("4\u00a0réponses (2\u00a0terminées, 2\u00a0en cours)")
    book = pd.read_csv(io.BytesIO(codebook.attachment[1]), sep=";", encoding="utf-8-sig")
    assert list(book["column"]) == list(table.columns)


async def test_export_of_one_stage(person: PersonFactory, some_answers: None) -> None:
    import pandas as pd

    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export PITHIVIERS")

    name, content = boss.chat[-2].attachment or ("", b"")
    assert name.startswith("reponses_pithiviers_") and name.endswith(".xlsx")
    table = pd.read_excel(io.BytesIO(content), sheet_name="responses", dtype=str)
    assert set(table["stage_code"]) == {"pithiviers"}
    assert len(table) == 3


async def test_an_export_of_nothing_says_so_at_once_and_sends_no_file(
    person: PersonFactory, api: FakeBotAPI, db_path: Path
) -> None:
    boss = person(ORGANISER)
    await boss.send("/export personal")
    # Said straight away: no "Export en cours" first, no warning about personal data.
    assert [m.text for m in boss.chat] == ["Pas encore de réponse à exporter."]
    started = person(700_000_103)
    await started.send("/start pithiviers")
    await boss.send("/export exemple_nord")
    assert boss.last_text == "Pas encore de réponse à exporter pour Dunkerque (exemple_nord)."
    assert len(boss.chat) == 2
    assert not api.calls_to("sendDocument")
    with open_sqlite(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM jobs").fetchone() == (0,)


async def test_an_export_of_a_workshop_with_answers_is_acknowledged_then_sent(
    person: PersonFactory,
) -> None:
    await person(700_000_104).send("/start exemple_nord")
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export exemple_nord")
    assert boss.chat[0].text == "Export en cours\u00a0: vous recevrez le fichier ici."
    assert [m.attachment[0].split("_")[:2] for m in boss.chat if m.attachment] == [
        ["reponses", "exemple"],
        ["codebook", "exemple"],
    ]


async def test_one_response_is_counted_in_the_singular(person: PersonFactory) -> None:
    done = person(700_000_101)
    await done.send("/start pithiviers")
    await done.tap("Continuer ▶")
    await finish_mini(done)
    await person(700_000_102, language_code="en").send("/start")
    boss, chef = person(ORGANISER), person(ORGANISER, language_code="en")
    await boss.send("/stats pithiviers")
    assert "1\u00a0commencée · 1\u00a0terminée (100\u00a0%)" in boss.last_text
    await ask_and_wait(boss, "/export")
    caption = next(m.text for m in boss.chat if m.attachment is not None)
    assert caption.startswith("2\u00a0réponses (1\u00a0terminée, 1\u00a0en cours)")
    await ask_and_wait(boss, "/export pithiviers")
    assert boss.chat[-2].text.startswith("1\u00a0réponse (1\u00a0terminée)")
    await ask_and_wait(chef, "/export pithiviers")
    assert chef.chat[-2].text.startswith("1 response (1 completed)")
    await chef.send("/stats pithiviers")
    assert "1 started · 1 completed (100%)" in chef.last_text  # no space in English


async def test_an_organisers_help_lists_the_organiser_commands(person: PersonFactory) -> None:
    ana = person(12345)
    await ana.send("/help")
    respondents = [m.text for m in ana.chat]
    assert "/export" not in "\n".join(respondents)
    boss = person(ORGANISER)
    await boss.send("/help")
    first, *rest = [m.text for m in boss.chat]
    assert first.splitlines() == [
        "Commandes d’organisateur (vous seul les voyez)\u00a0:",
        "/stats [CODE]\u00a0: réponses par atelier, taux, médiane, aujourd’hui",
        "/links\u00a0: les liens d’invitation",
        "/qr CODE\u00a0: le QR code d’un atelier, à montrer ou imprimer",
        "/export [CODE] [personal] [xlsx|csv]\u00a0: les réponses dans un classeur Excel "
        "(en CSV si l’export est très gros), et le codebook",
    ]
    assert rest == respondents, "then what a respondent's /help says"


async def test_qr_with_a_web_address_too_long_for_a_qr_code_says_so(
    make_app: Callable[..., BotApplication],
    api: FakeBotAPI,
    db_path: Path,
) -> None:
    app = make_app(api)
    app.bot_data.public_url = "https://enquete.example.org/" + "a" * 3000
    async with running(app, db_path):
        boss = Person(Updates(app, api), ORGANISER)
        await boss.send("/qr pithiviers")
    assert boss.last_text.startswith("Ce lien (3\u202f041\u00a0caractères)")
    assert "trop long pour un QR code" in boss.last_text
    assert not any(m.attachment for m in boss.chat)
    assert not any("problème" in m.text for m in boss.chat)


async def test_an_organiser_who_chose_english_gets_the_organiser_commands_in_english(
    person: PersonFactory, some_answers: None
) -> None:
    boss = person(ORGANISER)  # a phone in French
    await boss.send("/start pithiviers")
    await boss.send("/language")
    await boss.tap("English")

    await boss.send("/stats")
    stats = boss.last_text
    before = len(boss.chat)
    await boss.send("/help")
    help_ = "\n".join(m.text for m in boss.chat[before:])

    assert "started" in stats and "commencée" not in stats
    assert "Organiser commands" in help_ and "Commandes" not in help_
