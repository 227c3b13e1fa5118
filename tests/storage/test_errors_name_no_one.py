"""The storage's errors name no one: they are logged, and a web chat's id opens its answers.

A web respondent's id is the credential of their resume link (`/r/<id>`); a terminal's is
the name given to `--respondent`. A conflict between two instances (logged at INFO by the
conversation, which decides the input again) must not carry it into the log.
"""

from __future__ import annotations

from typing import Any

import pytest

from storage import Conflict
from tests.conftest import Clock

SECRET = "web-id-that-opens-a-resume-link"


async def test_a_respondent_enrolled_meanwhile_is_not_named(store: Any, clock: Clock) -> None:
    def enrol() -> Any:
        return store.enrol(
            "web",
            SECRET,
            flow_id="tdf2019",
            flow_version=3,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="q1",
            now=clock.tick(),
        )

    await enrol()
    with pytest.raises(Conflict) as crossed:
        await enrol()  # as another instance would, in the same moment
    assert str(crossed.value) == "a web respondent was enrolled meanwhile"
    assert SECRET not in repr(crossed.value)
