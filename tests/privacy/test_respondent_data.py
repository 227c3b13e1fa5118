"""What /mydata sends: everything stored about the person, and nothing about anyone else."""

from __future__ import annotations

import json

import pytest

from storage import (
    AnswerInput,
    ResponseStatus,
    StorageError,
    Store,
)
from storage.privacy import kept_for_later
from tests.conftest import Clock, Peek
from tests.privacy.conftest import People


def keys_everywhere(value: object) -> set[str]:
    """Every dict key at any depth, except those of the answers mapping (question ids)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            if key != "answers":
                found |= keys_everywhere(item)
            else:
                for answer in item.values():
                    found |= keys_everywhere(answer)
    elif isinstance(value, list):
        for item in value:
            found |= keys_everywhere(item)
    return found


async def test_respondent_data_holds_everything_stored(
    store: Store, people: People, clock: Clock, peek: Peek
) -> None:
    first = await people.answering(
        123456789,
        {
            "q1": AnswerInput("autre", other_text="une coopérative"),
            "q2": AnswerInput(["export", "rd"]),
            "q3": AnswerInput(42),
            "q4": AnswerInput(2.5),
        },
        status=ResponseStatus.COMPLETED,
        stage_code="vierzon",
    )
    consented = clock.tick()
    await store.record_consent(first.id, version="v1", now=consented)
    # A refusal names no one: it is in nobody's copy.
    await store.record_refusal(version="v2", stage_code="vitre", now=clock.tick())
    second = await store.start_response(
        first.respondent_id,
        flow_id="tdf2019",
        flow_version=4,
        stage_code=None,
        language="en",
        state_json="{}",
        current_step="q1",
        now=clock.tick(),
    )
    reminded = clock.tick()
    await store.mark_reminded(second.id, now=reminded)
    await people.answering(987, {"q1": AnswerInput("autre", other_text="someone else")})

    data = await store.respondent_data(first.respondent_id)

    assert json.loads(json.dumps(data)) == data
    first_after = await store.get_response(first.id)
    answers = await store.answers_for(first.id)
    assert first_after is not None and first_after.completed_at is not None
    respondent = await store.get_respondent("telegram", "123456789")
    assert respondent is not None
    assert data == {
        "channel": "telegram",
        "telegram_id": "123456789",
        "language": "fr",
        "created_at": respondent.created_at.isoformat(),
        "blocked_at": None,
        "responses": [
            {
                "key": first.key,
                "flow": "tdf2019",
                "flow_version": 3,
                "stage_code": "vierzon",
                "language": "fr",
                "status": "completed",
                "current_question": "q5",
                "started_at": first.started_at.isoformat(),
                "updated_at": first_after.updated_at.isoformat(),
                "completed_at": first_after.completed_at.isoformat(),
                "consent_version": "v1",
                "consented_at": consented.isoformat(),
                "reminded_at": None,
                "answers": {
                    "q1": {
                        "value": "autre",
                        "other_text": "une coopérative",
                        "answered_at": answers["q1"].answered_at.isoformat(),
                    },
                    "q2": {
                        "value": ["export", "rd"],
                        "other_text": None,
                        "answered_at": answers["q2"].answered_at.isoformat(),
                    },
                    "q3": {
                        "value": 42,
                        "other_text": None,
                        "answered_at": answers["q3"].answered_at.isoformat(),
                    },
                    "q4": {
                        "value": 2.5,
                        "other_text": None,
                        "answered_at": answers["q4"].answered_at.isoformat(),
                    },
                },
                "kept_for_later": {},
            },
            {
                "key": second.key,
                "flow": "tdf2019",
                "flow_version": 4,
                "stage_code": None,
                "language": "en",
                "status": "in_progress",
                "current_question": "q1",
                "started_at": second.started_at.isoformat(),
                "updated_at": second.updated_at.isoformat(),
                "completed_at": None,
                "consent_version": None,
                "consented_at": None,
                "reminded_at": reminded.isoformat(),
                "answers": {},
                "kept_for_later": {},
            },
        ],
    }
    # No internal row id, under any name.
    assert not {k for k in keys_everywhere(data) if k == "id" or k.endswith("_id")} - {
        "telegram_id"
    }
    assert "someone else" not in json.dumps(data)


async def test_times_are_utc(store: Store, people: People) -> None:
    response = await people.answering(1, {"q1": AnswerInput("oui")})
    data = await store.respondent_data(response.respondent_id)
    assert data["created_at"].endswith("+00:00")
    assert data["responses"][0]["answers"]["q1"]["answered_at"].endswith("+00:00")


async def test_a_blocked_terminal_respondent(store: Store, clock: Clock) -> None:
    ana = await store.ensure_respondent("terminal", "ana", now=clock.tick())
    blocked = clock.tick()
    await store.set_blocked(ana.id, blocked=True, now=blocked)
    data = await store.respondent_data(ana.id)
    assert data["channel"] == "terminal"
    assert data["user_id"] == "ana"
    assert "telegram_id" not in data
    assert data["language"] is None
    assert data["blocked_at"] == blocked.isoformat()
    assert data["responses"] == []


async def test_unknown_respondent_is_an_error(store: Store) -> None:
    with pytest.raises(StorageError, match="no such respondent"):
        await store.respondent_data(404)


def test_answers_kept_for_later_come_with_their_other_text() -> None:
    """A hidden "Other" keeps its text in the state: the copy shows both, as `answers` does."""
    state = '{"answers": {"staff": 12, "sector": "other"}, "others": {"sector": "Horlogerie"}}'
    assert kept_for_later(state, {"staff": {}}) == {
        "sector": {"value": "other", "other_text": "Horlogerie"}
    }
    assert kept_for_later("not json", {}) == {}
    assert kept_for_later("[]", {}) == {}
