"""Language: Telegram's hint, /language mid-way and before agreeing, a language chosen up front."""

from __future__ import annotations

import pytest

from conversation import Conversation, commands_help, say
from tests.conftest import Peek
from tests.conversation.conftest import NOTHING, ChatFactory, agree, counts, mini_to

LANGUAGE_SET_EN = "Language: English."


async def test_language_mid_way_changes_the_question_and_is_stored(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    assert ana.prompt.text == "Quel est le secteur d’activité principal d’Acme\u00a0?"

    await ana.command("language")
    assert ana.kinds == ["Menu"]
    assert ana.menu.text == "Choisissez votre langue\u00a0:"
    assert ana.labels() == ["• Français", "English"]
    assert ana.menu.columns == 2

    await ana.press("English")

    assert ana.kinds == ["Message", "Question"]
    assert ana.messages == [LANGUAGE_SET_EN]
    assert ana.prompt.step_id == "sector"
    assert ana.prompt.text == "What is the main business sector of Acme?"
    assert ana.reply.language == "en"
    assert peek.query("SELECT language FROM respondents") == [("en",)]
    assert peek.query("SELECT language, stage_code FROM responses") == [("en", "pithiviers")]

    # And it sticks: the next answer is read back in English.
    await ana.press("Food and drink")
    assert ana.answered.answer == "Food and drink"
    assert peek.query("SELECT value_json FROM answers WHERE question_id = 'sector'") == [
        ('"agrifood"',)
    ]


async def test_the_chosen_language_outlasts_telegrams_hint(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini, hint="fr")
    await mini_to(ana, "staff")
    await ana.command("language")
    await ana.press("English")

    await ana.start()

    assert ana.menu.text == (
        "You have a questionnaire in progress (1 of 10 answered). "
        "Would you like to continue where you left off?"
    )
    assert ana.labels() == ["Continue ▶", "Start over"]


async def test_language_before_agreeing_shows_welcome_and_notice_again_storing_nothing(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start()
    await ana.command("language")

    await ana.press("English")

    assert ana.kinds == ["Message", "Welcome", "Menu"]
    assert ana.messages == [LANGUAGE_SET_EN]
    assert ana.welcome.title == "1st Tour de France of Innovation in Industrial Territories"
    assert ana.welcome.intro.startswith("Hello,\n\nThis questionnaire is run by")
    assert ana.menu.text.startswith("About your data [template to be adapted by the organiser]")
    assert ana.labels() == ["✅ I agree", "I decline", "Français"]
    assert counts(peek) == NOTHING

    await ana.press("✅ I agree")
    assert ana.prompt.text == "What is the name of your company?"
    assert peek.query("SELECT language FROM responses") == [("en",)]


async def test_an_english_telegram_gets_english_and_a_language_up_front_wins(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled, hint="en-US")
    await ana.start()
    assert ana.welcome.title == "1st Tour de France of Innovation in Industrial Territories"
    assert ana.reply.language == "en"

    bob = chat(bundled, "bob", hint="de")  # not a language of the flow: its default
    await bob.start()
    assert bob.reply.language == "fr"

    carla = chat(bundled, "carla", hint="fr")
    await carla.start(language="en")  # the terminal's --lang
    assert carla.welcome.title == "1st Tour de France of Innovation in Industrial Territories"
    await carla.press("✅ I agree")
    assert peek.query(
        "SELECT r.language, p.language FROM responses r JOIN respondents p "
        "ON p.id = r.respondent_id"
    ) == [("en", "en")]


def test_help_keeps_language_names_capitalised_in_english() -> None:
    """The help every channel draws: each line's first letter lowered, "English" kept."""
    english = commands_help("en")
    assert "/language: change language (French / English)" in english
    assert "/back: go back to the previous question" in english
    assert "/language\u00a0: changer de langue (français / anglais)" in commands_help("fr")


@pytest.mark.parametrize(
    ("lang", "mydata", "delete"),
    [
        (
            "fr",
            "/mydata\u00a0: voir les données vous concernant",
            "/delete\u00a0: effacer vos réponses",
        ),
        ("en", "/mydata: see the data stored about you", "/delete: erase your answers"),
    ],
)
def test_help_speaks_to_the_person_where_the_menu_speaks_as_them(
    lang: str, mydata: str, delete: str
) -> None:
    """The ☰ menu's labels are the person's words ("Effacer mes réponses"), as on a button;
    the help is the bot talking: "about me" there read as the bot's own data."""
    lines = commands_help(lang).splitlines()
    assert mydata in lines and delete in lines
    assert say("cmd_delete", lang) in ("Effacer mes réponses", "Erase my answers")


async def test_the_language_picker_marks_the_one_spoken(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.command("language")
    await ana.press("English")
    await ana.command("language")
    assert ana.labels() == ["Français", "• English"]

    await ana.press("• English")  # the one spoken already: said, nothing else changes
    assert ana.reply.language == "en"
    await ana.command("language")
    await ana.press("Français")
    await ana.command("language")
    assert ana.labels() == ["• Français", "English"]
