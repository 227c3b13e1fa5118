"""What a Telegram chat sends besides a plain answer to the question waiting, and the words
said about it. The handlers (`bot/telegram/handlers.py`) ask here, then hand the conversation
what it should see.

- A text quoting (Telegram's "reply") an earlier question, read from its echo ("✅ …", the
  question once answered, `keyboards.answered_text`): typed there to correct that answer,
  it is not the answer to the question waiting. Not stored; the way back is said.
- A paste longer than a message: the Telegram app sends it as several messages back to
  back (4,096 characters each, then the rest). The first is refused as too long; the rest
  would be taken for an answer, starting mid-sentence. A text following within seconds
  a refused text of a message's full length is that rest (`Pastes`): refused too.
- A photo, video or file with a caption: it cannot be kept, and the caption is not taken
  for the answer, the attachment silently dropped; the caption is quoted back.
- A message edited after it was sent: the edit is not read; what to do instead depends on
  where the person is (`Conversation.situation`).
- The bot's own invitation sent back, its link pasted as a text (copied from a mail or a chat
  rather than tapped), with the words around it, hidden behind words, or forwarded: it is
  that link opened, not a company called "Répondez au questionnaire : https://t.me/…".
"""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import datetime, timedelta
from enum import Enum
from typing import Final

from telegram import Message

from bot.telegram.keyboards import echo_head
from bot.telegram.sending import text_length
from conversation import Situation, Words
from flows import fitting_prefix, typeset

WORDS: dict[str, dict[str, str]] = {
    "quoted_earlier": {
        "fr": "Ce message cite une question précédente que je ne retrouve plus telle quelle : "
        "je ne l’enregistre pas, pour ne pas le prendre pour la réponse à la question en "
        "cours. Pour changer une réponse déjà donnée, revenez-y avec « ↩ Retour » ou /back ; "
        "une fois le questionnaire terminé, avec « ✏️ Modifier une réponse ». Voici la "
        "question en cours.",
        "en": "This message quotes an earlier question that I can no longer find as it was, "
        "so I have not saved it: it would have answered the current question. To change an "
        "answer already given, go back to it with “↩ Back” or /back; once the questionnaire "
        "is finished, with “✏️ Change an answer”. Here is the current question.",
    },
    "quoted_earlier_end": {
        "fr": "Ce message cite une question précédente que je ne retrouve plus telle quelle : "
        "je ne l’enregistre pas. Pour changer une réponse, touchez « ✏️ Modifier une "
        "réponse » sous vos réponses.",
        "en": "This message quotes an earlier question that I can no longer find as it was, "
        "so I have not saved it. To change an answer, tap “✏️ Change an answer” under your "
        "answers.",
    },
    "paste_rest": {
        "fr": "La fin de votre long message, que Telegram a coupé en plusieurs morceaux, "
        "n’est pas enregistrée non plus. Merci d’envoyer une réponse plus courte, en un seul "
        "message : la question est ci-dessus.",
        "en": "The end of your long message, which Telegram split into several pieces, is "
        "not saved either. Please send a shorter answer, in a single message: the question "
        "is above.",
    },
    "caption": {
        "fr": "Je ne peux pas garder {what}. Si sa légende « {caption} » est votre réponse, "
        "envoyez-la comme un simple message, sans pièce jointe.",
        "en": "I cannot keep {what}. If its caption “{caption}” is your answer, please send "
        "it as a plain message, without the attachment.",
    },
    "caption_photo": {"fr": "cette photo", "en": "this photo"},
    "caption_video": {"fr": "cette vidéo", "en": "this video"},
    "caption_document": {"fr": "ce fichier", "en": "this file"},
    "caption_other": {"fr": "cette pièce jointe", "en": "this attachment"},
    "edited_new": {
        "fr": "Je ne lis pas les messages modifiés, et rien n’est encore enregistré : "
        "envoyez votre texte à nouveau quand une question vous le demandera.",
        "en": "I do not read edited messages, and nothing is saved yet: send your text again "
        "when a question asks for it.",
    },
    "edited_answering": {
        "fr": "Je ne lis pas les messages modifiés. Si la question attend encore votre "
        "réponse, envoyez le texte corrigé dans un nouveau message ; si elle est déjà "
        "passée, revenez-y avec « ↩ Retour » ou /back.",
        "en": "I do not read edited messages. If the question is still waiting for your "
        "answer, send the corrected text as a new message; if it has gone by, go back to it "
        "with “↩ Back” or /back.",
    },
    "edited_finished": {
        "fr": "Je ne lis pas les messages modifiés : vos réponses restent celles que vous avez "
        "envoyées. Pour en changer une, choisissez « ✏️ Modifier une réponse » sous le "
        "récapitulatif.",
        "en": "I do not read edited messages: your answers stay as you sent them. To change "
        "one, choose “✏️ Change an answer” under the summary.",
    },
    "edited_kept": {
        "fr": "Je ne lis pas les messages modifiés : vos réponses restent celles que vous avez "
        "envoyées.",
        "en": "I do not read edited messages: your answers stay as you sent them.",
    },
}

say_odd = Words(WORDS)
"""The text `key` in `lang`, with values filled in."""

ANSWERED_MARKS: Final = ("\n\n✅ ", "\n\n⏭ ")
"""What a question's echo holds before its answer, answered or skipped (`answered_text`);
not "✏️ …", an "Other" whose text is asked next: a reply there is that text."""

CAPTION_QUOTED: Final = 200
"""How much of a caption is quoted back, in UTF-16 code units (a caption holds 1,024)."""


UNTOLD: Final = ""
"""`quoted_question` for a reply to an earlier question that cannot be told which (its text
changed since, or two read alike): not taken as an answer to anything."""


def quoted_question(message: Message, bot_id: int, where: Situation) -> str | None:
    """The id of the earlier question `message` replies to (its echo, "✅ answer"), to answer
    it again; `UNTOLD` when it cannot be told which; None when the reply quotes no earlier
    question: its text answers the question waiting, as ever.

    While a question waits, and its message (`where.live_message`) is not known, a reply
    is its answer as ever. An earlier echo of the question waiting is that question:
    after going back to it, a reply there is its new answer."""
    quoted = message.reply_to_message
    if quoted is None or where.where not in ("answering", "finished"):
        return None
    live = where.live_message
    if where.where == "answering" and (live is None or quoted.message_id == live):
        return None
    if quoted.from_user is None or quoted.from_user.id != bot_id:
        return None
    text = quoted.text or ""
    marks = [text.index(mark) for mark in ANSWERED_MARKS if mark in text]
    if not marks:
        return None
    # The echo begins with the question's progress line and text, as shown: two questions
    # may read alike ("Précisez :"), not at the same place in the questionnaire.
    echoed, lang = text[: min(marks)], where.lang
    if where.waiting is not None and echoed.startswith(echo_head(where.waiting, lang)):
        return None
    alike = [
        shown
        for shown in where.earlier
        if echoed == (question := typeset(shown.text, lang)) or echoed.endswith("\n" + question)
    ]
    # Its number in the questionnaire tells two alike apart, unless a branch moved it since.
    exact = [shown for shown in alike if echoed == echo_head(shown, lang)]
    found = exact if len(exact) == 1 else alike
    return found[0].step_id if len(found) == 1 else UNTOLD


def own_link_payload(text: str, username: str | None) -> str | None:
    """The workshop's code of the first link to this bot with one in `text`
    (`https://t.me/<bot>?start=pithiviers`, as cards and mails print it, words around or
    not); else None."""
    if not username or "?start=" not in text:
        return None  # every typed answer comes here: most are done with at this test
    found = _own_link(username).search(text)
    return found[1] if found else None


def _own_link(username: str) -> re.Pattern[str]:
    """This bot's deep link, where a text may hold it. Its host starts the link, so another
    site's path (`example.com/t.me/<bot>…`) or another bot (`<bot>_copy`) is not it."""
    host = r"(?:(?<![\w.+-])https?://|(?<![\w./@-]))(?:t|telegram)\.me/"
    code = r"([A-Za-z0-9_-]{1,64})(?![A-Za-z0-9_-])"
    return re.compile(rf"{host}{re.escape(username)}\?start={code}", flags=re.IGNORECASE)


def invitation_payload(message: Message, username: str | None) -> str | None:
    """The workshop's code when `message` carries this bot's invitation link (None: it does
    not): in its text or caption, behind words (a text link), or on a button of a post
    forwarded. Such a message is the invitation sent back, forwarded or pasted: never an
    answer, though it may say more ("Répondez au questionnaire : https://t.me/…")."""
    found = own_link_payload(message.text or message.caption or "", username)
    if found is not None:
        return found
    entities = (*message.entities, *message.caption_entities)
    urls = [entity.url for entity in entities if entity.url]
    if message.reply_markup is not None:
        buttons = (button for row in message.reply_markup.inline_keyboard for button in row)
        urls += [button.url for button in buttons if button.url]
    return next((code for url in urls if (code := own_link_payload(url, username))), None)


def caption_note(message: Message, lang: str) -> str | None:
    """What to say of an attachment's caption (None: it has none worth quoting)."""
    caption = (message.caption or "").strip()
    if not caption:
        return None
    cut = fitting_prefix(caption, CAPTION_QUOTED)
    quoted = caption if cut == len(caption) else caption[:cut].rstrip() + "…"
    if message.photo:
        what = "caption_photo"
    elif message.video:
        what = "caption_video"
    elif message.document:
        what = "caption_document"
    else:
        what = "caption_other"
    return say_odd("caption", lang, what=say_odd(what, lang), caption=quoted)


def edited_note(where: str, lang: str) -> str:
    """What to say of an edited message, by where the person is (`Situation.where`)."""
    return say_odd(f"edited_{where}", lang)


LONG_PIECE: Final = 4000
"""A text this long (UTF-16 code units) may be a piece of a longer paste: the app cuts at
4,096, fewer when a cut would split a word or a symbol."""

PIECES_WITHIN: Final = timedelta(seconds=5)
"""The most between two pieces of one paste, by Telegram's dates (whole seconds): the app
sends them back to back. A text typed after reading the refusal comes later."""

KEPT_CHATS: Final = 1024
"""Chats remembered at most: pastes under way at once are far fewer."""


class Rest(Enum):
    """What a text is to the paste refused just before it in its chat."""

    NONE = "none"  # not of it: a text as any other
    FIRST = "first"  # its first piece after the refused one: told it is not saved either
    MORE = "more"  # a later piece: that word was said, once is enough


class Pastes:
    """Each chat's long text refused lately, so the rest of its paste is known for what it is.

    In this process's memory, bounded by `KEPT_CHATS` and by time: a restart or another
    instance forgets it, and the rest is then taken as a text, as before."""

    def __init__(self, within: timedelta = PIECES_WITHIN, kept: int = KEPT_CHATS) -> None:
        self.within, self.kept = within, kept
        # Chat -> the date of the paste's last piece, the oldest first, and whether a piece
        # after the first was told already (one word for the rest of one paste).
        self._last: OrderedDict[int, tuple[datetime, bool]] = OrderedDict()

    def refused(self, chat_id: int, text: str, at: datetime) -> None:
        """A text was refused: one of a message's full length was, for its length (no
        question takes 4,000 characters), and the app may be sending the rest of it."""
        if text_length(text) >= LONG_PIECE:
            self._put(chat_id, at)

    def rest(self, chat_id: int, text: str, at: datetime) -> Rest:
        """Whether `text`, sent `at`, is the rest of a paste refused, and the first piece of
        it. Only a piece of a message's full length may be followed by more: a shorter one
        is the paste's end."""
        last = self._last.pop(chat_id, None)
        if last is None or not timedelta(0) <= at - last[0] <= self.within:
            return Rest.NONE
        if text_length(text) >= LONG_PIECE:
            self._put(chat_id, at, told=True)
        return Rest.MORE if last[1] else Rest.FIRST

    def _put(self, chat_id: int, at: datetime, *, told: bool = False) -> None:
        self._last.pop(chat_id, None)
        self._last[chat_id] = (at, told)
        while self._last:
            oldest, (when, _) = next(iter(self._last.items()))
            if len(self._last) <= self.kept and at - when <= self.within:
                break
            del self._last[oldest]

    def __len__(self) -> int:
        return len(self._last)
