"""The respondent's trust on Telegram: consent before anything is stored, a changed notice
asked again, /mydata and /delete, and an erasure that leaves nothing in the file.

The bundled questionnaire has an information notice; every table is read back from
the database file, as an analyst (or an auditor) would.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import BotApplication, build_application, running
from flows import Flow, StageDef
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates

AGREE = "✅ J’accepte"
DECLINE = "Je refuse"
DECLINED = (
    "C’est noté\u00a0: vous ne participez pas, et aucune réponse n’est enregistrée. "
    "Merci de votre attention.\n\nSi vous changez d’avis, tapez /start."
)
DECLINED_BY_LINK = DECLINED.replace(
    "tapez /start.",
    "touchez à nouveau votre lien d’invitation\u00a0: https://t.me/surveybot_test_bot?start=pithiviers",
)
"""Declined by a link (or a response tagged at Pithiviers): /start alone would lose it."""
CHANGED = "L’information sur vos données a changé depuis votre dernière visite."
ERASE_CONFIRM = "Effacer définitivement toutes vos réponses et les données vous concernant\u00a0?"
DELETED = "C’est fait\u00a0: vos réponses et les données vous concernant ont été effacées."
NOTHING_KEPT = "Nous ne conservons aucune réponse de votre part."
FORGED = "Ce bouton n’est pas reconnu."
# A free-text answer that appears nowhere else, to look for in the file's bytes.
SECRET = "Zygomorphe-Tartempion-4242"

PersonFactory = Callable[..., Person]
Query = Callable[..., list[sqlite3.Row]]
AnswersOf = Callable[[int], dict[str, tuple[Any, str | None, str | None]]]
ResponsesOf = Callable[[int], list[sqlite3.Row]]
AppFactory = Callable[[FakeBotAPI], BotApplication]


def read(db_path: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    """Rows read from the file by a second, read-only connection."""
    uri = f"{db_path.resolve().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def table_sizes(db_path: Path) -> dict[str, int]:
    """Every table in the file and how many rows it holds (a new table shows up here)."""
    names = [
        row["name"]
        for row in read(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")
        if not row["name"].startswith("sqlite_")
    ]
    return {name: read(db_path, f'SELECT COUNT(*) AS n FROM "{name}"')[0]["n"] for name in names}


def kept(query: Query) -> tuple[list[tuple[Any, ...]], ...]:
    """Everything stored about people (not which chat message shows the question)."""
    return (
        [tuple(r) for r in query("SELECT * FROM respondents ORDER BY id")],
        [
            tuple(r)
            for r in query(
                "SELECT id, key, respondent_id, stage_code, status, state_json, "
                "consent_version, consented_at FROM responses ORDER BY id"
            )
        ],
        [tuple(r) for r in query("SELECT * FROM answers ORDER BY response_id, question_id")],
        [tuple(r) for r in query("SELECT * FROM consent_refusals ORDER BY id")],
    )


# --- consent ----------------------------------------------------------------------------


async def test_declining_stores_nothing_but_the_refusal_and_start_asks_again(
    person: PersonFactory, query: Query, db_path: Path, stages: list[StageDef], flow: Flow
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    notice = ana.last
    assert "Vos droits" in notice.text
    assert notice.labels() == [AGREE, DECLINE, "English"]
    assert query("SELECT * FROM responses") == []  # showing the notice stores nothing

    await ana.tap(DECLINE)

    assert ana.last_text == DECLINED_BY_LINK
    assert notice.keyboard is None
    assert table_sizes(db_path) == {
        "respondents": 0,  # a refusal says which notice, where, when: not whose
        "stages": len(stages),
        "flow_versions": 1,  # the questionnaire as run, for exports: nothing about anyone
        "jobs": 0,
        "inbox": 0,  # fed without the poller here; with it, gone minutes after handled
        "kept_texts": 0,  # the web chat's refused texts: none on Telegram
        "responses": 0,
        "answers": 0,
        "handled_updates": 1,  # the decline's update: delivered again, it stores nothing more
        "consent_refusals": 1,
    }
    (refusal,) = query("SELECT * FROM consent_refusals")
    assert refusal["stage_code"] == "pithiviers"
    assert refusal["consent_version"] == flow.consent_version

    # Typing instead of tapping stores nothing either: the notice comes back.
    await ana.send("Acme")
    assert ana.last.labels() == [AGREE, DECLINE, "English"]
    await ana.send("/start")
    again = ana.last
    assert "Vos droits" in again.text and not again.text.startswith(CHANGED)
    assert again.labels() == [AGREE, DECLINE, "English"]
    assert query("SELECT * FROM responses") == []
    assert query("SELECT * FROM answers") == []

    # They change their mind: now, and only now, a response exists.
    await ana.tap(AGREE)
    assert ana.last_text.startswith("Question 1/")
    (response,) = query("SELECT * FROM responses")
    assert response["consent_version"] == flow.consent_version


async def test_accepting_records_the_notice_version_and_the_workshop(
    person: PersonFactory, responses_of: ResponsesOf, query: Query, flow: Flow
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)

    assert ana.last_text.startswith("Question 1/")
    (response,) = responses_of(ana.user_id)
    assert flow.consent_version is not None and len(flow.consent_version) == 12
    assert response["consent_version"] == flow.consent_version
    assert response["consented_at"] is not None
    assert response["stage_code"] == "pithiviers"
    assert response["status"] == "in_progress"
    assert query("SELECT * FROM consent_refusals") == []


async def test_the_notice_and_its_buttons_are_in_english_for_an_english_speaker(
    person: PersonFactory, query: Query
) -> None:
    bob = person(language_code="en")
    await bob.send("/start")
    notice = bob.last
    assert "Your rights" in notice.text
    assert notice.labels() == ["✅ I agree", "I decline", "Français"]
    await bob.tap("I decline")
    assert bob.last_text.startswith("Noted: you are not taking part, and no answer is stored.")
    assert query("SELECT * FROM responses") == []


async def test_the_notice_switches_language_and_keeps_the_workshop_of_the_link(
    person: PersonFactory, responses_of: ResponsesOf, query: Query
) -> None:
    ana = person()  # her Telegram is in French, she reads English better
    await ana.send("/start pithiviers")
    french = ana.last
    await ana.tap("English")

    assert french.keyboard is None
    assert "Your rights" in ana.last.text
    assert ana.last.labels() == ["✅ I agree", "I decline", "Français"]
    assert query("SELECT * FROM respondents") == []  # still nothing stored
    await ana.tap("✅ I agree")

    assert ana.last_text.startswith("Question 1/")
    assert "What is the name of your company?" in ana.last_text
    (response,) = responses_of(ana.user_id)
    assert (response["language"], response["stage_code"]) == ("en", "pithiviers")


async def test_a_decline_delivered_twice_stores_one_refusal(
    person: PersonFactory, updates: Updates, query: Query
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    tap = ana.tap_update(ana.data_of(DECLINE))
    await updates.feed(tap)
    await updates.feed(tap)  # redelivered after a crash, same update id

    assert len(query("SELECT * FROM consent_refusals")) == 1


async def test_a_double_tap_on_agree_creates_one_response(
    person: PersonFactory, updates: Updates, responses_of: ResponsesOf
) -> None:
    ana = person()
    await ana.send("/start")
    notice = ana.last
    data = ana.data_of(AGREE)
    await updates.feed(ana.tap_update(data), ana.tap_update(data))

    assert len(responses_of(ana.user_id)) == 1
    assert len([m for m in ana.chat if m.text.startswith("Question 1/")]) == 1
    assert ana.last.text.startswith("Question 1/")
    assert notice.keyboard is None
    await ana.send("Acme")
    assert ana.last_text.startswith("Question 2/")


async def test_decline_on_an_older_copy_of_the_notice_asks_before_erasing(
    person: PersonFactory, answers_of: AnswersOf, query: Query
) -> None:
    """Typing before tapping shows the notice twice; the older "Je refuse" must not wipe
    answers given since (nor claim that none are stored) without a confirmation."""
    ana = person()
    await ana.send("/start")
    older = ana.last
    buttons, decline = older.keyboard, ana.data_of(DECLINE, older)
    await ana.send("Bonjour")
    assert ana.last is not older and ana.last.labels() == [AGREE, DECLINE, "English"]
    assert older.keyboard is None, "the older copy gave way to the newer"
    await ana.tap(AGREE)
    await ana.send("Acme")
    before = kept(query)

    # A phone that had not caught up still shows the older copy's buttons.
    tap = ana.tap_update(decline, older)
    tap["callback_query"]["message"]["reply_markup"] = {"inline_keyboard": buttons}
    await ana.updates.feed(tap)

    assert ana.last_text.startswith(ERASE_CONFIRM)
    assert ana.last.labels() == ["Oui, tout effacer", "Non, garder mes réponses"]
    assert kept(query) == before
    assert not any(m.text.startswith(DECLINED[:40]) for m in ana.chat)
    await ana.tap("Non, garder mes réponses")
    assert ana.last_text.startswith("Question 2/")
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, None)}


# --- a changed notice -------------------------------------------------------------------


@pytest.fixture
def revised_flow(bundled_flow: Flow) -> Flow:
    """The bundled flow with one more sentence in its notice."""
    assert isinstance(bundled_flow.consent, dict)
    consent = {
        "fr": bundled_flow.consent["fr"] + "\n\nNouveau : la région reçoit aussi la synthèse.",
        "en": bundled_flow.consent["en"] + "\n\nNew: the region also receives the report.",
    }
    revised = bundled_flow.model_copy(update={"consent": consent})
    assert revised.consent_version != bundled_flow.consent_version
    return revised


class Visits:
    """One person's visits to the bot over two runs: before and after the notice changed."""

    def __init__(self, make_app: AppFactory, api: FakeBotAPI, db_path: Path) -> None:
        self.make_app, self.api, self.db_path = make_app, api, db_path
        self.next_update_id = 1

    @contextlib.asynccontextmanager
    async def run(self, flow: Flow | None, stages: list[StageDef]) -> AsyncIterator[Person]:
        """A bot process (with `flow`, or the usual one) and the person 42 talking to it."""
        api = self.api.reconnected() if self.next_update_id > 1 else self.api
        app = (
            self.make_app(api)
            if flow is None
            else build_application(
                token=TOKEN, flow=flow, stages=stages, request=api, rate_limit=False
            )
        )
        async with running(app, self.db_path):
            updates = Updates(app, api, first_update_id=self.next_update_id)
            yield Person(updates, 42)
            self.next_update_id = updates.next_id() + 1


@pytest.fixture
async def visits(
    make_app: AppFactory, api: FakeBotAPI, db_path: Path, stages: list[StageDef]
) -> Visits:
    """Ana has agreed to the current notice and answered two questions, then left."""
    visits = Visits(make_app, api, db_path)
    async with visits.run(None, stages) as ana:
        await ana.send("/start pithiviers")
        await ana.tap(AGREE)
        await ana.send("Acme")
        await ana.tap("Agroalimentaire")
        await ana.send("/start")  # the resume offer, which she leaves for later
        assert ana.last.labels() == ["Reprendre ▶", "Recommencer"]
    return visits


def answers(db_path: Path) -> dict[str, str]:
    return {
        row["question_id"]: row["value_json"]
        for row in read(db_path, "SELECT question_id, value_json FROM answers")
    }


async def test_a_changed_notice_is_asked_before_anything_else_and_agreeing_keeps_the_answers(
    visits: Visits, revised_flow: Flow, stages: list[StageDef], db_path: Path
) -> None:
    async with visits.run(revised_flow, stages) as ana:
        sent = len(ana.chat)
        await ana.send("/start")
        (notice,) = ana.chat[sent:]
        assert notice.text.startswith(CHANGED)
        assert notice.text.endswith("Nouveau\u00a0: la région reçoit aussi la synthèse.")
        assert notice.labels() == [AGREE, DECLINE, "English"]

        # Neither an answer nor a command gets past it, and nothing is stored meanwhile.
        await ana.send("Plus de 50")
        assert ana.last.text.startswith(CHANGED)
        await ana.send("/skip")
        assert ana.last.text.startswith(CHANGED)
        assert answers(db_path) == {"company_name": '"Acme"', "sector": '"agrifood"'}

        await ana.tap(AGREE)
        assert ana.last_text.startswith("Question 3/")
        assert "Combien de salariés compte Acme" in ana.last_text
        await ana.tap("10 à 49")
        assert ana.last_text.startswith("Question 4/")

    (response,) = read(db_path, "SELECT * FROM responses")
    assert response["consent_version"] == revised_flow.consent_version
    assert response["stage_code"] == "pithiviers"
    assert answers(db_path) == {
        "company_name": '"Acme"',
        "sector": '"agrifood"',
        "headcount": '"h10_49"',
    }


async def test_declining_a_changed_notice_erases_what_was_kept_and_stores_the_refusal(
    visits: Visits, revised_flow: Flow, stages: list[StageDef], db_path: Path
) -> None:
    async with visits.run(revised_flow, stages) as ana:
        await ana.send("/start")
        await ana.tap(DECLINE)
        assert ana.last_text == DECLINED_BY_LINK  # the response was tagged at Pithiviers

        sizes = table_sizes(db_path)
        sizes.pop("handled_updates")  # update ids from the first visit, nothing about her
        assert sizes == {
            "respondents": 0,
            "stages": len(stages),
            "flow_versions": 1,  # the questionnaire as run, for exports: nothing about anyone
            "jobs": 0,
            "inbox": 0,  # fed without the poller here; with it, gone minutes after handled
            "kept_texts": 0,  # the web chat's refused texts: none on Telegram
            "responses": 0,
            "answers": 0,
            "consent_refusals": 1,
        }
        (refusal,) = read(db_path, "SELECT * FROM consent_refusals")
        assert refusal["consent_version"] == revised_flow.consent_version

        # Coming back, they start afresh: the notice, not "it changed".
        await ana.send("/start")
        assert not ana.last.text.startswith(CHANGED)
        assert ana.last.labels() == [AGREE, DECLINE, "English"]


async def test_buttons_from_before_the_change_show_the_new_notice_first(
    visits: Visits, revised_flow: Flow, stages: list[StageDef], db_path: Path
) -> None:
    """The resume offer's "Reprendre ▶" and the question's own buttons predate the change."""
    async with visits.run(revised_flow, stages) as ana:
        offer, question = ana.chat[-1], ana.chat[-2]
        assert question.text.startswith("Question 3/") and question.keyboard is not None

        await ana.tap("Reprendre ▶", message=offer)
        assert ana.last.text.startswith(CHANGED)
        assert not any(m.text.startswith("Question 3/") for m in ana.chat[-2:])

        await ana.tap("10 à 49", message=question)
        reply = ana.answers_to_queries()[-1]["text"]
        assert reply == "Merci de répondre d’abord à l’information sur vos données, ci-dessus."
        assert ana.last.text.startswith(CHANGED)
        assert "headcount" not in answers(db_path)


# --- /mydata -----------------------------------------------------------------------------


async def test_mydata_sends_a_summary_and_a_json_file_of_their_own_data_only(
    person: PersonFactory, responses_of: ResponsesOf, flow: Flow
) -> None:
    ana, bob = person(), person(language_code="en")
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Ana Industries")
    await ana.tap("Agroalimentaire")
    await bob.send("/start")
    await bob.tap("✅ I agree")
    await bob.send("Bob Holdings")

    asked = ana.last
    text, labels = asked.text, asked.labels()
    await ana.send("/mydata")

    summary, document, again = ana.chat[-3:]
    # The question under way comes again below the copy, the only one with buttons.
    assert (again.text, again.labels()) == (text, labels) and "Aucun salarié" in labels
    assert ana.live_keyboards() == [again]
    assert summary.text.startswith("Voici les données enregistrées vous concernant\u00a0:")
    assert "(Pithiviers)\u00a0: en cours, 2\u00a0réponses" in summary.text
    assert summary.text.endswith("Pour tout effacer\u00a0: /delete")
    assert document.text == "Toutes vos données, en entier, au format JSON."
    assert document.attachment is not None
    name, content = document.attachment
    assert name == "mes_donnees.json"
    data = json.loads(content.decode("utf-8"))
    assert data["telegram_id"] == str(ana.user_id)
    (response,) = data["responses"]
    assert response["key"] == responses_of(ana.user_id)[0]["key"]
    assert response["stage_code"] == "pithiviers"
    assert response["consent_version"] == flow.consent_version
    assert {q: a["value"] for q, a in response["answers"].items()} == {
        "company_name": "Ana Industries",
        "sector": "agrifood",
    }
    # Nothing of Bob's: not his answers, his Telegram id, nor his response's key, as a
    # value anywhere in the file (his id's digits may well occur inside a timestamp).
    text = content.decode("utf-8")
    for his in ("Bob Holdings", str(bob.user_id), responses_of(bob.user_id)[0]["key"]):
        assert f'"{his}"' not in text

    await bob.send("/mydata")
    name, content = bob.chat[-2].attachment or ("", b"")  # the question comes after it
    assert name == "my_data.json"
    assert "Ana Industries" not in content.decode("utf-8")


async def test_mydata_after_declining_finds_nothing_about_them(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(DECLINE)
    await ana.send("/mes_donnees")

    # The refusal is counted, but nothing in it is hers.
    assert ana.last_text == NOTHING_KEPT
    assert not api.calls_to("sendDocument")


async def test_no_telegram_id_is_stored_before_agreeing(
    person: PersonFactory, db_path: Path
) -> None:
    ana = person(987654321, first_name="Ana")
    await ana.send("/start pithiviers")
    await ana.send("/help")
    await ana.tap("English")
    await ana.send("What is this?")
    await ana.send("/mydata")
    await ana.tap("I decline")  # the notice again, in the language she chose

    # Every value of every row of every table, as text: no trace of her id or her name.
    tables = [
        row["name"]
        for row in read(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")
        if not row["name"].startswith("sqlite_")
    ]
    stored = [
        str(value)
        for table in tables
        for row in read(db_path, f"SELECT * FROM {table}")
        for value in row
    ]
    assert not [value for value in stored if "987654321" in value or "Ana" in value]
    assert read(db_path, "SELECT COUNT(*) AS n FROM consent_refusals")[0]["n"] == 1


async def test_asking_what_is_kept_keeps_nothing_new(
    person: PersonFactory, query: Query, api: FakeBotAPI
) -> None:
    """A stranger's /mydata or /delete must not be what records their Telegram id."""
    ana = person()
    await ana.send("/mydata")
    assert ana.last_text == NOTHING_KEPT
    await ana.send("/delete")
    assert ana.last_text == NOTHING_KEPT
    assert not api.calls_to("sendDocument")
    assert query("SELECT * FROM respondents") == []


# --- /delete -------------------------------------------------------------------------------


async def test_delete_then_keep_changes_nothing(
    person: PersonFactory, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    before = kept(query)

    await ana.send("/delete")
    confirm = ana.last
    assert confirm.text.startswith(ERASE_CONFIRM)
    await ana.tap("Non, garder mes réponses")

    assert kept(query) == before
    assert confirm.keyboard is None
    assert ana.last_text.startswith("Question 2/")  # and they go on where they were
    await ana.tap("Agroalimentaire")
    assert answers_of(ana.user_id)["sector"] == ("agrifood", None, None)


@pytest.mark.parametrize("data", ["z|0||x", "z|1|x|", "z|0|sector|", "z|", "z|one||"])
async def test_a_forged_erase_button_changes_nothing(
    person: PersonFactory, query: Query, data: str
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    before, sent = kept(query), len(ana.chat)

    await ana.tap_data(data)

    assert kept(query) == before
    assert ana.answers_to_queries()[-1].get("text") == FORGED
    assert len(ana.chat) == sent


async def test_delete_erases_everything_and_leaves_no_trace_in_the_file(
    app: BotApplication, api: FakeBotAPI, db_path: Path
) -> None:
    ana_id = 777_123_456  # distinctive, to look for in the file too
    async with running(app, db_path):
        updates = Updates(app, api)
        ana, bob = Person(updates, ana_id), Person(updates, 888_001)
        for person, company in ((ana, SECRET), (bob, "Bob SA")):
            await person.send("/start pithiviers")
            await person.tap(AGREE)
            await person.send(company)
            await person.tap("Agroalimentaire")
        # The check below can see the answer while it is stored.
        assert SECRET.encode() in _file_bytes(db_path)

        await ana.send("/supprimer")
        await ana.tap("Oui, tout effacer")
        assert ana.last_text.startswith(DELETED)
        assert ana.live_keyboards() == []

        # No row about her in any table; Bob's are untouched.
        (bob_row,) = read(db_path, "SELECT id, external_id FROM respondents")
        assert bob_row["external_id"] == str(bob.user_id)
        (response,) = read(db_path, "SELECT respondent_id FROM responses")
        assert response["respondent_id"] == bob_row["id"]
        assert {r["value_json"] for r in read(db_path, "SELECT value_json FROM answers")} == {
            '"Bob SA"',
            '"agrifood"',
        }
        assert read(db_path, "SELECT * FROM consent_refusals") == []

        # Asking afterwards finds nothing, and records nothing.
        await ana.send("/mydata")
        assert ana.last_text == NOTHING_KEPT
        assert len(read(db_path, "SELECT * FROM respondents")) == 1

    content = _file_bytes(db_path)
    assert SECRET.encode() not in content
    assert str(ana_id).encode() not in content
    assert b"Bob SA" in content  # the file is readable: the search would have found it


def _file_bytes(db_path: Path) -> bytes:
    """The database file and its write-ahead log, as `strings` would read them."""
    parts = [db_path, db_path.with_name(db_path.name + "-wal")]
    return b"".join(path.read_bytes() for path in parts if path.exists())


async def test_erasing_twice_is_harmless(
    person: PersonFactory, updates: Updates, query: Query
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("/delete")
    data = ana.data_of("Oui, tout effacer")
    await updates.feed(ana.tap_update(data), ana.tap_update(data))

    assert [m.text for m in ana.chat].count(ana.last_text) == 1
    assert ana.last_text.startswith(DELETED)
    assert query("SELECT * FROM respondents") == []
