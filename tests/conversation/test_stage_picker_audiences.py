"""The list of workshops for an unknown link, when the stages are one per town and audience.

An organiser running both bundled questionnaires may give each audience its own
stage in one town (`pithiviers` for companies, `acteurs_pithiviers` for the
territory's actors, both in Pithiviers). Someone whose link names no known stage
is shown the list: two buttons reading "Pithiviers" could not be told apart, so
each then says which audience it is for; and a link that names the audience
lists only the stages for that audience's questionnaire (or for none in particular).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pytest

from conversation import Conversation
from flows import Catalogue, Flow, StageDef
from storage import Store
from tests.conftest import Clock, Peek
from tests.conversation.conftest import AGREE, EXAMPLES, NO_STAGE, ChatFactory

Converse = Callable[[Sequence[StageDef]], Conversation]

FOR_COMPANIES = "Pithiviers · Une entreprise"
FOR_ACTORS = "Pithiviers · Un acteur du territoire"


@pytest.fixture
def converse(store: Store, clock: Clock, bundled_flow: Flow, actors_flow: Flow) -> Converse:
    """`converse(stages)`: the bot running both bundled questionnaires with these stages."""

    def make(stages: Sequence[StageDef]) -> Conversation:
        flows = Catalogue((bundled_flow, actors_flow))
        return Conversation(store, flows, list(stages), clock=lambda: clock.now)

    return make


def _per_audience(
    bundled_stages: list[StageDef], bundled_flow: Flow, actors_flow: Flow, *, tied: bool = True
) -> list[StageDef]:
    """The bundled stages, Pithiviers tied to the companies' questionnaire (if `tied`),
    and then a second Pithiviers stage for the territory's actors."""
    first, *examples = bundled_stages
    pithiviers = first.model_copy(update={"flow": bundled_flow.id if tied else None})
    actors = StageDef(
        code="acteurs_pithiviers", city="Pithiviers", date=first.date, flow=actors_flow.id
    )
    return [pithiviers, *examples, actors]


def _responses(peek: Peek) -> list[tuple[str, str | None]]:
    return [tuple(row) for row in peek.query("SELECT flow_id, stage_code FROM responses")]


async def test_two_stages_in_one_town_each_say_their_audience(
    converse: Converse,
    chat: ChatFactory,
    bundled_stages: list[StageDef],
    bundled_flow: Flow,
    actors_flow: Flow,
) -> None:
    ana = chat(converse(_per_audience(bundled_stages, bundled_flow, actors_flow)))
    await ana.start("nope")
    assert ana.labels() == [FOR_COMPANIES, *EXAMPLES, FOR_ACTORS, NO_STAGE]
    assert ana.menu.columns == 1  # longer buttons: one a row, read whole on a phone


async def test_in_english_the_audience_is_said_in_english(
    converse: Converse,
    chat: ChatFactory,
    bundled_stages: list[StageDef],
    bundled_flow: Flow,
    actors_flow: Flow,
) -> None:
    ana = chat(converse(_per_audience(bundled_stages, bundled_flow, actors_flow)), hint="en")
    await ana.start("nope")
    assert ana.labels()[0] == "Pithiviers · A company"
    assert ana.labels()[-2] == "Pithiviers · A local stakeholder"


async def test_a_stage_for_no_audience_in_particular_keeps_its_town_alone(
    converse: Converse,
    chat: ChatFactory,
    bundled_stages: list[StageDef],
    bundled_flow: Flow,
    actors_flow: Flow,
) -> None:
    stages = _per_audience(bundled_stages, bundled_flow, actors_flow, tied=False)
    ana = chat(converse(stages))
    await ana.start("nope")
    assert ana.labels() == ["Pithiviers", *EXAMPLES, FOR_ACTORS, NO_STAGE]


@pytest.mark.parametrize(
    ("label", "which", "code"),
    [(FOR_COMPANIES, "company", "pithiviers"), (FOR_ACTORS, "actors", "acteurs_pithiviers")],
)
async def test_each_pithiviers_opens_its_questionnaire_tagged_with_its_stage(
    converse: Converse,
    chat: ChatFactory,
    peek: Peek,
    bundled_stages: list[StageDef],
    bundled_flow: Flow,
    actors_flow: Flow,
    label: str,
    which: str,
    code: str,
) -> None:
    flow = actors_flow if which == "actors" else bundled_flow
    ana = chat(converse(_per_audience(bundled_stages, bundled_flow, actors_flow)))
    await ana.start("nope")
    await ana.press(label)
    assert ana.welcome.title == flow.text(flow.title, "fr")
    assert "Pithiviers" in (ana.welcome.workshop or "")
    await ana.press(AGREE)
    assert ana.prompt.step_id == flow.steps()[0].id
    assert _responses(peek) == [(flow.id, code)]


@pytest.mark.parametrize(
    ("audience", "which", "code", "listed"),
    [
        ("territoire", "actors", "acteurs_pithiviers", [*EXAMPLES, "Pithiviers"]),
        ("entreprise", "company", "pithiviers", ["Pithiviers", *EXAMPLES]),
    ],
)
async def test_a_link_naming_the_audience_lists_only_its_stages(
    converse: Converse,
    chat: ChatFactory,
    peek: Peek,
    bundled_stages: list[StageDef],
    bundled_flow: Flow,
    actors_flow: Flow,
    audience: str,
    which: str,
    code: str,
    listed: list[str],
) -> None:
    flow = actors_flow if which == "actors" else bundled_flow
    ana = chat(converse(_per_audience(bundled_stages, bundled_flow, actors_flow)))
    await ana.start(f"nope__{audience}")
    # The examples are for no audience in particular: listed for both.
    assert ana.labels() == [*listed, NO_STAGE]
    assert ana.menu.columns == 2
    await ana.press("Pithiviers")
    assert ana.welcome.title == flow.text(flow.title, "fr")
    await ana.press(AGREE)
    assert _responses(peek) == [(flow.id, code)]


async def test_two_stages_in_one_town_for_the_same_audience_say_their_dates(
    converse: Converse, chat: ChatFactory, peek: Peek, actors_flow: Flow
) -> None:
    stages = [
        StageDef(code="orleans_2019", city="Orléans", date=dt.date(2019, 6, 5)),
        StageDef(code="orleans_2020", city="Orléans", date=dt.date(2020, 3, 1)),
        StageDef(code="tours", city="Tours"),
    ]
    ana = chat(converse(stages))
    await ana.start("nope")
    assert ana.labels() == [
        "Orléans (5\u00a0juin\u00a02019)",
        "Orléans (1er\u00a0mars\u00a02020)",
        "Tours",
        NO_STAGE,
    ]
    await ana.press("Orléans (1er\u00a0mars\u00a02020)")
    await ana.press("Un acteur du territoire")
    await ana.press(AGREE)
    assert _responses(peek) == [(actors_flow.id, "orleans_2020")]


async def test_the_bundled_stages_are_listed_as_they_always_were(
    converse: Converse, chat: ChatFactory, bundled_stages: list[StageDef]
) -> None:
    for link in ("nope", "nope__territoire"):
        ana = chat(converse(bundled_stages), link)
        await ana.start(link)
        assert ana.labels() == ["Pithiviers", *EXAMPLES, NO_STAGE]
        assert ana.menu.columns == 2
