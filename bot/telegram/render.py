"""Showing a reply in a Telegram chat: each neutral screen as messages, edits and buttons.

The chat reads as a transcript: a question once answered is edited to show its
answer and loses its buttons, so only one question is live at a time. Which
message shows the live question is remembered through the conversation service,
so the next reply can edit it, even after a restart. With no question live, the
menu a reply ends with (the picker of the answer to change) is remembered in its
place, so its buttons go likewise. Through the poller, it is written with the
update's inbox mark rather than in a commit of its own (conversation/live.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from telegram import Message

from bot.telegram.callback_data import BadButton, decode
from bot.telegram.chat_memory import ChatMemory
from bot.telegram.keyboards import (
    answered_text,
    button,
    menu_keyboard,
    page_count,
    question_keyboard,
    question_text,
)
from bot.telegram.sending import MAX_TEXT, Chat, plain_blocks, shown_length, text_length
from bot.telegram.words import tg
from conversation import (
    Answered,
    Conversation,
    DataCopy,
    Goodbye,
    Help,
    HelpTopic,
    Menu,
    Question,
    Reply,
    Screen,
    Selection,
    Status,
    Summary,
    Welcome,
    commands_help,
    say,
)
from conversation import Message as Note
from flows import typeset
from organiser import LinkError, deep_link


@dataclass
class Renderer:
    """Shows one reply in one chat, keeping track of the message with the live question."""

    chat: Chat
    conversation: Conversation
    reply: Reply
    tapped: Message | None = None
    """The message whose button was pressed, for a reply to a button."""
    memory: ChatMemory | None = None
    """The chat's open menu and long menus, kept between updates (none: nothing kept)."""
    with_marks: bool = False
    """The live message is written with the update's inbox mark, not at once (the poller)."""
    quoted: int | None = None
    """The earlier question a reply answered again: it shows the new answer, not the live one."""

    def __post_init__(self) -> None:
        self.live = self.reply.live_message

    async def show(self) -> None:
        """Every screen of the reply, in order."""
        if self.live is not None and self._used_up_live_menu():
            # Its buttons went with the press (`handlers._answer_press`): forget it now, or
            # every later reply would remove them again, a call that changes nothing.
            await self._remember(None)
        menu = await self._open_menu_left()
        for screen in self.reply.screens:
            await self._show(screen)
        if menu is not None and self.memory is not None and self._moves_on():
            # After the screens: the person reads the reply first, tidiness follows.
            await self.memory.close(self.chat, menu)

    async def _show(self, screen: Screen) -> None:
        lang = self.lang
        # French typography (flows.typeset) on the questionnaire's texts, as on the web; the
        # bot's own words have it already, and a person's answers are shown as typed.
        if isinstance(screen, Note):
            await self.chat.send_plain(
                ("⚠️ " if screen.warning else "") + typeset(screen.text, lang)
            )
        elif isinstance(screen, Welcome):
            await self._welcome(screen)
        elif isinstance(screen, Menu):
            await self._menu(screen)
        elif isinstance(screen, Question | Selection):
            await self._question(screen)
        elif isinstance(screen, Answered):
            await self._leave(screen)
        elif isinstance(screen, Summary):
            await self._summary(screen)
        elif isinstance(screen, DataCopy):
            blocks = plain_blocks(_with_hint(screen.text, screen.typed_hint))
            await self.chat.send_long(_answers_whole(blocks))
            content = json.dumps(screen.data, ensure_ascii=False, indent=2).encode("utf-8")
            await self.chat.send_file(content, screen.filename, escape(screen.caption))
        elif isinstance(screen, Help):
            await self.chat.send_plain(help_text(screen, lang))
        elif isinstance(screen, Goodbye):
            await self._drop_live()
            await self.chat.send_plain(_with_hint(screen.text, self._way_back(screen)))

    def _way_back(self, screen: Goodbye) -> str:
        """The goodbye's hint; after declining by a link, that link (a plain /start would
        come back without its workshop, which nothing remembers of who declined)."""
        if not screen.entry:
            return screen.typed_hint
        try:
            link = deep_link(self.chat.bot.username, screen.entry)
        except LinkError:  # not a link Telegram would open: /start, without the workshop
            return screen.typed_hint
        return say("declined_hint_link", self.lang, link=link)

    async def _welcome(self, screen: Welcome) -> None:
        """A questionnaire begins (after a switch, the other one's): nothing earlier is live."""
        lang = self.lang
        await self._drop_live()
        if screen.workshop:
            await self.chat.send_plain(screen.workshop)
        intro = ["", *plain_blocks(typeset(screen.intro, lang))] if screen.intro else []
        await self.chat.send_long([f"<b>{escape(typeset(screen.title, lang))}</b>", *intro])

    async def _menu(self, screen: Menu) -> None:
        """A menu, remembered as the live message or as the chat's open menu."""
        shown_in = await self.chat.send_plain(
            typeset(screen.text, self.lang), menu_keyboard(screen, self.lang)
        )
        if self.memory is not None and page_count(screen) > 1:
            self.memory.keep_pages(self.chat.chat_id, shown_in, screen, self.lang)
        if self.live is None and screen is self.reply.screens[-1] and self._kept_live():
            # No question is live (the picker of the answer to change, once the summary's
            # button is used): the menu is, so the next reply removes its buttons as it
            # does a question's, when a number is typed instead of tapped.
            await self._remember(shown_in)
        elif self.memory is not None:
            # Any other menu, and one before there is a response to remember it on (the
            # notice, the workshop picker), is the chat's open menu.
            await self.memory.open(self.chat, shown_in)

    async def _question(self, screen: Question | Selection) -> None:
        """A question asked anew, or the live one changed in place (a tick, a rank)."""
        text = question_text(screen.prompt, self.lang)
        offered = screen.offered if isinstance(screen, Question) else ()
        keyboard = question_keyboard(screen.prompt, self.lang, offered)
        if isinstance(screen, Selection) and self.tapped is not None:
            target = self.live if self.live is not None else self._tapped_id()
            if target is not None:
                await self.chat.edit(target, text, keyboard)
            return
        # Asked, or typed (a choice's name, /back from an "Other" text): the question comes
        # again below what they wrote, where they look, not changed in place above it.
        await self._drop_live()
        asked_in = await self.chat.send(text, keyboard)
        await self._remember(asked_in)

    async def _leave(self, screen: Answered) -> None:
        """The question just left reads as a transcript line (or simply loses its buttons);
        an earlier question answered again (`quoted`) shows its new answer."""
        left = self.quoted if self.quoted is not None else self.live
        if left is None:
            return
        if screen.answer is None:
            await self.chat.drop_keyboard(left)
        else:
            text = answered_text(screen.prompt, screen.answer, self.lang, skipped=screen.skipped)
            await self.chat.edit(left, text)
        if left == self.live:
            self._settle(left)
            self.live = None

    async def _summary(self, screen: Summary) -> None:
        """The answers as read back, with "change an answer": its message is the live one."""
        await self._drop_live()
        if screen.whole is not None and screen.revise is not None:
            # Seen just above, numbered as now: about 4,000 characters again for nothing.
            keyboard = [[button(screen.revise.label, screen.revise.action)]]
            keyboard.append([button(screen.whole.label, screen.whole.action)])
            brief_in = await self.chat.send_plain(say("summary_brief", self.lang), keyboard)
            await self._remember(brief_in)
            return
        blocks = [f"<b>{escape(screen.title)}</b>"]
        for question, shown in screen.entries:
            blocks += summary_entry(typeset(question, self.lang), shown)
        if screen.revise is None:
            await self.chat.send_long(blocks)
            return
        keyboard = [[button(screen.revise.label, screen.revise.action)]]
        summary_in = await self.chat.send_long(blocks, keyboard)
        await self._remember(summary_in)

    async def _drop_live(self) -> None:
        # An earlier question or summary gives way: one live keyboard in the chat.
        if self.live is not None:
            await self.chat.drop_keyboard(self.live)
            self._settle(self.live)
            self.live = None

    def _settle(self, message_id: int) -> None:
        if self.memory is not None:
            self.memory.settle(self.chat.chat_id, message_id)

    async def _remember(self, message_id: int | None) -> None:
        self.live = message_id
        if self.reply.response_id is not None:
            await self.conversation.remember_live_message(
                self.reply.response_id, message_id, with_marks=self.with_marks
            )

    async def _open_menu_left(self) -> int | None:
        """The chat's open menu, unless this reply answers its button (whose press removed
        them, `handlers._answer_press`): one menu is open at a time, until the chat moves on."""
        if self.memory is None:
            return None
        menu = self.memory.open_menu(self.chat.chat_id)
        if menu is not None and menu == self._tapped_id() and self.reply.status in USED_UP:
            await self.memory.close(self.chat, menu, drop=False)
            return None
        return menu

    def _moves_on(self) -> bool:
        """Whether the reply leaves the open menu behind (`/language`, "start over?"): it does
        unless it only says something aside (/help, /mydata, with the question it pushed up
        asked again below it: "start over?" stays open, to answer once the copy is read)."""
        screens = self.reply.screens
        if screens and isinstance(screens[0], DataCopy):
            return False
        return any(not isinstance(screen, ASIDE) for screen in screens)

    def _kept_live(self) -> bool:
        """Whether the live message is remembered: with a response, or without a memory."""
        return self.reply.response_id is not None or self.memory is None

    def _tapped_id(self) -> int | None:
        return self.tapped.message_id if self.tapped is not None else None

    def _used_up_live_menu(self) -> bool:
        """Whether the press used a menu on the live message (the summary's "change an
        answer", its picker): a menu's buttons are removed once it is answered, unlike a
        question's."""
        if self.tapped is None or self.tapped.message_id != self.live:
            return False
        markup = self.tapped.reply_markup
        data = [b.callback_data for row in markup.inline_keyboard for b in row] if markup else []
        return self.reply.status == Status.DONE and bool(data) and not any(map(_on_question, data))

    @property
    def lang(self) -> str:
        return self.reply.language


ASIDE = (Note, Help, DataCopy)
"""Screens that say something aside and leave the open menu open: the chat has not moved on."""

USED_UP = (Status.DONE, Status.STALE)
"""How a press on a menu was taken when its buttons went with it (`handlers._answer_press`)."""


def help_text(screen: Help, lang: str) -> str:
    """How to use the bot in a Telegram chat, or that a command is unknown."""
    if screen.topic == HelpTopic.UNKNOWN_COMMAND:
        return say("unknown_command", lang)
    return f"{tg('tg_usage', lang)}\n\n{commands_help(lang, screen.commands)}"


ARROW = "    → "
"""Before an answer in the summary, on the line below its question."""


def summary_entry(question: str, answer: str) -> list[str]:
    """A question and its answer in the summary, as HTML blocks for `Chat.send_long`.

    One block when it fits in a message, as validate sees to for a flow's longest
    answer. An answer Telegram counts longer (emoji count two) is never cut: its lines
    are blocks of their own, a line longer than a message cut at a space, so the
    summary goes on in the next message."""
    # An answer's later lines go under its first, not back at the left edge.
    indented = escape(answer).replace("\n", "\n" + " " * len(ARROW))
    entry = f"{escape(question)}\n{ARROW}<b>{indented}</b>"
    if shown_length(entry) <= MAX_TEXT:
        return [entry]
    # Only the first line carries the arrow: the others may fill a message.
    head, _, tail = answer.strip().partition("\n")
    lines = plain_blocks(head, MAX_TEXT - text_length(ARROW)) + (plain_blocks(tail) if tail else [])
    first, rest = lines[0], lines[1:]
    return [
        *plain_blocks(question),
        f"{ARROW}<b>{first}</b>",
        *(f"<b>{line}</b>" if line.strip() else line for line in rest),
    ]


def _on_question(data: object) -> bool:
    """Whether a button's data is an action on a question (else a menu's, or not ours)."""
    try:
        return decode(data).about_question
    except BadButton:
        return False


def _answers_whole(blocks: list[str]) -> list[str]:
    """Each answer's line ("→ …") in one block with its question's line: a copy longer than a
    message is cut between two answers, never between a question and its answer."""
    joined: list[str] = []
    for block in blocks:
        if joined and block.lstrip().startswith("→"):
            joined[-1] += "\n" + block
        else:
            joined.append(block)
    return joined


def _with_hint(text: str, hint: str) -> str:
    """A text with the command to type after it, on its own line."""
    return f"{text}\n\n{hint}" if hint else text
