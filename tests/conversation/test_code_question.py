"""A chat through a flow with a `code` question: typed, refused politely, shown back by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conversation import Conversation
from flows import Flow, load_flow
from storage import Store
from tests.conversation.conftest import Chat, ChatFactory

FLOW = """\
id: place
version: 1
title: {fr: "Lieu", en: "Place"}
languages: [fr, en]
sections:
  - id: where
    title: {fr: "Lieu", en: "Place"}
    steps:
      - id: departement
        type: code
        codes: departements
        text: {fr: "Dans quel département ?", en: "In which département?"}
      - id: staff
        type: number
        text: {fr: "Salariés dans le département {departement} ?", en: "Staff in {departement}?"}
"""


async def at_the_departement(
    folder: Path, converse: Callable[[Flow], Conversation], chat: ChatFactory
) -> Chat:
    """A chat on FLOW, started: at the département question."""
    path = folder / "flow.yaml"
    path.write_text(FLOW, encoding="utf-8")
    ana = chat(converse(load_flow(path)))
    await ana.start()
    return ana


async def test_a_departement_is_typed_refused_then_shown_back_by_name(
    tmp_path: Path, converse: Callable[[Flow], Conversation], chat: ChatFactory, store: Store
) -> None:
    ana = await at_the_departement(tmp_path, converse, chat)
    assert ana.prompt.step_id == "departement" and ana.prompt.choices == ()

    await ana.write("Loire-et-Cher-et-Loiret")
    assert ana.messages == [
        "Je ne reconnais pas cette réponse. Tapez un code ou un nom, par exemple 45, 2A ou Loiret."
    ]
    assert ana.prompt.step_id == "departement"

    await ana.write("loiret")
    assert ana.answered.answer == "45 – Loiret"
    assert ana.prompt.text == "Salariés dans le département Loiret ?"

    # Back: the earlier answer is offered as read, and typing it again keeps the code.
    await ana.back()
    assert ana.prompt.default == "45 – Loiret"
    await ana.write("2a")
    assert ana.answered.answer == "2A – Corse-du-Sud"
    answers = await store.answers_for(ana.reply.response_id or 0)
    assert answers["departement"].value == "2A"
