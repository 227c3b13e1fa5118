"""What a respondent reads about a stage when the stages file says what its stages are called.

A made-up fablab network holds "journées portes ouvertes", a trade body "salons",
another organisation "événements"; a file that says nothing keeps the tour's "ateliers".
Each is loaded from its own stages file (tests/support/stage_nouns.py) and driven
through the real conversation service, in French and in English.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conversation import Conversation
from flows import Flow, load_stages
from storage import Store
from tests.conftest import Clock
from tests.conversation.conftest import RESTART, RESTART_YES, ChatFactory, mini_to
from tests.support.stage_nouns import NOUNS, write_stages

Make = Callable[[str], Conversation]


@pytest.fixture
def called(tmp_path: Path, store: Store, mini_flow: Flow, clock: Clock) -> Make:
    """`called(noun)`: the conversation of mini.yaml over a stages file calling its stages so."""

    def make(noun: str) -> Conversation:
        stages = load_stages(write_stages(tmp_path, noun))
        return Conversation(store, mini_flow, stages, clock=lambda: clock.now)

    return make


WELCOME_FR = {
    "journée": "à la journée portes ouvertes de Pithiviers",
    "salon": "au salon de Pithiviers",
    "événement": "à l’événement de Pithiviers",
    "atelier": "à l’atelier de Pithiviers",
}
WELCOME_EN = {
    "journée": "the Pithiviers open day",
    "salon": "the Pithiviers trade fair",
    "événement": "the Pithiviers event",
    "atelier": "the Pithiviers workshop",
}


@pytest.mark.parametrize("noun", NOUNS)
async def test_the_welcome_names_the_stage_as_the_file_calls_it(
    chat: ChatFactory, called: Make, noun: str
) -> None:
    ana, bob = chat(called(noun)), chat(called(noun), "bob", hint="en")

    await ana.start("pithiviers")
    await bob.start("pithiviers")

    assert ana.welcome.workshop == (
        f"Bienvenue\u00a0! Vos réponses seront rattachées {WELCOME_FR[noun]} "
        "(5\u00a0juin\u00a02019)."
    )
    assert bob.welcome.workshop == (
        f"Welcome! Your answers will be linked to {WELCOME_EN[noun]} (5\u00a0June\u00a02019)."
    )


UNKNOWN_FR = {
    "journée": (
        "aucune journée portes ouvertes connue. Choisissez votre journée portes ouvertes "
        "dans la liste, ou continuez sans journée portes ouvertes.",
        "Continuer sans journée portes ouvertes",
    ),
    "salon": (
        "aucun salon connu. Choisissez votre salon dans la liste, ou continuez sans salon.",
        "Continuer sans salon",
    ),
    "événement": (
        "aucun événement connu. Choisissez votre événement dans la liste, ou continuez "
        "sans événement.",
        "Continuer sans événement",
    ),
    "atelier": (
        "aucun atelier connu. Choisissez votre atelier dans la liste, ou continuez sans atelier.",
        "Continuer sans atelier",
    ),
}
UNKNOWN_EN = {
    "journée": ("open day", "Go on without an open day"),
    "salon": ("trade fair", "Go on without a trade fair"),
    "événement": ("event", "Go on without an event"),
    "atelier": ("workshop", "Go on without a workshop"),
}


@pytest.mark.parametrize("noun", NOUNS)
async def test_an_unknown_link_lists_the_stages_by_what_they_are_called(
    chat: ChatFactory, called: Make, noun: str
) -> None:
    ana, bob = chat(called(noun)), chat(called(noun), "bob", hint="en")

    await ana.start("nulle-part")
    await bob.start("nowhere")

    text, without = UNKNOWN_FR[noun]
    assert ana.menu.text == f"Ce lien d’invitation ne correspond à {text}"
    assert ana.labels() == ["Pithiviers", "Évreux", without]
    one, without = UNKNOWN_EN[noun]
    assert bob.menu.text == (
        f"This invitation link does not match any known {one}. "
        f"Pick your {one} from the list, or go on without one."
    )
    assert bob.labels() == ["Pithiviers", "Évreux", without]
    # The button goes on without a stage, whatever it says.
    await ana.press(UNKNOWN_FR[noun][1])
    assert ana.welcome.workshop is None


OTHER_FR = {
    "journée": (
        "Ce questionnaire est rattaché à la journée portes ouvertes de Pithiviers, et ce lien "
        "est celui de la journée portes ouvertes d’Évreux. «\u00a0Reprendre\u00a0» garde vos réponses et la "
        "journée portes ouvertes de Pithiviers\u00a0; «\u00a0Recommencer\u00a0» les efface et rattache le "
        "questionnaire à la journée portes ouvertes d’Évreux.",
        "à la journée portes ouvertes d’Évreux",
    ),
    "salon": (
        "Ce questionnaire est rattaché au salon de Pithiviers, et ce lien est celui du salon "
        "d’Évreux. «\u00a0Reprendre\u00a0» garde vos réponses et le salon de Pithiviers\u00a0; "
        "«\u00a0Recommencer\u00a0» les efface et rattache le questionnaire au salon d’Évreux.",
        "au salon d’Évreux",
    ),
    "événement": (
        "Ce questionnaire est rattaché à l’événement de Pithiviers, et ce lien est celui de "
        "l’événement d’Évreux. «\u00a0Reprendre\u00a0» garde vos réponses et l’événement de Pithiviers\u00a0; "
        "«\u00a0Recommencer\u00a0» les efface et rattache le questionnaire à l’événement d’Évreux.",
        "à l’événement d’Évreux",
    ),
    "atelier": (
        "Ce questionnaire est rattaché à l’atelier de Pithiviers, et ce lien est celui de "
        "l’atelier d’Évreux. «\u00a0Reprendre\u00a0» garde vos réponses et l’atelier de Pithiviers\u00a0; "
        "«\u00a0Recommencer\u00a0» les efface et rattache le questionnaire à l’atelier d’Évreux.",
        "à l’atelier d’Évreux",
    ),
    # Each stage as its own entry calls it: Pithiviers a salon, Évreux an open day.
    "mixed": (
        "Ce questionnaire est rattaché au salon de Pithiviers, et ce lien est celui de la "
        "journée portes ouvertes d’Évreux. «\u00a0Reprendre\u00a0» garde vos réponses et le salon de "
        "Pithiviers\u00a0; «\u00a0Recommencer\u00a0» les efface et rattache le questionnaire à la journée "
        "portes ouvertes d’Évreux.",
        "à la journée portes ouvertes d’Évreux",
    ),
}


@pytest.mark.parametrize("noun", [*NOUNS, "mixed"])
async def test_another_stages_link_names_both_stages_then_the_restart_the_new_one(
    chat: ChatFactory, called: Make, noun: str
) -> None:
    ana = chat(called(noun))
    await ana.start("pithiviers")
    await mini_to(ana, "sector")

    await ana.start("evreux")
    offer, moved = OTHER_FR[noun]
    assert ana.menu.text == (
        f"Vous avez un questionnaire en cours (2\u00a0réponses sur 10). {offer} "
        "Voulez-vous reprendre là où vous en étiez\u00a0?"
    )
    await ana.press(RESTART)
    await ana.press(RESTART_YES)
    assert ana.messages == [
        "C’est reparti depuis le début. Vos réponses sont maintenant rattachées "
        f"{moved} (4\u00a0juillet\u00a02019)."
    ]


OTHER_EN = {
    "journée": ("open day", "open day"),
    "salon": ("trade fair", "trade fair"),
    "événement": ("event", "event"),
    "atelier": ("workshop", "workshop"),
    "mixed": ("trade fair", "open day"),
}


@pytest.mark.parametrize("noun", [*NOUNS, "mixed"])
async def test_in_english_too(chat: ChatFactory, called: Make, noun: str) -> None:
    bob = chat(called(noun), "bob", hint="en")
    await bob.start("pithiviers")
    await mini_to(bob, "sector")

    await bob.start("evreux")
    was, linked = OTHER_EN[noun]
    assert (
        f"This questionnaire is linked to the Pithiviers {was}, and this link is for the Évreux "
        f"{linked}. “Continue” keeps your answers and the Pithiviers {was}; “Start over” "
        f"erases them and links the questionnaire to the Évreux {linked}."
    ) in bob.menu.text
    await bob.press("Start over")
    await bob.press("Yes, start over")
    assert bob.messages == [
        "Starting again from the beginning. Your answers are now linked to the Évreux "
        f"{linked} (4\u00a0July\u00a02019)."
    ]


async def test_stages_called_differently_share_no_noun_in_the_list(
    chat: ChatFactory, called: Make
) -> None:
    """A salon and an open day: the list of both says what the default says."""
    ana = chat(called("mixed"))

    await ana.start("nulle-part")

    assert "aucun atelier connu" in ana.menu.text
    assert ana.labels()[-1] == "Continuer sans atelier"
