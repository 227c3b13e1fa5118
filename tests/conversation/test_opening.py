"""Opening the conversation: the welcome, the workshop of the link, and nothing stored before the notice."""

from __future__ import annotations

import pytest

from conversation import Conversation, Help, HelpTopic, Menu, Message, Status, Welcome
from tests.conftest import Peek
from tests.conversation.conftest import (
    AGREE,
    EXAMPLES,
    NO_STAGE,
    NOTHING,
    ChatFactory,
    counts,
)

PITHIVIERS = "Bienvenue\u00a0! Vos réponses seront rattachées à l’atelier de Pithiviers (5\u00a0juin\u00a02019)."
WAITING = "Pour commencer, merci de répondre à l’information sur vos données, ci-dessous."
TITLE = "1er tour de France de l’innovation dans les territoires d’industrie"


@pytest.mark.parametrize("code", ["pithiviers", "PITHIVIERS", "Pithiviers"])
async def test_a_known_stage_code_in_any_case_names_the_workshop(
    chat: ChatFactory, bundled: Conversation, code: str
) -> None:
    ana = chat(bundled)

    await ana.start(code)

    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop == PITHIVIERS
    assert ana.welcome.title == TITLE
    assert ana.welcome.intro.startswith("Bonjour,\n\nCe questionnaire est proposé par")
    # The notice's buttons carry the workshop, so agreeing tags the response with it.
    assert ana.action(AGREE).stage == "pithiviers"


async def test_without_a_code_the_welcome_names_no_workshop(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)

    await ana.start()

    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop is None
    assert ana.action(AGREE).stage == ""


async def test_the_welcome_names_the_workshop_in_english_for_an_english_telegram(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled, hint="en-GB")

    await ana.start("pithiviers")

    assert ana.welcome.workshop == (
        "Welcome! Your answers will be linked to the Pithiviers workshop (5\u00a0June\u00a02019)."
    )
    assert ana.labels()[:2] == ["✅ I agree", "I decline"]


async def test_an_unknown_code_offers_every_workshop_and_going_on_without(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)

    await ana.start("nulle-part")

    assert ana.kinds == ["Menu"]
    assert ana.menu.text == (
        "Ce lien d’invitation ne correspond à aucun atelier connu. "
        "Choisissez votre atelier dans la liste, ou continuez sans atelier."
    )
    assert ana.labels() == ["Pithiviers", *EXAMPLES, NO_STAGE]
    assert ana.reply.status == Status.DONE
    assert counts(peek) == NOTHING


async def test_a_workshop_picked_from_the_list_tags_the_response(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("nulle-part")

    await ana.press("Pithiviers")

    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop == PITHIVIERS
    assert counts(peek) == NOTHING  # still nothing: the notice comes first
    await ana.press(AGREE)
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]


async def test_the_lists_button_pressed_again_once_begun_is_stale_and_moves_nothing(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("nulle-part")
    evreux = ana.action("Évreux (exemple)")
    await ana.press("Pithiviers")
    await ana.press(AGREE)
    before = peek.dump()

    reply = await ana.tap(evreux)  # the list kept in another tab, or scrolled back to

    assert reply.status == Status.STALE
    assert reply.note == "Ce bouton n’est plus actif\u00a0: répondez à la dernière question."
    assert reply.screens == ()  # as any stale button: the question waiting stays where it is
    assert peek.dump() == before
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]


async def test_going_on_without_a_workshop_leaves_the_response_untagged(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("nulle-part")

    await ana.press(NO_STAGE)

    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop is None
    await ana.press(AGREE)
    assert peek.query("SELECT stage_code FROM responses") == [(None,)]


async def test_a_flow_without_a_notice_opens_on_its_first_step_at_once(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)

    await ana.start("pithiviers")

    assert ana.kinds == ["Welcome", "Question"]
    assert ana.welcome == Welcome(
        title="Mini",
        intro="Bonjour",
        workshop=PITHIVIERS,
    )
    assert ana.prompt.step_id == "welcome"
    assert peek.query("SELECT flow_id, flow_version, stage_code, status FROM responses") == [
        ("mini", 1, "pithiviers", "in_progress")
    ]


# Whatever a person sends before agreeing, and what they read back.
BEFORE_AGREEING = [
    ("help", "/help"),
    ("unknown", "/frobnicate"),
    ("typed", "Bonjour, c'est Ana"),
    ("sticker", "a sticker"),
    ("mydata", "/mydata"),
    ("delete", "/delete"),
    ("language", "/language"),
    ("back", "/back"),
    ("skip", "/skip"),
    ("restart", "/restart"),
]


@pytest.mark.parametrize(("what", "shown"), BEFORE_AGREEING, ids=[w for w, _ in BEFORE_AGREEING])
async def test_nothing_is_stored_before_the_notice_is_agreed_to(
    chat: ChatFactory, bundled: Conversation, peek: Peek, what: str, shown: str
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")

    if what == "typed":
        await ana.write(shown)
    elif what == "sticker":
        await ana.sticker()
    else:
        await ana.command(what)

    assert counts(peek) == NOTHING
    assert ana.reply.response_id is None
    assert peek.query("SELECT COUNT(*) FROM stages") == [(0,)]


async def test_before_agreeing_each_input_gets_its_own_answer(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await ana.start()

    await ana.command("help")
    assert ana.screens == (Help(HelpTopic.USAGE),)
    await ana.command("unknown")
    assert ana.screens == (Help(HelpTopic.UNKNOWN_COMMAND),)
    await ana.command("mydata")
    assert ana.screens == (Message("Nous ne conservons aucune réponse de votre part."),)
    await ana.command("language")
    assert ana.menu.text == "Choisissez votre langue\u00a0:"
    assert ana.labels() == ["• Français", "English"]
    # Text typed instead of a button, /restart, /back: the notice again, and why.
    for what in ("Bonjour", "restart", "back"):
        await (ana.write(what) if what == "Bonjour" else ana.command(what))
        assert ana.messages == [WAITING], what
        assert ana.kinds == ["Message", "Menu"], what
        assert ana.menu.text.startswith("Information sur vos données")
        assert ana.labels() == [AGREE, "Je refuse", "English"]
    await ana.command("delete")
    assert ana.screens == (Message("Nous ne conservons aucune réponse de votre part."),)


async def test_a_first_message_without_a_link_gets_the_welcome_and_the_notice(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)

    await ana.write("Bonjour")

    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop is None
    assert ana.labels() == [AGREE, "Je refuse", "English"]


async def test_oui_typed_at_the_notice_shows_it_again_for_the_button(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    """The button carries the version of the notice read; a word typed may answer another
    moment's notice (another instance's, one declined since): it agrees to nothing."""
    ana = chat(bundled)
    await ana.start("pithiviers")

    await ana.write("oui")

    assert ana.messages == [WAITING]
    assert ana.action(AGREE).stage == "pithiviers"
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


@pytest.mark.parametrize("what", ["bonjour", "non merci", "sticker", "back", "language"])
async def test_whatever_comes_before_agreeing_the_workshop_of_the_link_is_kept(
    chat: ChatFactory, bundled: Conversation, peek: Peek, what: str
) -> None:
    """Nothing is stored before agreeing, so the link rides in the notice's buttons: every
    notice shown again carries it, and so does the language menu's."""
    ana = chat(bundled)
    await ana.start("pithiviers")

    if what == "sticker":
        await ana.sticker()
    elif what in ("back", "language"):
        await ana.command(what)
    else:
        await ana.write(what)
    if what == "language":
        await ana.press("English")
        assert ana.welcome.workshop is not None and "Pithiviers" in ana.welcome.workshop
        await ana.press("✅ I agree")
    else:
        assert ana.action(AGREE).stage == "pithiviers"
        await ana.press(AGREE)

    assert ana.prompt.step_id == "company_name"
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]


async def test_after_declining_or_delete_the_link_is_forgotten_too(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana, bob = chat(bundled, "ana"), chat(bundled, "bob")
    for person in (ana, bob):
        await person.start("pithiviers")
    decline = ana.action("Je refuse")
    for typed in ("non", "je ne sais pas", "1"):
        await ana.write(typed)
        assert ana.reply.response_id is None, typed
    await ana.tap(decline)
    await bob.command("delete")
    assert bob.messages == ["Nous ne conservons aucune réponse de votre part."]
    # Their next word is a first message again: the welcome, no workshop.
    for person in (ana, bob):
        await person.write("bonjour")
        assert person.kinds == ["Welcome", "Menu"]
        assert person.welcome.workshop is None
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_a_link_to_no_known_workshop_replaces_the_notice_shown_before(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    await ana.start("atlantis")  # the list of workshops: pick one
    await ana.write("oui")
    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop is None  # not Pithiviers, which the list replaced


async def test_a_sticker_before_agreeing_points_to_the_notice(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await ana.start()

    await ana.sticker()

    assert ana.messages == [WAITING]
    assert ana.kinds == ["Message", "Menu"]
    assert ana.labels() == [AGREE, "Je refuse", "English"]


async def test_the_notice_reads_in_full_with_its_buttons(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)

    await ana.start()

    notice = ana.menu
    assert isinstance(notice, Menu)
    assert notice.text.startswith(
        "Information sur vos données [modèle à adapter par l’organisateur]"
    )
    assert notice.text.endswith("Acceptez-vous de répondre dans ces conditions\u00a0?")
    assert "L’information sur vos données a changé" not in notice.text
    assert ana.labels() == [AGREE, "Je refuse", "English"]
