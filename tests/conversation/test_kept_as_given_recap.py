"""A response completed on an older version of the flow, read back with that version.

The organiser updates the questionnaire: a choice is split in two, a question is
dropped. A respondent who had finished comes back: their recap is the one they
gave, each answer labelled as the version they answered offered it, every answer
they gave listed, and /mydata counts as many.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conversation import Conversation, DataCopy, Summary
from flows import Flow, load_flow
from tests.conftest import MINI
from tests.conversation.conftest import ChatFactory, mini_to

AS_GIVEN = (
    "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Il a changé depuis\u00a0: votre "
    "réponse est conservée telle que vous l’avez donnée. Voici vos réponses."
)


def split_and_dropped(tmp_path: Path) -> Flow:
    """mini.yaml, version 2: 'industry' split into heavy and light, 'share' dropped."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["version"] = 2
    for section in data["sections"]:
        section["steps"] = [step for step in section["steps"] if step["id"] != "share"]
        for step in section["steps"]:
            if step["id"] == "sector":
                step["choices"] = [
                    {"code": "heavy", "label": {"fr": "Industrie lourde", "en": "Heavy industry"}},
                    {"code": "light", "label": {"fr": "Industrie légère", "en": "Light industry"}},
                    *step["choices"][1:],
                ]
    path = tmp_path / "mini_v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_flow(path)


@pytest.fixture
def mini_v2(tmp_path: Path) -> Flow:
    return split_and_dropped(tmp_path)


async def test_the_recap_of_a_response_kept_as_given_is_the_version_it_was_given_on(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
) -> None:
    await mini.sync_with_files()  # version 1 kept, as every start does
    ana = chat(mini)
    await mini_to(ana, "share")
    await ana.write("40")
    await mini_to(ana, "email")
    await ana.write("ana@acme.fr")
    [given] = [s for s in ana.screens if isinstance(s, Summary)]

    updated = converse(mini_v2)
    await updated.sync_with_files()
    ana.conversation = updated
    await ana.start()

    _, summary = ana.screens
    assert ana.messages == [AS_GIVEN]
    assert isinstance(summary, Summary) and summary.revise is None
    # As given: "Industrie", not the code the new version no longer offers; "Part export ?"
    # still there, though the new version dropped it.
    assert summary.entries == given.entries
    assert ("3. Secteur ?", "Industrie") in summary.entries
    assert ("6. Part export ?", "40") in summary.entries
    assert summary.edits == ()

    await ana.command("mydata")
    copy = ana.only(DataCopy)
    assert isinstance(copy, DataCopy)
    [line] = copy.responses
    assert f"terminé, {len(summary.entries)}\u00a0réponses" in line, line
