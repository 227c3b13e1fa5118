"""A web page opened from the other questionnaire's link, by someone who began (or answered) one.

On the web, opening a link is a `Look`: it shows where the person is and changes
nothing. With the two bundled questionnaires, a page opened from the territory's
link by someone who began the companies' one offers the switch, as Telegram's
`/start` does. Going on carries the person's own entry, which the web page takes
as its own, so the next look shows their question rather than the offer again.
"""

from __future__ import annotations

from conversation import Action, Conversation, Intent, Look, Status, Summary
from conversation.tokens import decode, encode
from flows import Catalogue, Flow, StageDef
from flows.model import Audience
from storage import Channel, Store
from tests.conftest import Clock, Peek
from tests.conversation.conftest import AGREE, Chat, ChatFactory, mini_to_end

COMPANY, ACTOR = "Une entreprise", "Un acteur du territoire"
GO_ON = f"Reprendre «\u00a0{COMPANY}\u00a0» ▶"
SWITCH = f"Passer à «\u00a0{ACTOR}\u00a0»"
SWITCH_YES = "Oui, changer de questionnaire"
KEEP = "Non, garder mes réponses"
THEIRS, OTHER = "pithiviers__entreprise", "pithiviers__territoire"
WEB = Channel.WEB


async def _two_company_answers(ana: Chat) -> None:
    """The companies' questionnaire by its link, agreed, two questions answered."""
    await ana.send(Look(THEIRS))
    await ana.press(AGREE)
    await ana.write("ACME")
    await ana.press("Agroalimentaire")
    assert ana.reply.status is Status.DONE


async def test_a_page_of_the_other_link_offers_the_switch_and_writes_nothing(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both, channel=WEB)
    await _two_company_answers(ana)
    before = peek.dump()
    await ana.send(Look(OTHER))
    assert ana.menu.text.startswith(
        f"Vous avez commencé le questionnaire pour «\u00a0{COMPANY}\u00a0» (2\u00a0réponses sur "
    )
    assert ana.labels() == [GO_ON, SWITCH]
    # Going on names the person's own questionnaire and workshop: the web's next page.
    assert ana.action(GO_ON).stage == THEIRS
    assert peek.dump() == before


async def test_going_on_shows_their_question_and_their_entry_no_offer(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both, channel=WEB)
    await _two_company_answers(ana)
    waiting = ana.prompt.step_id
    await ana.send(Look(OTHER))
    await ana.press(GO_ON)
    assert ana.prompt.step_id == waiting
    before = peek.dump()
    await ana.send(Look(THEIRS))  # the page after "go on" is opened at their own entry
    assert ana.prompt.step_id == waiting
    assert ana.labels() != [GO_ON, SWITCH]
    assert peek.dump() == before


async def test_a_finished_person_is_offered_to_keep_their_answers(
    store: Store,
    stages: list[StageDef],
    clock: Clock,
    chat: ChatFactory,
    peek: Peek,
    mini_flow: Flow,
    actors_flow: Flow,
) -> None:
    audience = Audience(code="entreprise", label={"fr": COMPANY, "en": "A company"})
    companies = mini_flow.model_copy(update={"audience": audience})
    catalogue = Catalogue((companies, actors_flow))
    ana = chat(Conversation(store, catalogue, stages, clock=lambda: clock.now), channel=WEB)
    await ana.send(Look(THEIRS))
    await mini_to_end(ana)
    before = peek.dump()
    await ana.send(Look(OTHER))
    assert ana.menu.text.startswith(
        f"Vous avez déjà répondu au questionnaire pour «\u00a0{COMPANY}\u00a0»"
    )
    assert ana.labels() == ["Garder mes réponses", SWITCH]
    assert peek.dump() == before
    await ana.press("Garder mes réponses")
    assert isinstance(ana.screens[-1], Summary)
    await ana.send(Look(THEIRS))
    assert isinstance(ana.screens[-1], Summary)
    # Cancelling the confirmation also carries their own entry.
    await ana.send(Look(OTHER))
    await ana.press(SWITCH)
    assert ana.action(KEEP).stage == THEIRS
    assert peek.dump() == before


async def test_the_switch_from_a_page_begins_the_links_questionnaire(
    both: Conversation, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    ana = chat(both, channel=WEB)
    await _two_company_answers(ana)
    await ana.send(Look(OTHER))
    await ana.press(SWITCH)
    await ana.press(SWITCH_YES)
    assert ana.welcome.title == actors_flow.text(actors_flow.title, "fr")
    await ana.press(AGREE)
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [
        (actors_flow.id, "pithiviers")
    ]
    waiting = ana.prompt.step_id
    await ana.send(Look(OTHER))  # the same page reloaded: theirs now, nothing offered
    assert ana.prompt.step_id == waiting


async def test_go_on_without_an_entry_still_reads_and_a_made_up_one_is_forged(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    """Buttons sent before "go on" carried an entry still work; one naming no questionnaire,
    or a workshop not in the list, was never offered."""
    assert decode("r|0||") == Action(Intent.RESUME)
    assert decode(encode(Action(Intent.RESUME, stage=THEIRS))) == Action(
        Intent.RESUME, stage=THEIRS
    )
    ana = chat(both, channel=WEB)
    await _two_company_answers(ana)
    waiting = ana.prompt.step_id
    await ana.tap(Action(Intent.RESUME))
    assert ana.prompt.step_id == waiting
    before = peek.dump()
    for forged in ("pithiviers__nobody", "atlantis__entreprise", "9" * 59):
        reply = await ana.tap(Action(Intent.RESUME, stage=forged))
        assert reply.status is Status.FORGED, forged
    assert peek.dump() == before
