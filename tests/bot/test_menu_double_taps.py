"""A double tap on a menu is obeyed once: "Reprendre", the workshop picker, the language.

Telegram sends both presses of a double tap with the message as it was when pressed,
buttons and all, so the message cannot tell the second press from the first. Before,
the second was obeyed too: the question sent twice, the welcome twice. Now it gets the
tap's short "no longer active" answer and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.support.fake_bot_api import ChatMessage, Person, Updates

STALE = "Ce bouton n’est plus actif\u00a0: répondez à la dernière question."
STALE_EN = "This button is no longer active: please answer the latest question."
AGREE = "✅ J’accepte"

PersonFactory = Callable[..., Person]


async def double_tap(someone: Person, updates: Updates, label: str) -> list[ChatMessage]:
    """Both presses of a double tap in one batch, as long polling delivers them; the
    messages the chat got from them."""
    before = len(someone.chat)
    data = someone.data_of(label)
    await updates.feed(someone.tap_update(data), someone.tap_update(data))
    return someone.chat[before:]


def last_query_answers(someone: Person, count: int) -> list[str | None]:
    return [answer.get("text") for answer in someone.answers_to_queries()[-count:]]


async def test_resume_tapped_twice_asks_the_question_once(
    person: PersonFactory, updates: Updates
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.send("/start")

    sent = await double_tap(ana, updates, "Reprendre ▶")

    assert [m.text.split(" · ")[0] for m in sent] == ["Question 2/51"]
    assert last_query_answers(ana, 2) == [None, STALE]
    assert len(ana.live_keyboards()) == 1


async def test_a_workshop_picked_twice_opens_the_questionnaire_once(
    person: PersonFactory, updates: Updates
) -> None:
    bob = person()
    await bob.send("/start no-such-town")

    sent = await double_tap(bob, updates, "Pithiviers")

    notices = [m for m in sent if AGREE in m.labels()]
    assert len(notices) == 1, [m.text[:40] for m in sent]
    assert last_query_answers(bob, 2) == [None, STALE]
    await bob.tap(AGREE)
    assert bob.last.text.startswith("Question 1/")


async def test_a_language_chosen_twice_is_said_once(
    person: PersonFactory, updates: Updates
) -> None:
    cleo = person()
    await cleo.send("/start pithiviers")
    await cleo.tap(AGREE)
    await cleo.send("/language")

    sent = await double_tap(cleo, updates, "English")

    assert sum(m.text.startswith("Question 1/") for m in sent) == 1, [m.text for m in sent]
    assert last_query_answers(cleo, 1) == [STALE_EN]  # in the language just chosen


async def test_a_menu_tapped_once_then_offered_again_is_obeyed_again(
    person: PersonFactory,
) -> None:
    # Only the message pressed is used up: the same menu sent anew works as before.
    dan = person()
    await dan.send("/start pithiviers")
    await dan.tap(AGREE)
    await dan.send("Acme")
    for _ in range(2):
        await dan.send("/start")
        await dan.tap("Reprendre ▶")
        assert dan.last.text.startswith("Question 2/")
    assert STALE not in last_query_answers(dan, 2)
