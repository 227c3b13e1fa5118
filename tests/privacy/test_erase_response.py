"""Erasing one response: a switch to the other questionnaire, a changed notice declined, the
questionnaires' list chosen again. Only that response and its answers go; the person, and a
response they gave another questionnaire, stay. Their only response, and they go too.
On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest

from storage import AnswerInput, ErasureReport, ResponseStatus, StorageError, Store
from tests.conftest import Peek
from tests.privacy.conftest import People


async def test_a_response_beside_another_goes_alone(
    store: Store, people: People, peek: Peek
) -> None:
    earlier = await people.answering(
        111, {"q1": AnswerInput("oui")}, status=ResponseStatus.COMPLETED
    )
    respondent = earlier.respondent_id
    response = await store.start_response(
        respondent,
        flow_id="tdf2020",
        flow_version=1,
        stage_code="pithiviers",
        language="fr",
        state_json="{}",
        current_step="q1",
        now=people.clock.tick(),
    )
    await people.answer(response, {"q1": AnswerInput("non"), "q2": AnswerInput("12")})

    report = await store.erase_response(response.id)

    assert (report.keys, report.answers) == ((response.key,), 2)
    assert peek.query("SELECT id, status FROM responses") == [(earlier.id, "completed")]
    assert peek.query("SELECT response_id FROM answers") == [(earlier.id,)]
    assert await store.get_respondent_by_id(respondent) is not None


async def test_a_persons_only_response_takes_them_too(
    store: Store, people: People, peek: Peek
) -> None:
    ana = await people.answering(222, {"q1": AnswerInput("oui")})
    bob = await people.answering(333, {"q1": AnswerInput("non")})

    report = await store.erase_response(ana.id)

    assert report == ErasureReport(keys=(ana.key,), answers=1, wal_cleared=True)
    assert await store.get_respondent_by_id(ana.respondent_id) is None
    assert peek.query("SELECT id FROM responses") == [(bob.id,)]


async def test_an_unknown_response_is_an_error(store: Store) -> None:
    with pytest.raises(StorageError, match="no such response"):
        await store.erase_response(404)
