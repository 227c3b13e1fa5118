"""A response carried over to a newer version keeps, for each answer, the version it was given on.

Version 2 of the mini flow (tests/exports/fixtures/mini_v2.yaml) adds `africa` to
`markets`. Ana and Bob pick their markets on version 1 and stop; the bot then
runs version 2 and their responses go on under it (`conversation.showing`'s
carry-over). Ana's markets stay as she gave them, on version 1, which had no
Africa: her `markets__africa` is empty, not a 0 ("shown, and not selected"),
though her response's `flow_version` is 2. Bob goes back and changes his markets
on version 2, where Africa was on his screen: his 0 is one. Through the real
conversation service, on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from conversation import Conversation, Person, Status
from exports import ExportOptions, export_csv
from flows import Flow, StageDef
from storage import Channel, SurveyStore, open_store
from tests.conftest import Clock
from tests.conversation.conftest import RESUME, Chat, mini_to
from tests.exports.conftest import by_key, read_csv
from tests.support.postgres import both_backends


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_backends(metafunc)


async def finish(person: Chat) -> None:
    """Answer what is left of mini's version 2, whatever the order it asks it in."""
    answers: dict[str, Callable[[], Awaitable[object]]] = {
        "share": lambda: person.write("40"),
        "margin": lambda: person.write("5"),
        "importance": lambda: person.press("3"),
        "obstacles": lambda: ranking(person),
        "ideas": lambda: person.write("Plus de liens"),
    }
    for _ in range(10):
        if "Summary" in person.kinds:
            return
        await answers[person.prompt.step_id]()
        assert person.reply.status is Status.DONE, (person.reply.status, person.reply.note)
    raise AssertionError(f"not finished; on {person.kinds}")


async def ranking(person: Chat) -> None:
    await person.press("Coût")
    await person.press("Temps")
    await person.confirm()


@pytest.fixture
async def carried(
    store_target: Path | str,
    clock: Clock,
    mini: Flow,
    mini_v2: Flow,
    bundled_stages: list[StageDef],
) -> dict[str, str]:
    """Ana and Bob, carried over from version 1 to 2; their response keys by name."""
    store: SurveyStore = await open_store(store_target)
    deliveries = itertools.count(1)
    try:

        async def running(flow: Flow) -> Conversation:
            conversation = Conversation(store, flow, bundled_stages, clock=lambda: clock.now)
            await conversation.sync_with_files()  # keeps the version, as every start does
            return conversation

        first = await running(mini)
        ana, bob = (
            Chat(first, Person(Channel.TELEGRAM, name, "fr"), deliveries, clock)
            for name in ("ana", "bob")
        )
        for person in (ana, bob):
            await mini_to(person, "share")  # markets: Europe

        second = await running(mini_v2)
        for person in (ana, bob):
            person.conversation = second
            await person.start()
            await person.press(RESUME)
            assert person.prompt.step_id == "share"
        await finish(ana)

        await bob.back()
        assert (bob.prompt.step_id, bob.prompt.selected) == ("markets", ("eu",))
        assert "Afrique" in bob.labels()
        await bob.press("Asie")
        await bob.confirm()
        await finish(bob)

        keys = {}
        for name, person in (("ana", ana), ("bob", bob)):
            response = await store.get_response(person.reply.response_id or 0)
            assert response is not None and response.flow_version == 2
            keys[name] = response.key
        return keys
    finally:
        await store.close()


async def test_a_choice_added_since_an_answer_was_given_is_empty_not_0(
    carried: dict[str, str], store_target: Path | str, mini_v2: Flow
) -> None:
    exported = export_csv(store_target, mini_v2, ExportOptions(status="all"), codebook=True)
    rows = by_key(read_csv(exported.data))
    ana, bob = rows[carried["ana"]], rows[carried["bob"]]

    assert ana["flow_version"] == bob["flow_version"] == "2"
    # Ana's markets were given on version 1: Africa was not on her screen.
    assert [ana[f"markets__{code}"] for code in ("eu", "africa", "asia")] == ["1", "", "0"]
    # Bob changed his on version 2: Africa was offered, and not picked.
    assert [bob[f"markets__{code}"] for code in ("eu", "africa", "asia")] == ["1", "0", "1"]
    # What the codebook says of the column holds for Ana's row.
    notes = read_csv(exported.codebook or b"").set_index("column")["note"]
    assert "Empty (not 0) on flow version 1" in notes["markets__africa"]
