"""Answers begun with no workshop take the workshop of the link they are next opened by.

Someone opens the bare address before the event (or "Répondre sans atelier"), answers a
few questions, then scans Pithiviers' code: its card says "Vos réponses seront rattachées
à cet atelier". They were not: the response stayed untagged, and the analysts' count per
workshop missed it. Now the link tags it, and says so; answers already tagged keep theirs.
"""

from __future__ import annotations

from conversation import Conversation, Look, Message
from tests.conftest import Peek
from tests.conversation.conftest import ChatFactory, mini_to, mini_to_end

NOW_PITHIVIERS = "Vos réponses sont maintenant rattachées à l’atelier de Pithiviers"


def said(screens: object) -> list[str]:
    return [s.text for s in screens if isinstance(s, Message)]  # type: ignore[attr-defined]


async def test_a_page_opened_from_a_workshops_link_tags_answers_begun_without_one(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await ana.start()
    await mini_to(ana, "sector")
    assert peek.query("SELECT stage_code FROM responses") == [(None,)]

    await ana.send(Look("pithiviers"))

    assert any(text.startswith(NOW_PITHIVIERS) for text in said(ana.screens))
    assert ana.prompt.step_id == "sector"  # the question waits, where it was
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]
    assert set(peek.query("SELECT stage_code FROM answers")) == {("pithiviers",)}
    # Told once: the next look shows the question alone.
    await ana.send(Look("pithiviers"))
    assert ana.kinds == ["Question"]


async def test_a_start_from_a_workshops_link_tags_answers_begun_without_one(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """Telegram's /start with the link's code, and the terminal's --stage, likewise."""
    ana = chat(mini)
    await ana.start()
    await mini_to(ana, "sector")

    await ana.start("pithiviers")

    assert any(text.startswith(NOW_PITHIVIERS) for text in said(ana.screens))
    assert "Voulez-vous reprendre" in ana.menu.text
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]


async def test_answers_tagged_with_a_workshop_keep_it(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await ana.start("pithiviers")
    await mini_to(ana, "sector")

    await ana.send(Look("exemple_normandie"))

    assert not any("maintenant rattachées" in text for text in said(ana.screens))
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]


async def test_a_finished_response_begun_without_a_workshop_is_left_as_it_was(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """A finished response is the analysts' as it stands: a link opened later changes nothing."""
    ana = chat(mini)
    await ana.start()
    await mini_to_end(ana)

    await ana.send(Look("pithiviers"))

    assert peek.query("SELECT stage_code FROM responses") == [(None,)]
