"""/skip typed in a required question's "please specify" box says the way out: back to the
choices. "This question is required." alone read as if the text could not be left."""

from __future__ import annotations

import pytest

from flows import Flow
from tests.flows.test_engine import mini, mini_chat

__all__ = ["mini"]  # the fixture, shared with test_engine.py


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            "Cette question est obligatoire\u00a0: précisez votre réponse, ou revenez en arrière "
            "pour en choisir une autre.",
        ),
        (
            "en",
            "This question is required: please specify your answer, or go back to choose "
            "another one.",
        ),
    ],
)
def test_skip_in_the_other_box_points_back_to_the_choices(
    mini: Flow, lang: str, expected: str
) -> None:
    chat = mini_chat(mini, lang, until="sector")
    chat.ok(chat.tap("other"))
    assert chat.prompt.awaiting_other

    assert chat.skip() == expected
    assert chat.current == "sector" and chat.prompt.awaiting_other

    chat.back()  # as the words say: the choices again, the same question
    assert chat.current == "sector" and not chat.prompt.awaiting_other


def test_skip_at_a_required_question_itself_says_it_is_required(mini: Flow) -> None:
    chat = mini_chat(mini, until="sector")
    assert chat.skip() == "Cette question est obligatoire."
