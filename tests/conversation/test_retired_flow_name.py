"""/mydata names a response to a questionnaire no longer run by the title stored with its
flow version, even when one questionnaire alone runs now; by its id only when no version
of it is stored."""

from __future__ import annotations

from conversation import Conversation, DataCopy
from flows import Catalogue, Flow, StageDef
from storage import Store
from tests.conftest import Clock
from tests.conversation.conftest import ChatFactory, agree


async def _answered_then_retired(
    store: Store, stages: list[StageDef], clock: Clock, chat: ChatFactory, old: Flow, *now: Flow
) -> DataCopy:
    before = Conversation(store, old, stages, clock=lambda: clock.now)
    await before.sync_with_files()
    ana = chat(before)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    running = now[0] if len(now) == 1 else Catalogue(now)
    after = Conversation(store, running, stages, clock=lambda: clock.now)
    await after.sync_with_files()
    again = chat(after)
    await again.command("mydata")
    copy = again.only(DataCopy)
    assert isinstance(copy, DataCopy)
    return copy


async def test_with_one_questionnaire_running_the_retired_one_is_named_by_its_title(
    store: Store,
    stages: list[StageDef],
    clock: Clock,
    chat: ChatFactory,
    bundled_flow: Flow,
    actors_flow: Flow,
) -> None:
    copy = await _answered_then_retired(store, stages, clock, chat, bundled_flow, actors_flow)
    title = bundled_flow.text(bundled_flow.title, "fr").strip()
    (line,) = copy.responses
    assert f"«\u00a0{title}\u00a0»" in line, line


async def test_with_several_running_the_retired_one_is_named_by_its_title_not_its_id(
    store: Store,
    stages: list[StageDef],
    clock: Clock,
    chat: ChatFactory,
    bundled_flow: Flow,
    actors_flow: Flow,
    mini_flow: Flow,
) -> None:
    copy = await _answered_then_retired(
        store, stages, clock, chat, bundled_flow, actors_flow, mini_flow
    )
    title = bundled_flow.text(bundled_flow.title, "fr").strip()
    (line,) = copy.responses
    assert f"«\u00a0{title}\u00a0»" in line and bundled_flow.id not in line, line
