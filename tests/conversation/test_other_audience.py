"""A link to the other questionnaire, opened by someone who began (or answered) one.

The bot runs the two bundled questionnaires (companies, territorial actors). A
person counts once: whoever began the companies' questionnaire and then opens
the territory's link (the wrong audience picked, or a chamber's hat as well) is
told which questionnaire is in progress and which one the link is for, and
chooses: go on with the one begun, or switch, which erases what was given to
the first once confirmed, then opens the link's as a first visit would.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conversation import Action, Conversation, Intent, Message, Status, Summary
from flows import Catalogue, Flow, StageDef
from flows.model import Audience
from storage import Store
from tests.conftest import Clock, Peek
from tests.conversation.conftest import (
    AGREE,
    RESTART,
    RESTART_NO,
    Chat,
    ChatFactory,
    about_people,
    mini_to,
    mini_to_end,
)

COMPANY, ACTOR = "Une entreprise", "Un acteur du territoire"
GO_ON = f"Reprendre «\u00a0{COMPANY}\u00a0» ▶"
SWITCH = f"Passer à «\u00a0{ACTOR}\u00a0»"
SWITCH_YES = "Oui, changer de questionnaire"
KEEP = "Non, garder mes réponses"


def _responses(peek: Peek) -> list[tuple[str, str | None]]:
    return [tuple(row) for row in peek.query("SELECT flow_id, stage_code FROM responses")]


def _answers(peek: Peek) -> int:
    count: int = peek.query("SELECT COUNT(*) FROM answers")[0][0]
    return count


async def _two_company_answers(ana: Chat) -> None:
    """The companies' questionnaire by its link, agreed, two questions answered."""
    await ana.start("pithiviers__entreprise")
    await ana.press(AGREE)
    await ana.write("ACME")
    await ana.press("Agroalimentaire")
    assert ana.reply.status is Status.DONE


async def test_the_other_link_names_both_questionnaires(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    before = peek.dump()
    await ana.start("pithiviers__territoire")
    assert ana.menu.text.startswith(
        f"Vous avez commencé le questionnaire pour «\u00a0{COMPANY}\u00a0» (2\u00a0réponses sur "
    )
    assert f"ce lien ouvre le questionnaire pour «\u00a0{ACTOR}\u00a0»" in ana.menu.text
    assert ana.labels() == [GO_ON, SWITCH]
    assert peek.dump() == before  # an offer changes nothing


async def test_going_on_keeps_the_questionnaire_begun(
    both: Conversation, chat: ChatFactory, peek: Peek, bundled_flow: Flow
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    waiting = ana.prompt.step_id
    await ana.start("pithiviers__territoire")
    await ana.press(GO_ON)
    assert ana.prompt.step_id == waiting
    assert _responses(peek) == [(bundled_flow.id, "pithiviers")]


async def test_switching_says_what_it_erases_and_cancelling_keeps_it(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    waiting = ana.prompt.step_id
    await ana.start("pithiviers__territoire")
    await ana.press(SWITCH)
    assert ana.menu.text == (
        f"Passer au questionnaire pour «\u00a0{ACTOR}\u00a0» efface les 2\u00a0réponses déjà données au "
        f"questionnaire pour «\u00a0{COMPANY}\u00a0»\u00a0: une même personne ne compte qu’une fois. "
        "Confirmez-vous\u00a0?"
    )
    before = peek.dump()
    await ana.press(KEEP)
    assert ana.prompt.step_id == waiting
    assert peek.dump() == before
    assert _answers(peek) == 2


async def test_switching_confirmed_opens_the_links_questionnaire_at_its_workshop(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    await ana.start("pithiviers__territoire")
    await ana.press(SWITCH)
    await ana.press(SWITCH_YES)
    assert ana.messages[0] == (
        f"C’est fait\u00a0: vos réponses au questionnaire pour «\u00a0{COMPANY}\u00a0» sont effacées."
    )
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")
    assert "Pithiviers" in (ana.welcome.workshop or "")
    assert AGREE in ana.labels()
    # Nothing is kept of the other questionnaire, and nothing yet of this one.
    assert about_people(peek) == dict.fromkeys(about_people(peek), 0)
    await ana.press(AGREE)
    assert ana.prompt.step_id == actors_flow.steps()[0].id
    assert _responses(peek) == [(actors_flow.id, "pithiviers")]
    assert _answers(peek) == 0
    # From now on, the territory's questionnaire is theirs: its own link offers to go on.
    await ana.start("pithiviers__territoire")
    assert ana.menu.text.startswith(
        f"Vous avez un questionnaire en cours\u00a0: «\u00a0{ACTOR}\u00a0» ("
    )


async def test_switching_keeps_a_response_to_a_questionnaire_no_longer_run(
    both: Conversation, chat: ChatFactory, peek: Peek, store: Store, actors_flow: Flow, clock: Clock
) -> None:
    # Ana answered an earlier tour's questionnaire, which this bot no longer runs: switching
    # erased the whole person, that completed response with them.
    respondent = await store.ensure_respondent("telegram", "ana", now=clock.tick())
    earlier = await store.start_response(
        respondent.id,
        flow_id="tour_2018",
        flow_version=1,
        stage_code="pithiviers",
        language="fr",
        state_json="{}",
        current_step=None,
        now=clock.tick(),
    )
    ana = chat(both)
    await _two_company_answers(ana)
    await ana.start("pithiviers__territoire")
    await ana.press(SWITCH)
    await ana.press(SWITCH_YES)
    await ana.press(AGREE)

    assert [flow for flow, _ in _responses(peek)] == ["tour_2018", actors_flow.id]
    assert await store.get_response(earlier.id) is not None
    assert _answers(peek) == 0  # the two company answers went, and only they


async def test_the_switch_delivered_again_after_a_crash_opens_the_notice_again(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    """Erased, then the reply lost: the same input again shows the link's welcome and notice."""
    ana = chat(both)
    await _two_company_answers(ana)
    await ana.start("pithiviers__territoire")
    await ana.press(SWITCH)
    switch = ana.action(SWITCH_YES)
    await ana.tap(switch)
    again = ana.last_delivery
    await ana.tap(switch, delivery=again)
    assert ana.reply.status is Status.DONE
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")
    await ana.press(AGREE)
    assert _responses(peek) == [(actors_flow.id, "pithiviers")]


async def test_a_switch_confirmed_after_going_on_is_stale(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    await ana.start("pithiviers__territoire")
    await ana.press(SWITCH)
    switch = ana.action(SWITCH_YES)
    await ana.press(KEEP)
    await ana.press("1 à 9")  # one more answer: the confirmation was for an earlier moment
    before = peek.dump()
    await ana.tap(switch)
    assert ana.reply.status is Status.STALE
    assert peek.dump() == before


async def test_a_forged_switch_changes_nothing(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    seq = ana.prompt.seq
    before = peek.dump()
    # To a questionnaire this bot does not run: never offered.
    forged = await ana.tap(Action(Intent.SWITCH, seq=seq, stage="pithiviers__nobody"))
    # To the questionnaire already theirs: nothing to switch from, nothing erased.
    same = await ana.tap(Action(Intent.SWITCH, seq=seq, stage="pithiviers__entreprise"))
    asked = await ana.tap(Action(Intent.SWITCH_ASK, stage="pithiviers__entreprise"))
    assert (forged.status, same.status, asked.status) == (Status.FORGED, Status.STALE, Status.STALE)
    assert peek.dump() == before


async def test_the_same_audience_link_names_the_questionnaire_in_progress(
    both: Conversation, chat: ChatFactory
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    await ana.start("pithiviers__entreprise")
    assert ana.menu.text.startswith(
        f"Vous avez un questionnaire en cours\u00a0: «\u00a0{COMPANY}\u00a0» (2\u00a0réponses sur "
    )
    assert ana.labels() == ["Reprendre ▶", RESTART]


async def test_the_offer_speaks_the_persons_language(both: Conversation, chat: ChatFactory) -> None:
    ana = chat(both, hint="en")
    await ana.start("pithiviers__entreprise")
    await ana.press("✅ I agree")
    await ana.start("pithiviers__territoire")
    assert ana.menu.text.startswith("You have started the questionnaire for “A company” (0 of ")
    assert ana.labels() == ["Continue “A company” ▶", "Switch to “A local stakeholder”"]
    await ana.press("Switch to “A local stakeholder”")
    assert "erases your participation in the questionnaire for “A company”, with no answer yet" in (
        ana.menu.text
    )


# --- with one questionnaire, and after the end ---------------------------------------------


async def test_one_questionnaire_offers_no_switch(
    converse: Callable[[Flow], Conversation], chat: ChatFactory, peek: Peek, bundled_flow: Flow
) -> None:
    ana = chat(converse(bundled_flow))
    await ana.start("pithiviers")
    await ana.press(AGREE)
    await ana.write("ACME")
    seq = ana.prompt.seq
    await ana.start("pithiviers__territoire")
    assert ana.menu.text.startswith("Vous avez un questionnaire en cours (1\u00a0réponse sur ")
    assert ana.labels() == ["Reprendre ▶", RESTART]
    before = peek.dump()
    await ana.tap(Action(Intent.SWITCH, seq=seq, stage="__territoire"))
    assert ana.reply.status is Status.FORGED
    assert peek.dump() == before


@pytest.fixture
def mini_for_companies(mini_flow: Flow) -> Flow:
    """mini.yaml (short, with an outro) as the companies' questionnaire."""
    audience = Audience(code="entreprise", label={"fr": COMPANY, "en": "A company"})
    return mini_flow.model_copy(update={"audience": audience})


async def test_a_finished_person_keeps_their_answers_or_switches(
    store: Store,
    stages: list[StageDef],
    clock: Clock,
    chat: ChatFactory,
    peek: Peek,
    mini_for_companies: Flow,
    actors_flow: Flow,
) -> None:
    catalogue = Catalogue((mini_for_companies, actors_flow))
    ana = chat(Conversation(store, catalogue, stages, clock=lambda: clock.now))
    await ana.start("pithiviers__entreprise")
    await mini_to_end(ana)
    await ana.start("pithiviers__territoire")
    assert ana.menu.text.startswith(
        f"Vous avez déjà répondu au questionnaire pour «\u00a0{COMPANY}\u00a0»"
    )
    assert ana.labels() == ["Garder mes réponses", SWITCH]
    await ana.press("Garder mes réponses")
    assert ana.messages == [
        "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Voici vos réponses\u00a0; "
        "vous pouvez encore en modifier une."
    ]
    assert isinstance(ana.screens[-1], Summary)
    await ana.start("pithiviers__territoire")
    await ana.press(SWITCH)
    assert "les 10\u00a0réponses déjà données" in ana.menu.text
    await ana.press(SWITCH_YES)
    await ana.press(AGREE)
    assert _responses(peek) == [(actors_flow.id, "pithiviers")]


async def test_not_starting_over_once_finished_shows_the_answers_without_the_thanks(
    mini: Conversation, chat: ChatFactory
) -> None:
    """The end's thanks was said at the end: "Non, continuer" says nothing was erased, and
    the summary, as the person saw it before /restart."""
    ana = chat(mini)
    await mini_to_end(ana)
    assert "Merci Acme !" in ana.messages
    await ana.command("restart")
    await ana.press(RESTART_NO)
    assert "Merci Acme !" not in ana.messages
    assert ana.messages == ["Rien n’a été effacé."]
    assert isinstance(ana.screens[-1], Summary) and ana.screens[-1].whole is not None


async def test_not_starting_over_midway_goes_on_at_the_question(
    mini: Conversation, chat: ChatFactory
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    await ana.command("restart")
    await ana.press(RESTART_NO)
    assert ana.messages == ["Rien n’a été effacé."]  # said, not only the buttons gone
    assert [type(s) for s in ana.screens if not isinstance(s, Message)][-1].__name__ == "Question"
    assert ana.prompt.step_id == "sector"
