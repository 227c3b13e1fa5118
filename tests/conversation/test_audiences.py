"""Several questionnaires in one bot: who is answering picks the flow, and nothing else changes.

The bot runs the two bundled questionnaires, one for companies and one for the
territory's actors. A link naming only the workshop asks who is answering; a
link per audience (`pithiviers__territoire`) goes straight to its questionnaire;
once a response exists, it decides the flow of everything that follows.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conversation import Action, Conversation, Intent, Menu, Pressed
from conversation.tokens import decode, encode
from flows import Catalogue, Flow, StageDef
from storage import Store
from tests.conftest import Clock, Peek
from tests.conversation.conftest import AGREE, ChatFactory

COMPANY = "Une entreprise"
ACTOR = "Un acteur du territoire"
LIST = [COMPANY, ACTOR, "English"]
"""Who is answering: each questionnaire, and its other language to read the list in."""


def _flows_of_responses(peek: Peek) -> list[tuple[str, str | None]]:
    return [tuple(row) for row in peek.query("SELECT flow_id, stage_code FROM responses")]


async def test_a_workshop_link_asks_who_is_answering_and_stores_nothing(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    assert ana.labels() == LIST
    assert "pour qui vous répondez" in ana.menu.text
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_a_word_typed_at_the_audience_list_gets_the_list_again_for_the_workshop(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.write("bonjour")
    assert ana.kinds == ["Menu"]  # no word about a notice not shown yet
    assert ana.labels() == LIST
    await ana.press(ACTOR)
    await ana.write("bonjour")
    assert ana.messages == [
        "Pour commencer, merci de répondre à l’information sur vos données, ci-dessous."
    ]
    await ana.press(AGREE)
    assert _flows_of_responses(peek) == [("tour_innov_2019_acteurs", "pithiviers")]


async def test_the_audience_picked_gives_its_questionnaire_with_the_workshop(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.press(ACTOR)
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")
    await ana.press(AGREE)
    assert ana.prompt.step_id == actors_flow.steps()[0].id
    assert _flows_of_responses(peek) == [(actors_flow.id, "pithiviers")]


@pytest.mark.parametrize(("suffix", "which"), [("territoire", "actors"), ("entreprise", "company")])
async def test_a_link_per_audience_goes_straight_to_its_questionnaire(
    both: Conversation,
    chat: ChatFactory,
    peek: Peek,
    bundled_flow: Flow,
    actors_flow: Flow,
    suffix: str,
    which: str,
) -> None:
    flow = actors_flow if which == "actors" else bundled_flow
    ana = chat(both)
    await ana.start(f"pithiviers__{suffix}")
    assert ana.welcome.title == flow.text(flow.title, "fr")
    assert "Pithiviers" in (ana.welcome.workshop or "")
    await ana.press(AGREE)
    assert _flows_of_responses(peek) == [(flow.id, "pithiviers")]


async def test_a_link_without_workshop_asks_and_keeps_no_stage(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start()
    assert ana.labels() == LIST
    await ana.press(ACTOR)
    await ana.press(AGREE)
    assert _flows_of_responses(peek) == [(actors_flow.id, None)]


async def test_switching_language_on_the_notice_keeps_the_audience(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("pithiviers__territoire")
    await ana.press("English")
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "en")
    await ana.press("✅ I agree")
    assert _flows_of_responses(peek) == [(actors_flow.id, "pithiviers")]


async def test_the_response_decides_the_flow_afterwards(
    both: Conversation, chat: ChatFactory, actors_flow: Flow
) -> None:
    """Typed answers, /start from another link and a later visit stay in the flow begun."""
    ana = chat(both)
    await ana.start("pithiviers__territoire")
    await ana.press(AGREE)
    first = ana.prompt.step_id
    assert first in {step.id for step in actors_flow.steps()}
    await ana.start("pithiviers")  # the plain workshop link, again
    assert "Reprendre ▶" in ana.labels()
    await ana.press("Reprendre ▶")
    assert ana.prompt.step_id == first


async def test_a_forged_audience_asks_again_politely(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.tap(Action(Intent.AUDIENCE, stage="pithiviers__nobody"))
    assert isinstance(ana.screens[-1], Menu)
    assert ana.labels() == LIST
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_an_unknown_workshop_with_an_audience_keeps_it_through_the_stage_list(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("nowhere__territoire")
    assert "Pithiviers" in ana.labels()
    await ana.press("Pithiviers")
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")
    await ana.press(AGREE)
    assert _flows_of_responses(peek) == [(actors_flow.id, "pithiviers")]


async def test_a_stage_tied_to_one_flow_needs_no_question(
    store: Store,
    clock: Clock,
    chat: ChatFactory,
    peek: Peek,
    bundled_flow: Flow,
    actors_flow: Flow,
) -> None:
    stages = [StageDef(code="chambre", city="Orléans", flow=actors_flow.id)]
    conversation = Conversation(
        store, Catalogue((bundled_flow, actors_flow)), stages, clock=lambda: clock.now
    )
    ana = chat(conversation)
    await ana.start("chambre")
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")


async def test_erasing_removes_the_response_of_either_flow(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await ana.start("pithiviers__territoire")
    await ana.press(AGREE)
    await ana.command("delete")
    await ana.press("Oui, tout effacer")
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_one_flow_still_goes_straight_to_its_welcome(
    converse: Callable[[Flow], Conversation], chat: ChatFactory, bundled_flow: Flow
) -> None:
    ana = chat(converse(bundled_flow))
    await ana.start("pithiviers")
    assert ana.welcome.title == bundled_flow.text(bundled_flow.title, "fr")
    # An audience button from another setup: this bot has one questionnaire, which it shows.
    await ana.send(Pressed(Action(Intent.AUDIENCE, stage="pithiviers__territoire")))
    assert ana.welcome.title == bundled_flow.text(bundled_flow.title, "fr")


@pytest.mark.parametrize(("link", "pick"), [("pithiviers", "A company"), ("nowhere", "Pithiviers")])
async def test_a_person_reading_english_before_the_questionnaire_is_known_stays_in_english(
    both: Conversation, chat: ChatFactory, peek: Peek, bundled_flow: Flow, link: str, pick: str
) -> None:
    """The language the list was shown in rides in its buttons, as a channel sends them back."""
    ana = chat(both)
    await ana.start(link, language="en")
    if link == "nowhere":  # a mistyped workshop: the list of workshops, then who is answering
        await ana.tap(decode(encode(ana.action(pick))))
        pick = "A company"
    assert pick in ana.labels()
    await ana.tap(decode(encode(ana.action(pick))))
    assert ana.welcome.title == bundled_flow.text(bundled_flow.title, "en")
    assert "I agree" in " ".join(ana.labels())
    await ana.press("✅ I agree")
    assert peek.query("SELECT language FROM responses") == [("en",)]
    assert ana.prompt.text == bundled_flow.text(bundled_flow.steps()[0].text, "en")


def test_buttons_sent_before_they_carried_a_language_still_work() -> None:
    assert decode("w|0||pithiviers__territoire") == Action(
        Intent.AUDIENCE, stage="pithiviers__territoire"
    )
    assert decode("g|0||pithiviers") == Action(Intent.STAGE, stage="pithiviers")
