"""/mydata reads each answer back under its question, as the person gave it.

The JSON file holds codes ("metal_mech") and question ids; the copy a person reads
names the question as it was asked and the answer as its button said, with the
version of the questionnaire they answered, even after it changed or stopped running.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conversation import Conversation, DataCopy
from conversation.recap import stored_answers
from flows import Flow, StageDef
from storage import Store
from tests.conftest import Clock
from tests.conversation.conftest import ChatFactory, agree, mini_to
from tests.conversation.test_kept_as_given_recap import split_and_dropped
from tests.conversation.test_retired_flow_name import _answered_then_retired


def _copy(screens: object) -> DataCopy:
    [copy] = [s for s in screens if isinstance(s, DataCopy)]  # type: ignore[attr-defined]
    return copy


async def test_each_answer_is_under_its_question_with_its_label_not_its_code(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    await ana.press("Métallurgie, mécanique")
    await ana.command("mydata")

    copy = _copy(ana.screens)
    assert copy.answers == (
        (
            ("Quel est le nom de votre entreprise\u00a0?", "Acme"),
            ("Quel est le secteur d’activité principal d’Acme\u00a0?", "Métallurgie, mécanique"),
        ),
    )
    assert "   → Métallurgie, mécanique" in copy.text.split("\n")
    assert not copy.finished
    assert "metal_mech" not in copy.text  # the code is the file's, for the analysts
    assert copy.data["responses"][0]["answers"]["sector"]["value"] == "metal_mech"


async def test_answers_given_on_an_older_version_read_as_that_version_asked_them(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    tmp_path: Path,
) -> None:
    await mini.sync_with_files()  # version 1 kept, as every start does
    ana = chat(mini)
    await mini_to(ana, "share")
    await ana.write("40")
    await mini_to(ana, "email")
    await ana.write("ana@acme.fr")  # finished: kept as given, whatever changes next

    updated = converse(split_and_dropped(tmp_path))  # "Industrie" split, "share" dropped
    await updated.sync_with_files()
    ana.conversation = updated
    await ana.command("mydata")

    copy = _copy(ana.screens)
    assert copy.finished  # nothing to resume: the web's resume link offers to see it
    [read] = copy.answers
    # Not "industry" (a code version 2 no longer offers), not "share" (a question it dropped).
    assert ("Secteur ?", "Industrie") in read
    assert ("Part export ?", "40") in read


async def test_a_questionnaire_no_longer_run_is_read_with_its_stored_version(
    store: Store,
    stages: list[StageDef],
    clock: Clock,
    chat: ChatFactory,
    bundled_flow: Flow,
    actors_flow: Flow,
) -> None:
    copy = await _answered_then_retired(store, stages, clock, chat, bundled_flow, actors_flow)

    assert copy.answers == ((("Quel est le nom de votre entreprise\u00a0?", "Acme"),),)


def test_what_no_questionnaire_asks_is_named_by_its_id_and_kept_whole() -> None:
    """Nothing of the person's is left out of their copy, whatever could not be read."""
    stored = {
        "company_name": {"value": "Acme", "other_text": None},
        "barriers": {"value": ["cost", "other"], "other_text": "Les normes"},
    }
    assert stored_answers(None, stored, "fr") == (
        ("company_name", "Acme"),
        ("barriers", '["cost", "other"] (Les normes)'),
    )


async def test_with_nothing_answered_the_copy_lists_the_response_alone(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await agree(ana)
    await ana.command("mydata")

    copy = _copy(ana.screens)
    assert copy.answers == ((),)
    assert copy.text.split("\n")[-1].startswith("• Questionnaire commencé le")
