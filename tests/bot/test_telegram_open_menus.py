"""One menu open at a time: a menu's buttons go once the person does something else.

Typed mid-questionnaire, `/language`, `/restart`, `/delete` and `/start` each
answer with a menu. Before, every one of them kept its buttons beside the
question's, so a chat could show five keyboards at once; now the menu shown
last is the only one open, and it closes when the chat moves on (an answer,
the question asked again, another menu). Something said aside (/help, /mydata)
leaves it open.
"""

from __future__ import annotations

from bot.telegram import BotApplication
from tests.bot.conftest import PersonFactory
from tests.support.fake_bot_api import ChatMessage, Person

AGREE = "✅ J’accepte"
LANGUAGE = "Choisissez votre langue\u00a0:"
RESTART = "Recommencer efface toutes vos réponses"
ERASE = "Effacer définitivement toutes vos réponses"
RESUME = "Vous avez un questionnaire en cours"


def headed(message: ChatMessage) -> str:
    return message.text.splitlines()[0]


async def started(ana: Person) -> ChatMessage:
    """Ana agreed and answered the first question; the second is on screen."""
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    return ana.last


def edits_of(ana: Person, message: ChatMessage) -> int:
    calls = ana.api.calls_to("editMessageReplyMarkup", ana.user_id)
    return sum(1 for call in calls if call.params["message_id"] == message.message_id)


async def test_menus_typed_one_after_another_leave_the_question_and_the_last(
    person: PersonFactory,
) -> None:
    ana = person()
    asked = await started(ana)
    for command in ("/language", "/restart", "/delete", "/start"):
        await ana.send(command)

    live = ana.live_keyboards()
    assert [headed(m) for m in live] == [headed(asked), headed(ana.last)]
    assert ana.last.text.startswith(RESUME)
    for text in (LANGUAGE, RESTART, ERASE):
        (menu,) = [m for m in ana.chat if m.text.startswith(text)]
        assert menu.keyboard is None, f"{text!r} kept its buttons"
        assert edits_of(ana, menu) == 1


async def test_an_answer_closes_the_open_menu(person: PersonFactory) -> None:
    ana = person()
    asked = await started(ana)
    await ana.send("/restart")
    menu = ana.last

    await ana.tap("Agroalimentaire", message=asked)

    assert menu.keyboard is None, "the confirmation went with the answer it would have erased"
    assert len(ana.live_keyboards()) == 1
    assert ana.live_keyboards()[0].text.startswith("Question 3/")


async def test_a_sticker_closes_it_too_as_the_question_comes_again_below(
    person: PersonFactory,
) -> None:
    ana = person()
    await started(ana)
    await ana.send("/language")
    menu = ana.last
    await ana.send_sticker()

    assert menu.keyboard is None
    assert [headed(m) for m in ana.live_keyboards()] == [headed(ana.last)]
    assert ana.last.text.startswith("Question 2/")


async def test_help_leaves_the_menu_open_and_it_still_works(person: PersonFactory) -> None:
    ana = person()
    await started(ana)
    await ana.send("/restart")
    menu = ana.last
    await ana.send("/help")
    await ana.send("/mydata")

    assert menu.labels() == ["Oui, recommencer", "Non, continuer"]
    await ana.tap("Oui, recommencer", message=menu)
    assert any(m.text.startswith("C’est reparti depuis le début.") for m in ana.chat)
    assert menu.keyboard is None
    assert edits_of(ana, menu) == 1, "used up by the tap, not removed a second time"


async def test_a_menu_answered_by_its_button_is_not_edited_again(
    person: PersonFactory,
) -> None:
    ana = person()
    await started(ana)
    await ana.send("/language")
    menu = ana.last
    await ana.tap("Français", message=menu)
    await ana.send("/help")
    await ana.tap("Agroalimentaire")

    assert menu.keyboard is None
    assert edits_of(ana, menu) == 1


async def test_a_chat_is_remembered_only_while_a_menu_is_open(
    person: PersonFactory, app: BotApplication
) -> None:
    ana = person()
    await started(ana)
    chats = app.bot_data.chats
    assert ana.user_id not in chats, "the notice, answered, is no longer open"

    await ana.send("/language")
    assert ana.user_id in chats
    await ana.send("Agroalimentaire")
    assert ana.user_id not in chats


async def test_before_agreeing_a_notice_sent_again_takes_the_older_copy_s_buttons(
    person: PersonFactory,
) -> None:
    ana = person()
    await ana.send("/start")
    older = ana.last
    await ana.send("oui")  # the notice is answered by its buttons: it comes again

    assert older.keyboard is None
    assert ana.last.labels()[:2] == [AGREE, "Je refuse"]
    assert [m.message_id for m in ana.live_keyboards()] == [ana.last.message_id]


async def test_the_workshop_picker_gives_way_like_any_menu(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start atlantis")  # no such workshop: pick one
    picker = ana.last_with_buttons()
    await ana.send("/language")

    assert picker.keyboard is None
    assert [m.message_id for m in ana.live_keyboards()] == [ana.last.message_id]
