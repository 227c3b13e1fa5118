"""A questionnaire changed under a response: it goes on under the new version with what still fits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conversation import Action, Conversation, Intent, Message, Question, Status, Summary
from flows import Flow, load_flow
from storage import ResponseStatus, Store
from tests.conftest import MINI, Peek
from tests.conversation.conftest import RESUME, Chat, ChatFactory, mini_to

UPDATED = (
    "Le questionnaire a été mis à jour depuis votre dernière visite. Vos réponses "
    "qui s’y appliquent encore sont conservées\u00a0; voici où vous en êtes."
)
ASKED_AGAIN = "Depuis la mise à jour du questionnaire, cette question attend votre réponse\u00a0:"
STALE = "Ce bouton n’est plus actif\u00a0: répondez à la dernière question."


@pytest.fixture
def mini_v2(tmp_path: Path) -> Flow:
    """mini.yaml, version 2: 'share' removed, 'staff' narrowed from 1–10,000 to 1–10."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["version"] = 2
    for section in data["sections"]:
        section["steps"] = [step for step in section["steps"] if step["id"] != "share"]
        for step in section["steps"]:
            if step["id"] == "staff":
                step["max"] = 10
    path = tmp_path / "mini_v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    flow = load_flow(path)
    assert (flow.id, flow.version) == ("mini", 2)
    return flow


async def answers(store: Store, person: Chat) -> dict[str, object]:
    stored = await store.answers_for(person.reply.response_id or 0)
    return {question: answer.value for question, answer in stored.items()}


async def test_the_response_goes_on_under_the_new_version_with_what_fits(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    store: Store,
    peek: Peek,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "exports")  # Acme, 12 employees, industry
    ana.conversation = converse(mini_v2)

    await ana.start()

    # Said once, before the offer to resume.
    assert ana.kinds == ["Message", "Menu"]
    assert ana.messages == [UPDATED]
    assert ana.menu.text.startswith("Vous avez un questionnaire en cours (2\u00a0réponses sur 9).")
    assert peek.query("SELECT flow_version, status, current_step FROM responses") == [
        (2, "in_progress", "exports")
    ]
    # 12 employees no longer fits 1–10: dropped; the rest is kept.
    assert await answers(store, ana) == {"company": "Acme", "sector": "industry"}
    # The answers kept stand as they were given, on version 1 (what their questions offered).
    assert peek.query("SELECT DISTINCT flow_version FROM answers") == [(1,)]

    await ana.press(RESUME)
    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "exports"
    assert ana.prompt.total == 9

    # Once every question left is answered, the dropped one is asked again.
    await ana.press("Oui")
    await ana.press("Europe")
    await ana.confirm()
    assert ana.prompt.step_id == "importance"  # 'share' is gone
    await ana.press("3")
    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.skip()
    assert ana.kinds == ["Answered", "Message", "Question"]
    assert ana.messages == [ASKED_AGAIN]
    assert ana.prompt.step_id == "staff"
    await ana.write("12")
    assert ana.reply.status == Status.REFUSED
    assert ana.reply.note == "Merci d’indiquer un nombre de 1 à 10."
    await ana.write("8")
    assert ana.kinds[-1] == "Summary"
    assert UPDATED not in ana.messages
    assert await answers(store, ana) == {
        "company": "Acme",
        "staff": 8,
        "sector": "industry",
        "exports": "yes",
        "markets": ["eu"],
        "importance": 3,
        "obstacles": ["cost", "time"],
    }
    assert peek.query("SELECT flow_version, status FROM responses") == [(2, "completed")]


async def test_a_typed_answer_meant_for_the_old_question_is_not_applied(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    store: Store,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "share")  # "Part export ?", gone in version 2
    ana.conversation = converse(mini_v2)

    # Meant as 4 % of exports; under version 2 the open question is 'staff' (12 no longer fits).
    await ana.write("4")

    assert ana.reply.status == Status.DONE
    assert ana.kinds == ["Message", "Message", "Question"]
    assert ana.messages == [UPDATED, ASKED_AGAIN]  # back to an earlier question: why
    assert ana.prompt.step_id == "staff"
    assert "staff" not in await answers(store, ana)
    assert "share" not in await answers(store, ana)

    await ana.write("4")  # now it is an answer to the question on screen
    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.answer == "4\u00a0salariés"
    assert UPDATED not in ana.messages
    assert (await answers(store, ana))["staff"] == 4


async def test_a_command_on_the_first_contact_shows_where_they_are(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    store: Store,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "exports")
    ana.conversation = converse(mini_v2)

    await ana.command("back")  # meant for the old screen: not applied

    assert ana.screens == (Message(UPDATED), Question(ana.prompt))
    assert ana.prompt.step_id == "exports"
    await ana.command("back")
    assert ana.answered.prompt.step_id == "exports"
    assert ana.prompt.step_id == "sector"
    assert ana.messages == []


async def test_an_old_button_is_stale_under_the_new_version(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    store: Store,
    peek: Peek,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "exports")
    old_yes = ana.action("Oui")
    ana.conversation = converse(mini_v2)

    await ana.tap(old_yes)

    assert (ana.reply.status, ana.reply.note) == (Status.STALE, STALE)
    assert "exports" not in await answers(store, ana)
    assert peek.query("SELECT flow_version, current_step FROM responses") == [(2, "exports")]

    await ana.tap(old_yes)  # still stale: the carried-over response has a new sequence
    assert ana.reply.status == Status.STALE
    assert "exports" not in await answers(store, ana)


async def test_an_old_button_first_after_an_update_still_says_so_and_shows_the_question(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "exports")
    old_yes = ana.action("Oui")
    ana.conversation = converse(mini_v2)

    await ana.tap(old_yes)

    # Not applied, but the person is told, and gets the question again with live buttons.
    assert ana.reply.status == Status.STALE
    assert ana.kinds == ["Message", "Question"]
    assert ana.messages == [UPDATED]
    assert ana.prompt.step_id == "exports"
    await ana.press("Oui")
    assert ana.answered.answer == "Oui"


async def test_a_response_completed_under_v1_is_kept_as_it_was_given(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    store: Store,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "email")
    await ana.write("ana@acme.fr")  # completed under version 1, with 12 employees
    before = await answers(store, ana)
    ana.conversation = converse(mini_v2)

    await ana.start()

    thanks, summary = ana.screens
    assert thanks == Message(
        "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Il a changé depuis\u00a0: votre "
        "réponse est conservée telle que vous l’avez donnée. Voici vos réponses."
    )
    assert isinstance(summary, Summary) and summary.revise is None
    # An old "change an answer" button, from before the update: the same, nothing changes.
    await ana.tap(Action(Intent.REVISE, value="importance"))
    assert ana.screens[0] == thanks
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert (response.status, response.flow_version) == (ResponseStatus.COMPLETED, 1)
    assert await answers(store, ana) == before


async def test_a_completed_response_mid_revision_is_still_kept_as_it_was_given(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    store: Store,
) -> None:
    """Completed, then changed in a way that opened a question, and left there; then the
    flow changed: shown as given, and nothing of the old version's question applied."""
    ana = chat(mini)
    await mini_to(ana, "importance")
    await ana.press("2")  # 'email' is asked only from 4 up
    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.skip()  # completed, with 12 employees (version 2 allows 10 at most)
    await ana.tap(Action(Intent.REVISE, value="importance"))
    await ana.press("5")
    assert ana.prompt.step_id == "email"
    before = await answers(store, ana)
    old_question = ana.prompt
    ana.conversation = converse(mini_v2)

    await ana.start()
    assert ana.kinds == ["Message", "Summary"]
    assert "conservée telle que vous l’avez donnée" in ana.messages[0]
    await ana.write("ana@acme.fr")  # the old version's question, answered anyway
    assert ana.kinds == ["Message", "Summary"]
    await ana.tap(Action(Intent.SKIP, seq=old_question.seq, step="email"))
    assert "Summary" in ana.kinds
    for command in ("back", "skip"):  # the commands of the old question, typed
        await ana.command(command)
        assert "Question" not in ana.kinds, command  # the summary, or a pointer to it

    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert (response.status, response.flow_version) == (ResponseStatus.COMPLETED, 1)
    assert await answers(store, ana) == before


async def test_a_response_carried_back_to_an_older_version_is_said_in_the_log_once(
    chat: ChatFactory,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    mini_flow: Flow,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two instances behind one webhook, one left on the old file: each input of a person
    # undoes the other's move. Allowed (a file put back as it was), but the organiser is told.
    monkeypatch.setattr("conversation.session._CARRIED_BACK", set())
    ana = chat(converse(mini_v2))
    await mini_to(ana, "staff")  # the company named
    assert not [r for r in caplog.records if r.levelname == "WARNING"]  # forward: no word

    for _ in range(2):
        ana.conversation = converse(mini_flow)
        await ana.start()
        ana.conversation = converse(mini_v2)
        await ana.start()

    said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert said == [
        "a response to mini saved under its version 2 was carried back to version 1, the one "
        "this instance runs: if another instance runs the newer file, restart every instance "
        "with the same flow files, or respondents are moved back and forth"
    ]
