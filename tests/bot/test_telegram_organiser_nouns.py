"""The organiser's Telegram texts say what the stages file calls its stages.

The real application and handlers, the Bot API faked at the HTTP boundary, a real
SQLite file, over a made-up file of "journées portes ouvertes" (feminine) or of
"salons" (tests/support/stage_nouns.py): /stats, /links, /qr, /export, /help and the
command menu, in French and English. Each text about stages is said through
`bot.telegram.words.org`; `test_every_text_about_stages_is_said_by_a_command` walks
each of them through its command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.telegram import delivery, words
from flows import Catalogue, Flow, StageDef, load_stages
from tests.support.fake_bot_api import FakeBotAPI, Person
from tests.support.organiser_jobs import ask_and_wait
from tests.support.stage_nouns import write_stages

ORGANISER = 900_001
PersonFactory = Callable[..., Person]
NBSP = "\u00a0"


@pytest.fixture
def noun() -> str:
    """What the stages file calls its stages; a test parametrizes it."""
    return "journée"


@pytest.fixture
def several() -> bool:
    """Whether the bot runs two questionnaires (the bundled ones) rather than the mini one."""
    return False


@pytest.fixture
def flow(request: pytest.FixtureRequest, mini_flow: Flow, several: bool) -> Flow | Catalogue:
    if not several:
        return mini_flow
    two = (request.getfixturevalue("bundled_flow"), request.getfixturevalue("actors_flow"))
    return Catalogue(two)


@pytest.fixture
def stages(tmp_path: Path, noun: str) -> list[StageDef]:
    return load_stages(write_stages(tmp_path, noun)) if noun else []


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The keys of the organiser's texts about stages said while the test runs."""
    keys: set[str] = set()
    table = words._organiser

    def recording(key: str, lang: str, **values: object) -> str:
        keys.add(key)
        return table(key, lang, **values)

    monkeypatch.setattr(words, "_organiser", recording)
    yield keys


async def untagged_and_tagged(person: PersonFactory) -> None:
    """One respondent started at Pithiviers, one without a stage."""
    await person(700_000_101).send("/start pithiviers")
    await person(700_000_102).send("/start")


def q(word: str, lang: str) -> str:
    return f"«{NBSP}{word}{NBSP}»" if lang == "fr" else f"“{word}”"


# (noun, lang) -> what each command says about stages.
SAID = {
    ("journée", "fr"): {
        "no_stage": "Sans journée portes ouvertes (—)",
        "usage": f"Utilisation{NBSP}: /qr CODE (journées portes ouvertes{NBSP}: pithiviers, evreux)",
        "unknown": f"Journée portes ouvertes {q('atlantis', 'fr')} inconnue. "
        f"Journées portes ouvertes{NBSP}: pithiviers, evreux",
        "unknowns": f"Journées portes ouvertes {q('a', 'fr')}, {q('b', 'fr')} inconnues.",
        "two": f"Une journée portes ouvertes à la fois au plus{NBSP}: {q('evreux', 'fr')} en trop.",
        "hint": "/qr CODE envoie le QR code d’une journée portes ouvertes.",
        "help_stats": f"/stats [CODE]{NBSP}: réponses par journée portes ouvertes, taux,",
        "help_qr": f"/qr CODE{NBSP}: le QR code d’une journée portes ouvertes, à montrer",
        "menu_stats": "Réponses par journée portes ouvertes, taux, médiane, aujourd’hui",
        "menu_qr": "Le QR code d’une journée portes ouvertes, à montrer ou imprimer",
        "too_large": "ou exportez une journée portes ouvertes à la fois",
    },
    ("salon", "fr"): {
        "no_stage": "Sans salon (—)",
        "usage": f"Utilisation{NBSP}: /qr CODE (salons{NBSP}: pithiviers, evreux)",
        "unknown": f"Salon {q('atlantis', 'fr')} inconnu. Salons{NBSP}: pithiviers, evreux",
        "unknowns": f"Salons {q('a', 'fr')}, {q('b', 'fr')} inconnus.",
        "two": f"Un salon à la fois au plus{NBSP}: {q('evreux', 'fr')} en trop.",
        "hint": "/qr CODE envoie le QR code d’un salon.",
        "help_stats": f"/stats [CODE]{NBSP}: réponses par salon, taux,",
        "help_qr": f"/qr CODE{NBSP}: le QR code d’un salon, à montrer",
        "menu_stats": "Réponses par salon, taux, médiane, aujourd’hui",
        "menu_qr": "Le QR code d’un salon, à montrer ou imprimer",
        "too_large": "ou exportez un salon à la fois",
    },
    ("journée", "en"): {
        "no_stage": "No open day (—)",
        "usage": "Usage: /qr CODE (open days: pithiviers, evreux)",
        "unknown": f"Unknown open day {q('atlantis', 'en')}. Open days: pithiviers, evreux",
        "unknowns": f"Unknown open days {q('a', 'en')}, {q('b', 'en')}.",
        "two": f"At most one open day at a time: {q('evreux', 'en')} is one too many.",
        "hint": "/qr CODE sends the QR code of an open day.",
        "help_stats": "/stats [CODE]: responses per open day, rate,",
        "help_qr": "/qr CODE: an open day's QR code, to show",
        "menu_stats": "Responses per open day, rate, median, today",
        "menu_qr": "An open day's QR code, to show or print",
        "too_large": "or export one open day at a time",
    },
    ("salon", "en"): {
        "no_stage": "No trade fair (—)",
        "usage": "Usage: /qr CODE (trade fairs: pithiviers, evreux)",
        "unknown": f"Unknown trade fair {q('atlantis', 'en')}. Trade fairs: pithiviers, evreux",
        "unknowns": f"Unknown trade fairs {q('a', 'en')}, {q('b', 'en')}.",
        "two": f"At most one trade fair at a time: {q('evreux', 'en')} is one too many.",
        "hint": "/qr CODE sends the QR code of a trade fair.",
        "help_stats": "/stats [CODE]: responses per trade fair, rate,",
        "help_qr": "/qr CODE: a trade fair's QR code, to show",
        "menu_stats": "Responses per trade fair, rate, median, today",
        "menu_qr": "A trade fair's QR code, to show or print",
        "too_large": "or export one trade fair at a time",
    },
}
CASES = pytest.mark.parametrize(("noun", "lang"), list(SAID))


def organiser(person: PersonFactory, lang: str) -> Person:
    return person(ORGANISER, language_code=lang)


def all_text(boss: Person) -> str:
    return "\n".join(m.text for m in boss.chat)


@CASES
async def test_stats_name_the_row_without_a_stage_as_the_file_calls_them(
    person: PersonFactory, noun: str, lang: str
) -> None:
    await untagged_and_tagged(person)
    boss = organiser(person, lang)
    await boss.send("/stats")
    assert SAID[noun, lang]["no_stage"] in boss.last_text
    assert "atelier" not in boss.last_text.lower() and "workshop" not in boss.last_text.lower()


@CASES
async def test_qr_alone_unknown_or_twice_names_the_stages_as_the_file_calls_them(
    person: PersonFactory, noun: str, lang: str
) -> None:
    boss = organiser(person, lang)
    await boss.send("/qr")
    assert boss.last_text == SAID[noun, lang]["usage"]
    await boss.send("/qr atlantis")
    assert boss.last_text.startswith(SAID[noun, lang]["unknown"])
    await boss.send("/qr a b")
    assert boss.last_text.startswith(SAID[noun, lang]["unknowns"])
    await boss.send("/qr pithiviers evreux")
    assert boss.last_text.startswith(SAID[noun, lang]["two"])


@CASES
async def test_links_and_help_name_the_stages_as_the_file_calls_them(
    person: PersonFactory, noun: str, lang: str
) -> None:
    boss = organiser(person, lang)
    await boss.send("/links")
    assert boss.last_text.endswith(SAID[noun, lang]["hint"])
    await boss.send("/help")
    text = all_text(boss)
    assert SAID[noun, lang]["help_stats"] in text
    assert SAID[noun, lang]["help_qr"] in text


@CASES
async def test_the_organiser_menu_names_the_stages_as_the_file_calls_them(
    api: FakeBotAPI, store: object, noun: str, lang: str
) -> None:
    menus = [
        c.params
        for c in api.calls
        if c.method == "setMyCommands"
        and (c.params.get("scope") or {}).get("chat_id") == ORGANISER
        and c.params.get("language_code") == lang
    ]
    assert menus
    described = {c["command"]: c["description"] for c in menus[-1]["commands"]}
    assert described["stats"] == SAID[noun, lang]["menu_stats"]
    assert described["qr"] == SAID[noun, lang]["menu_qr"]


@CASES
async def test_an_export_too_big_names_the_stages_as_the_file_calls_them(
    person: PersonFactory,
    api: FakeBotAPI,
    monkeypatch: pytest.MonkeyPatch,
    noun: str,
    lang: str,
) -> None:
    await untagged_and_tagged(person)
    monkeypatch.setattr(delivery, "UPLOAD_LIMIT", 200)
    api.upload_limit = 200
    boss = organiser(person, lang)
    await ask_and_wait(boss, "/export csv")
    assert SAID[noun, lang]["too_large"] in boss.last_text


@pytest.mark.parametrize("several", [True])
@pytest.mark.parametrize(
    ("noun", "lang", "unknown", "unknowns", "each"),
    [
        (
            "journée",
            "fr",
            f"{q('xyz', 'fr')} n’est ni une journée portes ouvertes ni un questionnaire.",
            f"{q('a', 'fr')}, {q('b', 'fr')} ne sont ni des journées portes ouvertes "
            "ni des questionnaires.",
            f"Une journée portes ouvertes et un questionnaire à la fois au plus{NBSP}: "
            f"{q('evreux', 'fr')} en trop.",
        ),
        (
            "salon",
            "fr",
            f"{q('xyz', 'fr')} n’est ni un salon ni un questionnaire.",
            f"{q('a', 'fr')}, {q('b', 'fr')} ne sont ni des salons ni des questionnaires.",
            f"Un salon et un questionnaire à la fois au plus{NBSP}: {q('evreux', 'fr')} en trop.",
        ),
        (
            "journée",
            "en",
            f"{q('xyz', 'en')} is neither an open day nor a questionnaire.",
            f"{q('a', 'en')}, {q('b', 'en')} are neither open days nor questionnaires.",
            "At most one open day and one questionnaire at a time: "
            f"{q('evreux', 'en')} is one too many.",
        ),
    ],
    ids=["journée-fr", "salon-fr", "journée-en"],
)
async def test_with_two_questionnaires_what_names_nothing_says_the_stages_noun(
    person: PersonFactory, noun: str, lang: str, unknown: str, unknowns: str, each: str
) -> None:
    boss = organiser(person, lang)
    await boss.send("/stats xyz")
    assert boss.last_text.startswith(unknown)
    await boss.send("/stats a b")
    assert boss.last_text.startswith(unknowns)
    await boss.send("/stats pithiviers evreux")
    assert boss.last_text.startswith(each)


# What each setup of the walk says at least: together, every text of `words.ORGANISER_WORDS`.
WALKED = {
    "one questionnaire": {
        "org_help_stats",
        "org_help_links",
        "org_help_qr",
        "org_help_export",
        "org_no_stage",
        "org_audience_not_run",
        "org_links_qr_hint",
        "org_export_too_large",
        "org_qr_usage",
        "org_unknown_stage_one",
        "org_unknown_stage_many",
        "org_one_stage",
        "org_stages_are",
    },
    "two questionnaires": {
        "org_unknown_either_one",
        "org_unknown_either_many",
        "org_one_each",
        "org_links_qr_hint_several",
        "org_qr_which_stage",
    },
    "no stages": {"org_no_stages"},
}


def test_the_walk_says_every_text_about_stages() -> None:
    assert set().union(*WALKED.values()) == set(words.ORGANISER_WORDS)


@pytest.mark.parametrize("lang", ["fr", "en", "de"])
@pytest.mark.parametrize(
    ("setup", "several", "noun"),
    [
        ("one questionnaire", False, "journée"),
        ("two questionnaires", True, "salon"),
        ("no stages", False, ""),
    ],
)
async def test_every_text_about_stages_is_said_by_a_command(
    said: set[str],
    person: PersonFactory,
    api: FakeBotAPI,
    monkeypatch: pytest.MonkeyPatch,
    setup: str,
    lang: str,
) -> None:
    """Each command that says a text about stages, in each language (German reads French):
    none raises for a form left out, and together they say them all."""
    boss = organiser(person, lang)
    commands = ["/help", "/links", "/qr", "/qr atlantis", "/qr a b", "/qr pithiviers evreux"]
    commands += ["/stats xyz", "/stats a b", "/stats pithiviers evreux", "/qr territoire"]
    commands += ["/stats pithiviers__bogus"]
    for command in commands:
        before = len(boss.chat)
        await boss.send(command)
        assert len(boss.chat) > before, command
    await untagged_and_tagged(person)
    await boss.send("/stats")
    monkeypatch.setattr(delivery, "UPLOAD_LIMIT", 200)
    api.upload_limit = 200
    await ask_and_wait(boss, "/export csv")
    assert WALKED[setup] <= said
    assert "{" not in all_text(boss)
