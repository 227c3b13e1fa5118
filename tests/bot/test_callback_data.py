"""Button data: every action fits Telegram's 64 bytes and comes back as it was sent."""

from __future__ import annotations

import pytest

from bot.telegram.callback_data import MAX_BYTES, BadButton, decode, encode
from conversation import Action, Intent
from conversation.tokens import response_mark

LONGEST_STAGE_REF = "s" * 40  # flows.stage_ref turns longer codes into a short digest

ACTIONS = [
    Action(Intent.CHOOSE, seq=123_456_789, step="s" * 24, value="c" * 16),
    Action(Intent.CONSENT, stage=LONGEST_STAGE_REF, lang="fr", version="9ef32bbbf52a"),
    Action(Intent.DECLINE, stage="pithiviers", lang="en", version="9ef32bbbf52a"),
    Action(Intent.LANGUAGE, stage=LONGEST_STAGE_REF, value="en"),
    Action(Intent.RESTART, seq=12, stage="pithiviers"),
    Action(Intent.ERASE, seq=123_456_789, value=response_mark("f" * 16)),
    Action(Intent.ERASE, seq=12, value=response_mark(None)),
    Action(Intent.REVISE, value="company_name"),
    Action(Intent.RESUME),
]


@pytest.mark.parametrize("action", ACTIONS, ids=[a.intent.name for a in ACTIONS])
def test_each_action_fits_and_comes_back_unchanged(action: Action) -> None:
    data = encode(action)

    assert len(data.encode("utf-8")) <= MAX_BYTES
    assert decode(data) == action


def test_an_erase_button_sent_before_it_carried_its_response_still_reads() -> None:
    # Sent by an earlier surveybot: no mark. The conversation judges it by its seq alone.
    assert decode("z|12||") == Action(Intent.ERASE, seq=12)


def test_a_notice_button_sent_before_versions_travelled_still_reads() -> None:
    # Sent by an earlier surveybot: no version. The conversation shows the notice again.
    assert decode("a|0||pithiviers") == Action(Intent.CONSENT, stage="pithiviers")
    assert decode("a|0|fr|pithiviers") == Action(Intent.CONSENT, stage="pithiviers", lang="fr")


@pytest.mark.parametrize(
    "data",
    [
        "r|7||",  # a sequence number on an action that never carries one
        "a|0|fr.NOTHEX|pithiviers",
        "a|0|french|pithiviers",
        "c|1||industry",  # a question's action without its question
        "z|0|x|",  # a slot this action never fills
        "z|0||abc.de",  # a response's mark is 6 letters, digits, "-" or "_" (or "-")
        "z|0||abcdefg",
        "z|0||abc",
        "q|0||",  # no such action
        "c|²|sector|industry",
        "c|1|sector",
        "x" * 65,
    ],
)
def test_anything_else_is_forged(data: str) -> None:
    with pytest.raises(BadButton):
        decode(data)
