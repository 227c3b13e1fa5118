"""Declining a notice while answers given before stay stored: the goodbye says so, not "nothing".

Ana answered the companies' questionnaire; the bot now runs the territorial actors'
one only (`serve --flow acteurs.yaml`), so her response is to a questionnaire no
longer run, and she is shown its notice. Declining it keeps her answers (nothing
erases a response she gave another questionnaire), so "aucune réponse n’est
enregistrée" would be false: she is told she does not take part in this one, that
what she gave before stays, and how to see or erase it. Someone with nothing stored
is still told nothing is kept. The reply says what a page needs for its foot: that
something of hers is stored (`kept`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from conversation import Conversation, Goodbye
from flows import Flow, bundled_path, load_flow
from tests.conftest import Peek
from tests.conversation.conftest import AGREE, DECLINE, ChatFactory, agree

ACTORS = load_flow(bundled_path("acteurs.yaml"))
KEPT = {
    "fr": Goodbye(
        "C’est noté\u00a0: vous ne participez pas à ce questionnaire. Les réponses que vous "
        "aviez données auparavant restent enregistrées\u00a0: vous pouvez les consulter ou les "
        "effacer.",
        typed_hint="Pour les consulter\u00a0: /mydata\u00a0; pour les effacer\u00a0: /delete. "
        "Si vous changez d’avis, tapez /start.",
    ),
    "en": Goodbye(
        "Noted: you are not taking part in this questionnaire. The answers you gave before "
        "stay stored: you can see them or erase them.",
        typed_hint="To see them: /mydata; to erase them: /delete. If you change your mind, "
        "type /start.",
    ),
}
NOTHING_KEPT = Goodbye(
    "C’est noté\u00a0: vous ne participez pas, et aucune réponse n’est enregistrée. "
    "Merci de votre attention.",
    typed_hint="Si vous changez d’avis, tapez /start.",
)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_declining_the_new_questionnaire_says_the_old_answers_stay(
    chat: ChatFactory,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    peek: Peek,
    lang: str,
) -> None:
    await agree(chat(bundled), "pithiviers")
    await chat(bundled).write("ACME")  # company_name
    actors = converse(ACTORS)
    ana = chat(actors)
    reply = await ana.start("pithiviers", language=lang)
    assert reply.response_id is None and reply.kept  # the notice, with her data reachable
    assert (AGREE if lang == "fr" else "✅ I agree") in ana.labels()

    await ana.press(DECLINE if lang == "fr" else "I decline")

    assert ana.screens == (KEPT[lang],)
    assert ana.reply.kept and ana.reply.response_id is None
    # And it is true: her answer is there, and /mydata shows it.
    assert peek.query("SELECT value_json FROM answers") == [('"ACME"',)]
    await ana.command("mydata")
    assert "ACME" in str(ana.screens)


async def test_declining_with_nothing_stored_still_says_nothing_is_kept(
    chat: ChatFactory, converse: Callable[[Flow], Conversation], peek: Peek
) -> None:
    bob = chat(converse(ACTORS), "bob")
    reply = await bob.start("pithiviers")
    assert not reply.kept

    await bob.press(DECLINE)

    assert bob.screens == (dataclasses.replace(NOTHING_KEPT, entry="pithiviers"),)
    assert not bob.reply.kept
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_erasing_everything_leaves_nothing_kept(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    """What a page's foot reads: kept while a response is, not once all is erased."""
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("ACME")
    assert ana.reply.kept

    await ana.command("delete")
    await ana.press("Oui, tout effacer")
    assert not ana.reply.kept
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]
