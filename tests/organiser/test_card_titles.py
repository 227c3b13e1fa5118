"""Each invitation card names the questionnaire it invites to: its own flow's title.

A card found on a table at a workshop says what it is for. With several
questionnaires (one per audience), each card has its own's; `links` loads the
flows for it, and so refuses a broken flow file, located, as `chat` and `run` do.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from bot.cli.organiser import links
from flows import Flow, StageDef, bundled_path, load_flow
from organiser import audiences_of, render_html, stage_links
from tests.organiser.codes import BOT
from tests.organiser.survey import FLOW, STAGES
from tests.organiser.test_page import Cards

COMPANIES = "1er tour de France de l’innovation dans les territoires d’industrie"
ACTORS = f"{COMPANIES}\u00a0: acteurs du territoire"
"""French typography: a no-break space before the colon, as the bot sets the title."""


@pytest.fixture(scope="module")
def bundled() -> list[Flow]:
    return [load_flow(bundled_path(name)) for name in ("questionnaire.yaml", "acteurs.yaml")]


def titles(page: str) -> dict[str, str]:
    """Each card's title, by the code its link carries."""
    parser = Cards()
    parser.feed(page)
    return {code: card["title"] for code, card in parser.cards.items()}


# --- the page ---------------------------------------------------------------------


def test_each_card_names_the_questionnaire(
    tour_stages: list[StageDef], bundled: list[Flow]
) -> None:
    links = stage_links(tour_stages, BOT, flows=bundled[:1])
    page = render_html(links, bot_username=BOT)
    assert titles(page) == {stage.code: COMPANIES for stage in tour_stages}
    # "1er" as French print sets it, above the city.
    assert '<p class="title">1<sup>er</sup> tour de France' in page
    assert page.index('class="title"') < page.index('class="city')


def test_with_several_questionnaires_each_card_has_its_own(bundled: list[Flow]) -> None:
    stages = [
        StageDef(code="pithiviers", city="Pithiviers"),
        StageDef(code="chambre", city="Évreux", flow="tour_innov_2019_acteurs"),
    ]
    links = stage_links(stages, BOT, audiences=audiences_of(bundled, "fr"), flows=bundled)
    assert titles(render_html(links, bot_username=BOT)) == {
        "pithiviers__entreprise": COMPANIES,
        "pithiviers__territoire": ACTORS,
        # A stage tied to one flow in the stages file: one card, that flow's.
        "chambre": ACTORS,
    }


def test_the_title_is_in_the_page_s_language(bundled: list[Flow]) -> None:
    stage = StageDef(code="demo", city="Dunkerque")
    links = stage_links(
        [stage], BOT, audiences=audiences_of(bundled, "en"), flows=bundled, lang="en"
    )
    assert titles(render_html(links, bot_username=BOT, lang="en")) == {
        "demo__entreprise": "1st Tour de France of Innovation in Industrial Territories",
        "demo__territoire": "1st Tour de France of Innovation in Industrial Territories: "
        "local stakeholders",
    }


def test_a_title_is_escaped(tmp_path: Path) -> None:
    flow = FLOW.read_text(encoding="utf-8").replace(
        "title: {fr: Tour, en: Tour}", "title: {fr: '<b>Tour</b> & co', en: Tour}"
    )
    (tmp_path / "flow.yaml").write_text(flow, encoding="utf-8")
    stage = StageDef(code="demo", city="Dunkerque")
    page = render_html(
        stage_links([stage], BOT, flows=[load_flow(tmp_path / "flow.yaml")]), bot_username=BOT
    )
    assert "<b>Tour" not in page and "&lt;b&gt;Tour&lt;/b&gt; &amp; co" in page
    assert titles(page) == {"demo": "<b>Tour</b> & co"}


# --- `surveybot links` --------------------------------------------------------------


@click.group()
def group() -> None:
    """A stand-in for the `surveybot` group."""


group.add_command(links)


@pytest.fixture(autouse=True)
def _isolated(clean_env: Path) -> None:
    """Every test runs from an empty folder, with no SURVEYBOT_* variable."""


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(group, [str(a) for a in args])


def test_links_put_the_bundled_title_on_every_card(clean_env: Path) -> None:
    result = invoke("links", "--bot-username", BOT, "--out", "cards")
    assert result.exit_code == 0, result.output
    found = titles((clean_env / "cards" / "links.html").read_text(encoding="utf-8"))
    assert found and set(found.values()) == {COMPANIES}


def test_links_put_the_flow_file_s_title(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(
        "links", "--bot-username", BOT, "--stages", STAGES, "--flow", FLOW, "--out", "a"
    )
    assert result.exit_code == 0, result.output
    page = (clean_env / "a" / "links.html").read_text(encoding="utf-8")
    assert set(titles(page).values()) == {"Tour"}
    monkeypatch.setenv("SURVEYBOT_FLOW", str(FLOW))
    assert invoke("links", "--bot-username", BOT, "--stages", STAGES, "--out", "b").exit_code == 0
    assert (clean_env / "b" / "links.html").read_text(encoding="utf-8") == page


def test_links_with_several_flows_title_each_card_with_its_own(clean_env: Path) -> None:
    result = invoke("links", "--bot-username", BOT, "--flows", "bundled", "--out", "cards")
    assert result.exit_code == 0, result.output
    found = titles((clean_env / "cards" / "links.html").read_text(encoding="utf-8"))
    assert {code.partition("__")[2]: title for code, title in found.items()} == {
        "entreprise": COMPANIES,
        "territoire": ACTORS,
    }


@pytest.mark.parametrize("given", ["--flow", "SURVEYBOT_FLOW"])
def test_links_refuse_a_broken_flow_file_located(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    broken = FLOW.read_text(encoding="utf-8").replace("type: single_choice", "type: choix", 1)
    (clean_env / "flow.yaml").write_text(broken, encoding="utf-8")
    line = broken[: broken.index("type: choix")].count("\n") + 1
    flag = ["--flow", "flow.yaml"] if given == "--flow" else []
    if given == "SURVEYBOT_FLOW":
        monkeypatch.setenv("SURVEYBOT_FLOW", "flow.yaml")
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES, *flag, "--out", "cards")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"flow.yaml:{line}: ")
    assert "choix" in result.stderr
    # Refused before anything is written: no cards naming a questionnaire that cannot run.
    assert not (clean_env / "cards").exists()
    # Without --out too: no CSV of links to a flow that cannot run.
    assert invoke("links", "--bot-username", BOT, "--stages", STAGES, *flag).exit_code == 1


def test_links_refuse_a_stage_tied_to_a_flow_not_run(clean_env: Path) -> None:
    (clean_env / "stages.yaml").write_text(
        "stages:\n  - code: a\n    city: A\n  - code: b\n    city: B\n    flow: autre\n",
        encoding="utf-8",
    )
    result = invoke("links", "--bot-username", BOT, "--stages", "stages.yaml", "--flow", FLOW)
    assert result.exit_code == 1
    assert result.stderr.startswith("stages.yaml:6: ")
