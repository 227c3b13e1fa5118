"""Telegram counts a message's length in UTF-16 code units (an emoji counts two): so does the bot.

A typed answer full of emoji is within its `max_length` as the bot counts characters,
yet twice as long as Telegram counts it. The answered question's echo must still be
accepted, the next question must follow, and the summary must show the answer whole
(in more messages), with its "change an answer" button.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram.keyboards import CURRENT_ANSWER_SHOWN
from bot.telegram.render import summary_entry
from bot.telegram.sending import MAX_TEXT, clip_text, split_message, text_length
from flows import Flow, load_flow
from flows import limits as flow_limits
from tests.bot.conftest import PersonFactory
from tests.support.telegram_rules import BadText, utf16_length, visible_text

FLOW = """\
id: emoji
version: 1
title: Avis
sections:
  - id: ideas
    title: Vos idées
    steps:
      - id: ideas
        type: long_text
        text: "{question}"
      - id: ok
        type: yes_no
        text: "Tout va bien ?"
"""

QUESTION = (
    "Décrivez vos idées pour le territoire : projets, partenariats, formations, recrutements,"
    " ce qui marche et ce qui manque (emoji bienvenus 🙂) ?"
)
# 2,000 characters, the default max_length of a long_text; 3,988 UTF-16 code units.
ANSWER = "Mes idées : " + "🙂" * 1988
SORRY = "Désolé"


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "emoji.yaml"
    path.write_text(FLOW.format(question=QUESTION), encoding="utf-8")
    return load_flow(path)


def test_the_fake_counts_as_telegram_does() -> None:
    assert utf16_length("🙂") == 2 and utf16_length("é") == 1
    assert visible_text("<b>" + "🙂" * 2048 + "</b>", "HTML")
    with pytest.raises(BadText, match="too long"):
        visible_text("🙂" * 2049, None)  # 2,049 characters, 4,098 units


def test_the_channel_measures_in_utf16_units_with_no_margin() -> None:
    assert MAX_TEXT == flow_limits.MESSAGE_LIMIT == 4096
    assert CURRENT_ANSWER_SHOWN == flow_limits.CURRENT_ANSWER_SHOWN
    clipped = clip_text("🙂" * 100, 11)
    assert clipped == "🙂" * 5 + "…" and text_length(clipped) == 11
    assert clip_text("🙂" * 5, 10) == "🙂" * 5
    # Blocks are packed as Telegram counts them: 1,500 emoji are 3,000 units.
    parts = split_message(["🙂" * 1500, "🙂" * 1500])
    assert len(parts) == 2 and all(utf16_length(part) <= 4096 for part in parts)


async def test_an_answer_full_of_emoji_is_echoed_then_shown_whole_in_the_summary(
    person: PersonFactory,
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    assert ana.last_text.startswith("Question 1/2")
    await ana.send(ANSWER)

    # The echo was accepted (the fake refuses a text over 4,096 units), the next question follows.
    echo, asked = ana.chat[-2:]
    assert echo.text.startswith("Question 1/2 · Vos idées\nDécrivez vos idées")
    assert "✅ Mes idées : 🙂" in echo.text and utf16_length(echo.text) <= 4096
    assert asked.text.startswith("Question 2/2") and asked.labels()[:2] == ["Oui", "Non"]
    assert not any(SORRY in message.text for message in ana.chat)

    await ana.tap("Oui")
    start = next(i for i, m in enumerate(ana.chat) if m.text.startswith("Récapitulatif"))
    summary = ana.chat[start:]
    assert len(summary) >= 2, "the answer goes on in a message of its own"
    shown = "\n".join(message.text for message in summary)
    assert ANSWER in shown, "the answer is never cut in the summary"
    assert "✏️ Modifier une réponse" in summary[-1].labels()
    assert not any(SORRY in message.text for message in ana.chat)

    # Every later /start shows it again, whole, the button last.
    await ana.send("/start")
    assert ANSWER in "\n".join(message.text for message in ana.chat[-3:])
    assert "✏️ Modifier une réponse" in ana.last.labels()
    assert not any(SORRY in message.text for message in ana.chat)


def test_a_summary_entry_longer_than_a_message_is_split_never_cut() -> None:
    question = "Vos idées ?"
    answer = "Première ligne 🙂\n\n" + "idée 🙂 " * 1000  # a line of 7,000 characters, 9,000 units
    blocks = summary_entry(question, answer)
    messages = split_message(["<b>Récapitulatif</b>", *blocks])
    shown = [visible_text(message, "HTML") for message in messages]  # each accepted
    assert len(shown) >= 3
    assert shown[0].startswith("Récapitulatif\nVos idées ?\n    → Première ligne 🙂")
    assert "\n".join(shown).split() == ["Récapitulatif", *question.split(), "→", *answer.split()]
    # Within a message, nothing changes: one block as before.
    assert summary_entry(question, "Oui") == ["Vos idées ?\n    → <b>Oui</b>"]


@pytest.mark.parametrize(
    ("symbol", "name"),
    [
        ("🇫🇷", "a flag: two regional indicators"),
        ("👩‍👩‍👧", "a family: three emoji joined"),
        ("👍🏽", "a thumb with its skin tone"),
        ("🏴󠁧󠁢󠁷󠁬󠁳󠁿", "the flag of Wales: a black flag and its tags"),
        ("❤️", "a heart and its variation selector"),
        ("e\u0301", "an e and its combining accent"),  # as a phone may send it, before NFC
    ],
)
def test_a_cut_answer_keeps_each_symbol_whole(symbol: str, name: str) -> None:
    text = "Merci " + symbol * 400
    for limit in range(7, 40):  # past "Merci "
        clipped = clip_text(text, limit)
        assert text_length(clipped) <= limit, name
        kept = clipped.removeprefix("Merci ").removesuffix("…")
        assert kept == symbol * (len(kept) // len(symbol)), f"{name} cut at {limit}: {kept!r}"


def test_a_letter_under_more_marks_than_fit_is_still_cut() -> None:
    zalgo = "a" + "\u0301" * 50  # one symbol of 51 characters: cut inside rather than lost
    assert clip_text(zalgo, 10) == zalgo[:9] + "…"
