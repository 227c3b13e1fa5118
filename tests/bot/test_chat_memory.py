"""The chats' memory: one open menu a chat, closed only as read, and bounded in size and age."""

from __future__ import annotations

import asyncio

from telegram.error import NetworkError

from bot.telegram.chat_memory import KEPT_MENUS, ChatMemory
from conversation import Menu


class FakeChat:
    """A chat whose keyboard removals are recorded; the first may be held, or fail."""

    def __init__(self, chat_id: int = 7, *, failing: bool = False) -> None:
        self.chat_id = chat_id
        self.dropped: list[int] = []
        self.held: asyncio.Event | None = None
        self.failing = failing

    async def drop_keyboard(self, message_id: int) -> None:
        self.dropped.append(message_id)
        if self.held is not None:
            await self.held.wait()
        if self.failing:
            raise NetworkError("Bad Gateway")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


MENU = Menu("Choisissez", ())


async def test_opening_a_menu_removes_the_buttons_of_the_one_before() -> None:
    memory, chat = ChatMemory(), FakeChat()
    await memory.open(chat, 100)
    await memory.open(chat, 101)

    assert chat.dropped == [100]
    assert memory.open_menu(7) == 101


async def test_a_turn_closes_the_menu_it_read_not_one_a_reminder_opened_meanwhile() -> None:
    memory, chat = ChatMemory(), FakeChat()
    await memory.open(chat, 100)
    read_by_the_turn = memory.open_menu(7)
    chat.held = asyncio.Event()  # Telegram slow to take the reminder's tidying
    reminder = asyncio.create_task(memory.open(chat, 200))
    await asyncio.sleep(0)

    assert read_by_the_turn is not None
    await memory.close(chat, read_by_the_turn)
    chat.held.set()
    await reminder

    assert memory.open_menu(7) == 200, "the reminder's button would never go"
    assert chat.dropped == [100], "removed once, by whoever came first"


async def test_a_failed_removal_is_only_logged_and_the_new_menu_is_open() -> None:
    memory, chat = ChatMemory(), FakeChat(failing=True)
    await memory.open(chat, 100)
    await memory.open(chat, 101)
    await memory.close(chat, 101)

    assert chat.dropped == [100, 101]
    assert 7 not in memory


async def test_a_chat_is_forgotten_once_nothing_is_kept_but_not_while_pages_are() -> None:
    memory, chat = ChatMemory(), FakeChat()
    await memory.open(chat, 100)
    await memory.close(chat, 100, drop=False)
    assert 7 not in memory and chat.dropped == []

    memory.keep_pages(7, 50, MENU, "en")
    await memory.open(chat, 100)
    await memory.close(chat, 100)
    assert memory.pages_of(7, 50) == (MENU, "en")


async def test_pages_are_kept_for_the_last_few_menus_of_a_chat() -> None:
    memory = ChatMemory()
    for message_id in range(10, 10 + KEPT_MENUS + 2):
        memory.keep_pages(7, message_id, MENU, "en")

    assert memory.pages_of(7, 10) is None and memory.pages_of(7, 11) is None
    assert memory.pages_of(7, 10 + KEPT_MENUS + 1) == (MENU, "en")


async def test_the_chats_touched_last_are_kept_up_to_the_limit() -> None:
    memory = ChatMemory(max_chats=3)
    for chat_id in range(1, 6):
        await memory.open(FakeChat(chat_id), 100)
    memory.keep_pages(3, 50, MENU, "en")  # touched again: now the last
    await memory.open(FakeChat(6), 100)

    assert len(memory) == 3
    assert [chat_id in memory for chat_id in range(1, 7)] == [0, 0, 1, 0, 1, 1]


async def test_a_chat_untouched_for_two_days_is_forgotten() -> None:
    # Telegram refuses to edit a message older than 48 hours: its buttons stay anyway.
    clock = Clock()
    memory = ChatMemory(clock=clock)
    await memory.open(FakeChat(1), 100)
    clock.now = 47 * 3600.0
    await memory.open(FakeChat(2), 100)
    assert 1 in memory

    clock.now = 48 * 3600.0
    await memory.open(FakeChat(3), 100)
    assert 1 not in memory and 2 in memory and 3 in memory
