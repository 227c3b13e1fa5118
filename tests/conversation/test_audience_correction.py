"""The wrong audience picked from the list, corrected before any answer; and, with several
questionnaires, the restart's confirmation and /mydata say which questionnaire they mean.

The bot runs both bundled questionnaires. The workshop's plain link (`pithiviers`)
asks who is answering; someone who tapped the wrong one gets back to that list
("↩ Changer de questionnaire" under the notice, /back at the notice or at the first
question while nothing is answered), and their next choice is a first choice. A
questionnaire a link names (`pithiviers__entreprise`) is the link's: no way back.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from bot.telegram import build_application, running
from conversation import Conversation, DataCopy, Message
from flows import Catalogue, Flow, StageDef
from storage import Store
from tests.conftest import Peek
from tests.conversation.conftest import AGREE, RESTART_YES, ChatFactory
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates
from tests.support.sqlite import open_sqlite

COMPANY = "Une entreprise"
ACTOR = "Un acteur du territoire"
LIST = [COMPANY, ACTOR, "English"]
"""Who is answering: each questionnaire, and its other language to read the list in."""
AGAIN = "↩ Changer de questionnaire"
FIRST_QUESTION = "Vous êtes à la première question."


def _responses(peek: Peek) -> list[tuple[str, str | None]]:
    return [tuple(row) for row in peek.query("SELECT flow_id, stage_code FROM responses")]


def _stored(db: Path) -> list[tuple[str, str | None]]:
    with open_sqlite(db) as connection:
        return connection.execute("SELECT flow_id, stage_code FROM responses").fetchall()


async def test_the_notice_of_a_picked_audience_leads_back_to_the_list_for_the_workshop(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.press(COMPANY)
    assert AGAIN in ana.labels()

    await ana.press(AGAIN)
    assert ana.kinds == ["Menu"]
    assert ana.labels() == LIST
    assert "pour qui vous répondez" in ana.menu.text

    await ana.press(ACTOR)  # as a first choice: that questionnaire's welcome and notice
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")
    assert "Pithiviers" in (ana.welcome.workshop or "")
    await ana.press(AGREE)
    assert ana.prompt.step_id == actors_flow.steps()[0].id
    assert _responses(peek) == [(actors_flow.id, "pithiviers")]


async def test_back_at_the_notice_of_a_picked_audience_is_the_list_again(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.press(COMPANY)
    await ana.command("back")
    assert ana.labels() == LIST
    await ana.press(ACTOR)
    await ana.press(AGREE)
    assert _responses(peek) == [(actors_flow.id, "pithiviers")]


async def test_back_at_the_first_question_with_nothing_answered_is_the_list_again(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.press(COMPANY)
    await ana.press(AGREE)

    await ana.command("back")

    assert FIRST_QUESTION not in ana.messages
    assert ana.labels() == LIST
    # Nothing answered, so nothing kept: the company's response and its agreement go.
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]
    await ana.press(ACTOR)
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")
    await ana.press(AGREE)
    assert _responses(peek) == [(actors_flow.id, "pithiviers")]


async def test_back_never_erases_a_response_to_another_questionnaire(
    both: Conversation, chat: ChatFactory, peek: Peek, store: Store, db_path: Path
) -> None:
    # Ana answered, a year before, a questionnaire this bot no longer runs: going back to
    # the list erased the respondent, that completed response with them.
    await store.enrol(
        "telegram",
        "ana",
        flow_id="tour_2018",
        flow_version=1,
        stage_code="pithiviers",
        language="fr",
        state_json="{}",
        current_step=None,
        now=dt.datetime(2018, 6, 5, tzinfo=dt.UTC),
    )
    with open_sqlite(db_path) as connection:
        connection.execute("UPDATE responses SET status = 'completed'")
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.press(COMPANY)
    await ana.press(AGREE)

    await ana.command("back")

    assert ana.labels() == LIST  # the list again, and only the empty one went
    assert [flow for flow, _ in _responses(peek)] == ["tour_2018"]
    assert peek.query("SELECT status FROM responses") == [("completed",)]


async def test_a_link_without_workshop_leads_back_to_the_list_without_one(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start()
    await ana.press(COMPANY)
    await ana.press(AGAIN)
    assert ana.labels() == LIST
    await ana.press(ACTOR)
    assert ana.welcome.workshop is None
    await ana.press(AGREE)
    assert _responses(peek) == [(actors_flow.id, None)]


async def test_only_a_questionnaire_picked_from_the_list_and_not_yet_answered_goes_back(
    both: Conversation, chat: ChatFactory, bundled_flow: Flow
) -> None:
    ana = chat(both, "ana")
    await ana.start("pithiviers")
    await ana.press(COMPANY)
    assert AGAIN in ana.labels()
    # The audience named by the link: the link's questionnaire, as the organiser meant it.
    bob = chat(both, "bob")
    await bob.start("pithiviers__entreprise")
    assert AGAIN not in bob.labels()
    await bob.press(AGREE)
    await bob.command("back")
    assert bob.messages == [FIRST_QUESTION]
    # Once an answer is given, going back is to the question before.
    await ana.press(AGREE)
    await ana.write("Acme Example")
    await ana.command("back")
    assert ana.prompt.step_id == bundled_flow.steps()[0].id
    await ana.command("back")
    assert ana.messages == [FIRST_QUESTION]


async def test_the_restart_asked_under_the_other_links_offer_names_the_questionnaire(
    both: Conversation, chat: ChatFactory, bundled_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("pithiviers__entreprise")
    await ana.press(AGREE)
    await ana.write("Acme Example")
    await ana.start("pithiviers__territoire")  # the switch offer, about the actors' link

    await ana.command("restart")

    assert ana.menu.text == (
        "Recommencer efface toutes vos réponses au questionnaire pour «\u00a0Une entreprise\u00a0». "
        "Confirmez-vous\u00a0?"
    )
    await ana.press(RESTART_YES)
    assert ana.prompt.step_id == bundled_flow.steps()[0].id
    await ana.command("language")
    await ana.press("English")
    await ana.command("restart")
    assert ana.menu.text == (
        "Starting over erases all your answers to the questionnaire for “A company”. Are you sure?"
    )


async def test_mydata_names_the_questionnaire_of_each_response(
    both: Conversation, chat: ChatFactory
) -> None:
    ana = chat(both)
    await ana.start("pithiviers__territoire")
    await ana.press(AGREE)
    await ana.write("Ville Exemple")

    await ana.command("mydata")

    copy = ana.only(DataCopy)
    assert isinstance(copy, DataCopy)
    [key] = [response["key"] for response in copy.data["responses"]]
    assert copy.responses == (
        "• Questionnaire pour «\u00a0Un acteur du territoire\u00a0» commencé le 3\u00a0juin"
        f"\u00a02019 (Pithiviers)\u00a0: en cours, 1\u00a0réponse (référence {key})",
    )
    assert not any(isinstance(screen, Message) for screen in ana.screens)


async def test_telegram_goes_back_to_the_list_from_the_notice_and_the_first_question(
    bundled_flow: Flow, actors_flow: Flow, bundled_stages: list[StageDef], db_path: Path
) -> None:
    api = FakeBotAPI()
    app = build_application(
        token=TOKEN,
        flow=Catalogue((bundled_flow, actors_flow)),
        stages=bundled_stages,
        request=api,
        rate_limit=False,
    )
    async with running(app, db_path):
        ana = Person(Updates(app, api), 731)
        await ana.send("/start pithiviers")
        await ana.tap(COMPANY)
        await ana.tap(AGAIN)
        assert ana.last.labels() == LIST
        await ana.tap(COMPANY)
        await ana.tap("J’accepte")
        await ana.send("/back")  # at the first question, nothing answered
        assert ana.last.labels() == LIST
        await ana.tap(ACTOR)
        await ana.tap("J’accepte")
    assert _stored(db_path) == [(actors_flow.id, "pithiviers")]


def test_the_terminal_goes_back_to_the_list_from_the_first_question(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    # A company, agreed; "retour" at its first question; an actor, agreed.
    lines = ["1", "oui", "retour", "2", "oui", "quitter"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db), "--stage", "pithiviers"],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SURVEYBOT_FLOWS": "bundled"},
    )
    assert result.returncode == 0, result.stderr
    after_back = result.stdout.split("> retour")[-1]
    assert FIRST_QUESTION not in after_back
    assert after_back.index(ACTOR) < after_back.index("acteurs du territoire")
    assert _stored(db) == [("tour_innov_2019_acteurs", "pithiviers")]
