"""The bot's invitation sent back to it, at a question that takes a free text.

A respondent at "Quel est le nom de votre entreprise ?" forwards the invitation they were
sent, or pastes it with its words ("Répondez au questionnaire : https://t.me/…"), or its
link hides behind words: they see what tapping the link shows, never "Répondez au
questionnaire…" read back as their company's name (bot/telegram/odd_input.py). A text
that mentions another bot's link or another site is an answer like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.bot.conftest import PersonFactory
from tests.support.fake_bot_api import BOT_USERNAME, Person

Stored = dict[str, tuple[Any, str | None, str | None]]
AnswersOf = Callable[[int], Stored]

AGREE = "✅ J’accepte"
LINK = f"https://t.me/{BOT_USERNAME}?start=pithiviers"
INVITATION = f"Répondez au questionnaire : {LINK}\nMerci de votre participation !"
FORWARDED_FROM = {"type": "hidden_user", "date": 1_559_700_000, "sender_user_name": "Claire"}


async def at_company_name(ana: Person) -> None:
    """Agreed at Pithiviers: the company's name is asked, a free text."""
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    assert "Quel est le nom de votre entreprise" in ana.last_text


async def shows_the_link_opened(ana: Person) -> None:
    """The last message is what tapping the link shows, the same as /start pithiviers gives:
    with nothing answered yet, the question waiting (the name not taken as an answer)."""
    opened = ana.last_text
    assert opened.startswith("Question 1/51 · ") and "nom de votre entreprise" in opened
    await ana.send("/start pithiviers")
    assert ana.last_text == opened


def text_link(text: str, url: str) -> list[dict[str, Any]]:
    """`text` shown with `url` behind it, as a mail or chat app pastes a link under words."""
    return [{"type": "text_link", "offset": 0, "length": len(text), "url": url}]


INVITATIONS = {
    "forwarded": {"text": INVITATION, "forward_origin": FORWARDED_FROM},
    "pasted with its words": {"text": INVITATION},
    "link without its scheme": {"text": f"Le lien : t.me/{BOT_USERNAME}?start=pithiviers."},
    "behind words": {
        "text": "Répondez au questionnaire",
        "entities": text_link("Répondez au questionnaire", LINK),
    },
    "forwarded with a button": {
        "text": "Participez au questionnaire du tour de France",
        "forward_origin": FORWARDED_FROM,
        "reply_markup": {"inline_keyboard": [[{"text": "Répondre", "url": LINK}]]},
    },
}


@pytest.mark.parametrize("sent", INVITATIONS.values(), ids=INVITATIONS.keys())
async def test_an_invitation_sent_back_is_its_link_opened_not_a_company_name(
    person: PersonFactory, answers_of: AnswersOf, sent: dict[str, Any]
) -> None:
    ana = person()
    await at_company_name(ana)
    text = sent.pop("text")

    await ana.updates.feed(ana.message_update(text, **sent))

    # Nothing stored, nor read back in the next question ("… principal de Répondez au
    # questionnaire ?"): the link opened instead.
    assert answers_of(ana.user_id) == {}
    await shows_the_link_opened(ana)
    assert not any("Répondez" in m.text or "Participez" in m.text for m in ana.chat)


async def test_a_photo_of_the_invitation_with_its_link_as_caption_is_that_link_opened(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_company_name(ana)
    card = [{"file_id": "card-1", "file_unique_id": "c1", "width": 800, "height": 600}]

    await ana.updates.feed(
        ana.message_update(None, photo=card, caption=INVITATION, forward_origin=FORWARDED_FROM)
    )

    # Not "I cannot keep this photo. If its caption … is your answer, send it as a text".
    assert answers_of(ana.user_id) == {}
    await shows_the_link_opened(ana)
    assert not any("Je ne peux pas garder" in m.text for m in ana.chat)


ANSWERS = [
    "Acme, notre bot : https://t.me/acme_support_bot?start=pithiviers",
    f"https://t.me/{BOT_USERNAME}_copy?start=pithiviers",
    f"https://example.com/t.me/{BOT_USERNAME}?start=pithiviers",
    "Acme (acme.fr, t.me/acme)",
]


@pytest.mark.parametrize("answer", ANSWERS)
async def test_a_name_that_mentions_other_links_is_an_answer_like_any_other(
    person: PersonFactory, answers_of: AnswersOf, answer: str
) -> None:
    ana = person()
    await at_company_name(ana)
    await ana.send(answer)
    assert answers_of(ana.user_id)["company_name"][0] == answer


async def test_a_forwarded_message_without_the_link_is_still_an_answer(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_company_name(ana)
    await ana.updates.feed(ana.message_update("Acme Industries", forward_origin=FORWARDED_FROM))
    assert answers_of(ana.user_id)["company_name"][0] == "Acme Industries"
