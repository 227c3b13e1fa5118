"""Two questionnaires in one bot (SURVEYBOT_FLOWS=bundled), on Telegram and at the organiser's desk.

On Telegram, through the real handlers with the Bot API faked at the HTTP
boundary: `/start pithiviers` asks who is answering, `/start
pithiviers__territoire` goes straight to the territorial questionnaire. At the
desk, through the real command line: `links` prints a link and QR code per
stage and audience, `export` and `stats` give each flow its own files and
tables, and a setup that cannot work says why before anything starts.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest
import zxingcpp
from click.testing import CliRunner, Result
from PIL import Image

from bot.cli import main as cli
from bot.telegram import BotApplication, build_application, running
from flows import Catalogue, Flow, StageDef, bundled_path
from storage import Store
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates
from tests.support.organiser_jobs import ask_and_wait

BOT = "tour_innovation_bot"
COMPANY, ACTOR = "Une entreprise", "Un acteur du territoire"
LIST = [COMPANY, ACTOR, "English"]
"""Who is answering: each questionnaire, and its other language to read the list in."""


@pytest.fixture
def catalogue(bundled_flow: Flow, actors_flow: Flow) -> Catalogue:
    return Catalogue((bundled_flow, actors_flow))


ORGANISER = 900_001


@pytest.fixture
async def telegram(
    catalogue: Catalogue, bundled_stages: list[StageDef], db_path: Path
) -> AsyncIterator[tuple[BotApplication, Updates]]:
    api = FakeBotAPI()
    app = build_application(
        token=TOKEN,
        flow=catalogue,
        stages=bundled_stages,
        request=api,
        rate_limit=False,
        admins=frozenset({ORGANISER}),
    )
    async with running(app, db_path):
        yield app, Updates(app, api)


def _flow_ids(db_path: Path) -> list[tuple[str, str | None]]:
    from tests.support.sqlite import open_sqlite

    with open_sqlite(db_path) as conn:
        return conn.execute("SELECT flow_id, stage_code FROM responses ORDER BY id").fetchall()


async def test_telegram_asks_who_is_answering_then_gives_that_questionnaire(
    telegram: tuple[BotApplication, Updates], db_path: Path, actors_flow: Flow
) -> None:
    _, updates = telegram
    ana = Person(updates, 701)
    await ana.send("/start pithiviers")
    assert ana.last.labels() == LIST
    await ana.tap(ACTOR)
    assert actors_flow.text(actors_flow.title, "fr") in "\n".join(m.text for m in ana.chat)
    await ana.tap("J’accepte")
    assert _flow_ids(db_path) == [(actors_flow.id, "pithiviers")]


async def test_telegram_link_per_audience_skips_the_question(
    telegram: tuple[BotApplication, Updates], db_path: Path, bundled_flow: Flow
) -> None:
    _, updates = telegram
    bea = Person(updates, 702)
    await bea.send("/start pithiviers__entreprise")
    assert COMPANY not in bea.last.labels()
    await bea.tap("J’accepte")
    assert _flow_ids(db_path) == [(bundled_flow.id, "pithiviers")]


async def _one_each(updates: Updates) -> None:
    """One respondent per questionnaire, agreed and on its first question."""
    for user, audience in ((711, "entreprise"), (712, "territoire")):
        someone = Person(updates, user)
        await someone.send(f"/start pithiviers__{audience}")
        await someone.tap("J’accepte")


async def test_telegram_export_sends_each_questionnaire_its_own_files(
    telegram: tuple[BotApplication, Updates], actors_flow: Flow
) -> None:
    _, updates = telegram
    await _one_each(updates)
    boss = Person(updates, ORGANISER)
    await ask_and_wait(boss, "/export")
    names = [m.attachment[0] for m in boss.chat if m.attachment is not None]
    # reponses_entreprise_2026-11-30_14-05.csv: the audience, the day, the time.
    assert [name.rsplit("_", 2)[0] for name in names] == [
        "reponses_entreprise",
        "codebook_entreprise",
        "reponses_territoire",
        "codebook_territoire",
    ]
    # A selection this small comes as a workbook: each has its own questions' columns.
    assert names[0].endswith(".xlsx") and names[2].endswith(".xlsx")
    actors = next(m for m in boss.chat if m.attachment and m.attachment[0] == names[2])
    sheet = openpyxl.load_workbook(io.BytesIO(actors.attachment[1]))["responses"]
    header = [cell.value for cell in sheet[1]]
    assert "org_type" in header and "sector" not in header

    await ask_and_wait(boss, "/export territoire")
    latest = [m.attachment[0] for m in boss.chat if m.attachment is not None][len(names) :]
    assert [name.rsplit("_", 2)[0] for name in latest] == [
        "reponses_territoire",
        "codebook_territoire",
    ]


async def test_telegram_qr_gives_a_code_per_audience(
    telegram: tuple[BotApplication, Updates],
) -> None:
    _, updates = telegram
    boss = Person(updates, ORGANISER)
    await boss.send("/qr pithiviers")
    photos = [m for m in boss.chat if m.attachment is not None]
    assert [m.attachment[0] for m in photos] == [
        "pithiviers__entreprise.png",
        "pithiviers__territoire.png",
    ]
    for photo, audience in zip(photos, ("entreprise", "territoire"), strict=True):
        (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.attachment[1])))
        assert found.text.endswith(f"?start=pithiviers__{audience}")
    assert photos[1].text.startswith(f"Pithiviers – {ACTOR}\n")
    await boss.send("/qr pithiviers territoire")
    assert boss.last.attachment is not None
    assert boss.last.attachment[0] == "pithiviers__territoire.png"


async def test_telegram_qr_with_an_audience_alone_asks_for_the_workshop(
    telegram: tuple[BotApplication, Updates],
) -> None:
    _, updates = telegram
    boss = Person(updates, ORGANISER)
    await boss.send("/qr territoire")
    assert boss.last.attachment is None
    assert boss.last_text.startswith(
        "Précisez l’atelier\u00a0: /qr CODE territoire (ateliers\u00a0: pithiviers, "
    )
    await boss.send("/links")
    assert boss.last_text.endswith(
        "/qr CODE envoie les QR codes d’un atelier, un par questionnaire\u00a0; "
        "/qr CODE AUDIENCE, celui d’un seul."
    )


async def test_telegram_stats_per_questionnaire_and_for_one(
    telegram: tuple[BotApplication, Updates], actors_flow: Flow, bundled_flow: Flow
) -> None:
    _, updates = telegram
    await _one_each(updates)
    boss = Person(updates, ORGANISER)
    await boss.send("/stats")
    both = "\n".join(m.text for m in boss.chat)
    assert actors_flow.text(actors_flow.title, "fr") in both
    assert bundled_flow.text(bundled_flow.title, "fr") in both
    before = len(boss.chat)
    await boss.send("/stats territoire")
    one = "\n".join(m.text for m in boss.chat[before:])
    # Named or not, the figures say which questionnaire they are about (a forwarded message).
    assert "Total" in one and actors_flow.text(actors_flow.title, "fr") in one
    assert f"— {bundled_flow.text(bundled_flow.title, 'fr')} —" not in one
    await boss.send("/export nulle_part")
    assert "nulle_part" in boss.last_text and "territoire" in boss.last_text


# --- at the organiser's desk ------------------------------------------------------


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with no SURVEYBOT_* variable, and both bundled flows configured."""
    for name in [n for n in __import__("os").environ if n.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SURVEYBOT_FLOWS", "bundled")
    return tmp_path


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_links_give_a_qr_code_per_stage_and_audience(
    desk: Path, bundled_stages: list[StageDef]
) -> None:
    result = invoke("links", "--bot-username", BOT, "--out", "kit")
    assert result.exit_code == 0, result.output
    count = 2 * len(bundled_stages)
    assert result.stderr.startswith(f"{count} links: wrote")
    for stage in bundled_stages:
        for audience in ("entreprise", "territoire"):
            code = f"{stage.code}__{audience}"
            (found,) = zxingcpp.read_barcodes(Image.open(desk / "kit" / "qr" / f"{code}.png"))
            assert found.text == f"https://t.me/{BOT}?start={code}"
    rows = list(csv.DictReader(io.StringIO((desk / "kit" / "links.csv").read_text("utf-8"))))
    assert [(r["stage"], r["audience"]) for r in rows[:2]] == [
        ("pithiviers", "entreprise"),
        ("pithiviers", "territoire"),
    ]
    page = (desk / "kit" / "links.html").read_text("utf-8")
    assert page.count(f'<p class="audience">{ACTOR}</p>') == len(bundled_stages)


async def _two_responses(db: Path, catalogue: Catalogue, stages: list[StageDef]) -> None:
    """One respondent per flow, each having answered the first question."""
    from conversation import Action, Conversation, Intent, Person, Pressed, Start, Typed
    from storage import Channel

    store = await Store.open(db)
    try:
        conversation = Conversation(store, catalogue, stages)
        for number, audience in enumerate(("entreprise", "territoire"), 1):
            person = Person(Channel.TERMINAL, f"desk-{number}", "fr")
            reply = await conversation.handle(person, Start(f"pithiviers__{audience}"))
            agree = next(
                choice.action
                for screen in reply.screens
                for choice in getattr(screen, "choices", ())
                if choice.action.intent == Intent.CONSENT
            )
            await conversation.handle(person, Pressed(agree))
            await conversation.handle(person, Typed("Exemple SARL"))
            await conversation.handle(person, Pressed(Action(Intent.NEXT)))
    finally:
        await store.close()


def test_export_writes_one_file_per_flow_with_its_own_columns(
    desk: Path, catalogue: Catalogue, bundled_stages: list[StageDef], actors_flow: Flow
) -> None:
    asyncio.run(_two_responses(desk / "surveybot.sqlite3", catalogue, bundled_stages))
    result = invoke("export", "--status", "all", "-o", "out.csv")
    assert result.exit_code == 0, result.output
    company = (desk / "out-entreprise.csv").read_text("utf-8").splitlines()
    actors = (desk / "out-territoire.csv").read_text("utf-8").splitlines()
    assert len(company) == 2 and len(actors) == 2  # a header and one response each
    assert company[0] != actors[0]
    company_ids = {step.id for step in catalogue.default.steps()}
    own = [
        step.id
        for step in actors_flow.steps()
        if step.id not in company_ids and not step.personal and step.type == "single_choice"
    ]
    assert own and own[0] in actors[0].split(",") and own[0] not in company[0].split(",")
    assert result.stderr.count("exported 1 response") == 2


def test_export_and_stats_take_one_flow_by_its_audience(
    desk: Path, catalogue: Catalogue, bundled_stages: list[StageDef]
) -> None:
    asyncio.run(_two_responses(desk / "surveybot.sqlite3", catalogue, bundled_stages))
    result = invoke("export", "--status", "all", "--flow", "territoire", "-o", "one.csv")
    assert result.exit_code == 0, result.output
    assert (desk / "one.csv").is_file() and not (desk / "one-territoire.csv").exists()
    both = invoke("stats")
    assert both.exit_code == 0, both.output
    assert both.stdout.count("== ") == 2
    # Each questionnaire counts its own respondent only: one started in each.
    totals = [line.split() for line in both.stdout.splitlines() if line.startswith("TOTAL")]
    assert [row[1] for row in totals] == ["1", "1"]
    one = invoke("stats", "--flow", "entreprise")
    assert one.exit_code == 0 and "== " not in one.stdout


def test_export_of_several_flows_to_standard_output_says_what_to_do(desk: Path) -> None:
    (desk / "surveybot.sqlite3").touch()
    result = invoke("export")
    assert result.exit_code == 1
    assert "several flows are configured" in result.stderr and "--flow" in result.stderr
    assert "or a workbook with --xlsx" in result.stderr


def test_an_unknown_flow_names_those_configured(desk: Path) -> None:
    result = invoke("export", "--flow", "universite", "-o", "x.csv")
    assert result.exit_code == 1
    assert "no flow 'universite'" in result.stderr and "(territoire)" in result.stderr


def test_flow_and_flows_together_are_refused_in_one_line(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEYBOT_FLOW", str(bundled_path("questionnaire.yaml")))
    result = invoke("stats")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: SURVEYBOT_FLOW and SURVEYBOT_FLOWS are both set")


def test_two_flows_without_audience_are_refused_before_starting(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = bundled_path("questionnaire.yaml").read_text("utf-8")
    start, end = text.index("\naudience:"), text.index("\n\n", text.index("\naudience:") + 1)
    (desk / "a.yaml").write_text(text[:start] + text[end:], "utf-8")
    monkeypatch.setenv("SURVEYBOT_FLOWS", f"a.yaml,{bundled_path('acteurs.yaml')}")
    result = invoke("chat")
    assert result.exit_code == 1
    assert "has no 'audience:'" in result.stderr


def test_validate_checks_the_configured_flows_run_together(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok = invoke("validate")
    assert ok.exit_code == 0, ok.output
    assert "2 flows: ok together" in ok.stderr
    text = bundled_path("acteurs.yaml").read_text("utf-8")
    (desk / "twin.yaml").write_text(text.replace("code: territoire", "code: entreprise"), "utf-8")
    monkeypatch.setenv("SURVEYBOT_FLOWS", f"{bundled_path('questionnaire.yaml')},twin.yaml")
    clash = invoke("validate")
    assert clash.exit_code == 1
    assert "the same audience code 'entreprise'" in clash.stdout


def test_validate_checks_a_stages_file_given_alone_with_the_configured_flows(
    desk: Path,
) -> None:
    """`surveybot validate my-stages.yaml`, as the organisers' guide says: a code that fits
    alone but not with an audience code said there, not first by `links` or a start."""
    code = "a_code_that_is_quite_long_for_a_link_but_within_sixty_four_x"
    (desk / "stages.yaml").write_text(f"stages:\n  - code: {code}\n    city: X\n", "utf-8")
    refused = invoke("validate", "stages.yaml")
    assert refused.exit_code == 1
    assert f"stage '{code}' with audience 'territoire' makes a link longer" in refused.stdout
    assert invoke("links", "--bot-username", BOT, "--stages", "stages.yaml").exit_code != 0
    assert invoke("validate", bundled_path("stages.yaml")).exit_code == 0
