"""A personal answer taken back is not kept: an e-mail address given, then a change that
hides its question ("no, do not contact me"), leaves nothing of the address stored.

Other hidden answers stay in the response's state, to come back if the change is undone;
a personal one would stay out of the exports and of the person's own data copy, which
read only the answers that count, so it is forgotten at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conversation import Conversation, DataCopy
from flows import Flow, load_flow
from tests.conftest import MINI, Peek
from tests.conversation.conftest import REVISE, Chat, ChatFactory, mini_to, mini_to_end

EMAIL = "ana@example.org"


@pytest.fixture
def personal(converse: Callable[[Flow], Conversation], tmp_path: Path) -> Conversation:
    """mini.yaml with its e-mail (asked when importance is 4 or more) marked personal."""
    text = MINI.read_text(encoding="utf-8")
    marked = text.replace("      - id: email\n", "      - id: email\n        personal: true\n")
    assert marked != text
    path = tmp_path / "mini.yaml"
    path.write_text(marked, encoding="utf-8")
    return converse(load_flow(path))


def stored_anywhere(peek: Peek, text: str) -> list[str]:
    """The tables where `text` is stored, in any column."""
    found = []
    for (table,) in peek.query("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in peek.query(f"SELECT * FROM {table}"):
            if any(text in str(value) for value in row):
                found.append(table)
    return found


async def change_importance(person: Chat, value: str) -> None:
    """At the end, the answer to "Importance ?" (question 7 of mini.yaml) changed to `value`."""
    await person.press(REVISE)
    await person.write("7")
    assert person.prompt.text.startswith("Importance")
    await person.press(value)


async def test_an_email_whose_question_a_change_hides_is_not_kept(
    chat: ChatFactory, personal: Conversation, peek: Peek
) -> None:
    ana = chat(personal)
    await mini_to(ana, "email")
    await ana.write(EMAIL)
    assert sorted(set(stored_anywhere(peek, EMAIL))) == ["answers", "responses"]

    await change_importance(ana, "2")  # hides the e-mail question

    assert stored_anywhere(peek, EMAIL) == []
    assert [entry[0] for entry in ana.summary.entries][-1] != "10. E-mail ?"
    # Changed back, the question is asked again, with nothing offered to keep.
    await change_importance(ana, "5")
    assert ana.prompt.step_id == "email" and ana.prompt.default is None


async def test_a_hidden_answer_that_is_not_personal_still_comes_back(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    await change_importance(ana, "2")  # hides the e-mail (not personal in mini.yaml)
    # Kept, so in the person's own copy of their data, apart from the answers that count.
    await ana.command("mydata")
    [response] = ana.only(DataCopy).data["responses"]
    assert "email" not in response["answers"]
    assert response["kept_for_later"] == {"email": {"value": "ana@acme.fr", "other_text": None}}

    await ana.start()  # the summary again
    await change_importance(ana, "5")
    # Nothing to ask again: the address comes back with the answer that showed its question.
    assert ana.kinds[-1] == "Summary"
    assert ana.summary.entries[-1] == ("10. E-mail ?", "ana@acme.fr")
