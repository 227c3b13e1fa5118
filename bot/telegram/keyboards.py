"""Prompts and menus as Telegram messages: HTML text and inline keyboards sized for a phone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Final

from bot.telegram.callback_data import encode
from bot.telegram.sending import MAX_TEXT, Button, Keyboard, clip_text, text_length
from bot.telegram.words import tg
from conversation import Action, Choice, Intent, Menu, on_question, say, says_most
from flows import Kind, Prompt, grouped, typeset

# Without the author's `columns`, labels up to this length sit two to a row; longer ones
# get a row each.
SHORT_LABEL = 16

KEEP_LABEL: Final = 32
"""The earlier answer on its "keep" button is clipped to this: one line on a phone."""

CURRENT_ANSWER_SHOWN: Final = 1000
"""How much of an earlier typed answer a question offers again, in UTF-16 units: what
validate counts for it (`flows.limits.CURRENT_ANSWER_SHOWN`)."""

MENU_PAGE: Final = 24
"""Choices on one page of a long menu: 12 rows of two, 4 rows of six (a phone's screenful)."""
PAGE_PREFIX: Final = "pg|"
"""Button data that turns a menu's page; no action's token starts so (intents are one letter)."""


def button(label: str, action: Action) -> Button:
    """A button that hands `action` back when pressed."""
    return {"text": label, "callback_data": encode(action)}


def menu_keyboard(menu: Menu, lang: str = "fr", page: int = 0) -> Keyboard:
    """A menu's choices, `menu.columns` to a row; a page of them when there are many.

    Telegram refuses a keyboard of more than 100 buttons (and a phone shows a long
    one badly), and a menu such as the workshop picker grows with the stages file.
    A long menu shows `MENU_PAGE` choices and buttons to turn the page; the choices
    of another kind than the listed ones ("go on without a workshop") are on every page.
    """
    width = max(menu.columns, 1)
    listed, pinned = _listed_and_pinned(menu)
    pages = page_count(menu)
    page = min(max(page, 0), pages - 1)
    shown = listed[page * MENU_PAGE : (page + 1) * MENU_PAGE] if pages > 1 else listed
    buttons = [button(choice.label, choice.action) for choice in shown]
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    if pages > 1:
        rows.append(_page_row(page, pages, lang))
    extra = [button(choice.label, choice.action) for choice in pinned]
    rows += [extra[i : i + width] for i in range(0, len(extra), width)]
    return rows


def page_count(menu: Menu) -> int:
    """How many pages the menu's keyboard has (1: not paginated)."""
    listed, _ = _listed_and_pinned(menu)
    return max(1, -(-len(listed) // MENU_PAGE))


def page_of(data: object) -> int | None:
    """The page a page-turning button asks for, or None for any other button."""
    if not isinstance(data, str) or not data.startswith(PAGE_PREFIX):
        return None
    number = data[len(PAGE_PREFIX) :]
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    return int(number) if number.isascii() and number.isdigit() and len(number) < 6 else None


def _listed_and_pinned(menu: Menu) -> tuple[list[Choice], list[Choice]]:
    if len(menu.choices) <= MENU_PAGE and menu.columns <= 2:
        return list(menu.choices), []
    # A grid of numbers (the questions to change) keeps "Annuler" on a row of its own.
    # The kind most choices are (a workshop, a question to revise) is what is paged.
    kinds = Counter(choice.action.intent for choice in menu.choices)
    bulk = kinds.most_common(1)[0][0]
    listed = [choice for choice in menu.choices if choice.action.intent == bulk]
    return listed, [choice for choice in menu.choices if choice.action.intent != bulk]


def _page_row(page: int, pages: int, lang: str) -> list[Button]:
    row: list[Button] = []
    if page > 0:
        label = f"{tg('tg_page_previous', lang)} {page}/{pages}"
        row.append({"text": label, "callback_data": f"{PAGE_PREFIX}{page - 1}"})
    if page < pages - 1:
        label = f"{tg('tg_page_next', lang)} {page + 2}/{pages}"
        row.append({"text": label, "callback_data": f"{PAGE_PREFIX}{page + 1}"})
    return row


def question_text(shown: Prompt, lang: str) -> str:
    """The question as an HTML message: progress, text, help, and how to answer."""
    section = typeset(shown.section, lang)
    header = (
        tg("tg_header", lang, n=shown.position, total=shown.total, section=section)
        if shown.position
        else section
    )
    hint = _hint(shown, lang)
    # French typography in the question and its help, as on the web's pages. The hint has its
    # own (`_hint`): it may quote the person's earlier answer, which stays as typed.
    text, help_text = typeset(shown.text, lang), typeset(shown.help or "", lang)
    # Telegram counts the text as shown, after HTML, in UTF-16 units: clip the pieces, never
    # the markup, and only what validate could not see (a flow within its limits is whole).
    room = MAX_TEXT - text_length(header) - text_length(hint) - len("\n\n\n\n\n")
    if help_text:
        help_text = clip_text(help_text, max(room // 4, room - text_length(text)))
        room -= text_length(help_text)
    text = clip_text(text, room)
    parts = [f"<b>{escape(header)}</b>", "", escape(text)]
    if help_text:
        parts.append(f"<i>{escape(help_text)}</i>")
    if hint:
        parts += ["", f"<i>{escape(hint)}</i>"]
    return "\n".join(parts)


def echo_head(shown: Prompt, lang: str) -> str:
    """How the echo of `shown` begins, as plain text (Telegram gives a quoted message's text
    without its markup): its progress line, then the question (`answered_text`)."""
    question = typeset(shown.text, lang)
    if not shown.position:
        return question
    section = typeset(shown.section, lang)
    head = tg("tg_header", lang, n=shown.position, total=shown.total, section=section)
    return f"{head}\n{question}"


def answered_text(shown: Prompt, answer: str, lang: str, *, skipped: bool = False) -> str:
    """The question once answered (or skipped, marked ⏭ not ✅): it stays in the chat as a
    transcript line, without buttons. An "Other" chosen whose text is asked next is not an
    answer yet (the person may go back and choose another): "✏️ Autre secteur…".

    One message, edited from the question's: validate keeps a flow's echo within it (the
    progress, section, question and longest answer). Only an answer past what validate
    counted (emoji, two units each in Telegram) is cut here; the summary shows it whole."""
    head = ""
    if shown.position:
        section = typeset(shown.section, lang)
        head = tg("tg_header", lang, n=shown.position, total=shown.total, section=section)
    question = typeset(shown.text, lang)
    pending = shown.awaiting_other
    room = MAX_TEXT - text_length(head) - text_length("\n\n\n✏️ …" if pending else "\n\n\n✅ ")
    # The answer is what the person checks; the question gives way first.
    question = clip_text(question, max(room // 4, room - text_length(answer)))
    answer = clip_text(answer, room - text_length(question))
    bold_head = f"<b>{escape(head)}</b>\n" if head else ""
    # The answer as typed: typography for the question only.
    shown_answer = f"<b>{escape(answer)}</b>"
    if pending:
        return f"{bold_head}{escape(question)}\n\n✏️ {shown_answer}…"
    mark = "⏭" if skipped else "✅"
    return f"{bold_head}{escape(question)}\n\n{mark} {shown_answer}"


def _how_many(shown: Prompt, lang: str) -> str:
    """A minimum of several answers, said before "Valider" is refused (even when the help
    says "plusieurs réponses": it does not say how many), with the choice answering alone."""
    labels = dict(shown.choices)
    alone = "".join(tg("tg_or_only", lang, label=labels[code]) for code in shown.exclusive)
    least, most = shown.min_selected, shown.max_selected
    if most == least:
        return tg("tg_hint_multi_exactly", lang, min=least, alone=alone)
    if most:
        return tg("tg_hint_multi_between", lang, min=least, max=most, alone=alone)
    return tg("tg_hint_multi_min", lang, min=least, alone=alone)


def _hint(shown: Prompt, lang: str) -> str:
    hint = _how_to_answer(shown, lang)
    if shown.other_text:
        # Asked again with "Other" chosen: its button is marked, the words given with it are
        # not on any button (the web shows them in its field).
        current = tg(
            "tg_hint_current", lang, value=clip_text(shown.other_text, CURRENT_ANSWER_SHOWN)
        )
        return f"{hint} {current}" if hint else current
    return hint


def _how_to_answer(shown: Prompt, lang: str) -> str:
    if shown.awaiting_other:
        return tg("tg_hint_type", lang)
    if shown.kind == Kind.MULTIPLE_CHOICE and shown.min_selected > 1:
        return _how_many(shown, lang)
    if shown.kind == Kind.MULTIPLE_CHOICE:
        if says_most(shown):
            # "(3 au plus)" is in the question already: not "Jusqu’à 3 réponses" under it.
            return say("tick_then_confirm", lang)
        if shown.max_selected:
            return tg("tg_hint_multi_max", lang, max=shown.max_selected)
        if _says_several(shown.help):
            # "Plusieurs réponses possibles." is in the help already: not twice (as the web).
            return say("tick_then_confirm", lang)
        return tg("tg_hint_multi", lang)
    if shown.kind == Kind.RANKING:
        return tg("tg_hint_ranking", lang, count=shown.needed)
    if shown.kind == Kind.SCALE and (shown.min_label or shown.max_label):
        low, high = (
            shown.choices[0][1],
            [c for c in shown.choices if c[0].isdigit()][-1][1],
        )
        low_label = typeset(shown.min_label or "…", lang)
        high_label = typeset(shown.max_label or "…", lang)
        return f"{low} = {low_label} · {high} = {high_label}"
    if shown.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.EMAIL, Kind.NUMBER, Kind.CODE):
        if shown.unit and shown.unit.strip() == "%":
            # "Écrivez votre réponse, en %." read as a riddle; "30 %" and "30" both answer.
            hint = tg("tg_hint_type_percent", lang)
        elif shown.unit and shown.counting and _a_word(shown.unit):  # "salariés", not "€"
            unit = typeset(shown.unit, lang)
            of = "d’" if unit[:1].casefold() in tuple("aeéèêiîoôuyh") else "de "
            hint = tg("tg_hint_type_count", lang, unit=unit, of=of)
        elif shown.unit:
            hint = tg("tg_hint_type_unit", lang, unit=typeset(shown.unit, lang))
        elif shown.kind == Kind.LONG_TEXT and shown.max_length:
            # Said before: over it, the whole text is refused, and typed again on a phone.
            hint = tg("tg_hint_type_long", lang, max=grouped(shown.max_length, lang))
        else:
            hint = tg("tg_hint_type", lang)
        if shown.default:
            value = clip_text(shown.default, CURRENT_ANSWER_SHOWN)
            hint += " " + tg("tg_hint_current", lang, value=value)
        return hint
    return ""


def _a_word(unit: str) -> bool:
    """Whether a unit is a word, "salariés", "heures", rather than a symbol or an
    abbreviation ("€", "km", "h"): only a word reads after "le nombre de"."""
    return len(unit) > 2 and unit.isalpha()


def _says_several(help_text: str | None) -> bool:
    """Whether a question's help says several answers are possible, in either language."""
    found = (help_text or "").casefold()
    return any(say("several_said", lang) in found for lang in ("fr", "en"))


def question_keyboard(
    shown: Prompt, lang: str, offered: Sequence[tuple[str, str]] = ()
) -> Keyboard | None:
    """The buttons of a question: answers, then Valider/Passer/Retour as they apply.

    `offered`: the answers a refused reply may have meant ("Corse": 2A, 2B), each a tap
    that answers with it, for a question otherwise typed."""
    rows: Keyboard = []
    if offered:
        buttons = [
            button(label, on_question(shown, Intent.CHOOSE, code)) for code, label in offered
        ]
        rows += _pairs(buttons, [label for _, label in offered], None)
    if shown.kind == Kind.INFO:
        rows.append([button(tg("tg_continue", lang), on_question(shown, Intent.NEXT))])
    elif shown.awaiting_other:
        pass
    elif shown.kind == Kind.SCALE:
        rows += _scale_rows(shown)
    elif shown.kind == Kind.MULTIPLE_CHOICE:
        rows += _toggle_rows(shown)
        count = len(shown.selected)
        rows.append(
            [button(tg("tg_confirm", lang, count=count), on_question(shown, Intent.CONFIRM))]
        )
    elif shown.kind == Kind.RANKING:
        rows += _ranking_rows(shown)
        if len(shown.selected) == shown.needed:
            # Saved only on this tap: until then the last rank can be taken back too.
            done = tg("tg_confirm_ranking", lang)
            rows.append([button(done, on_question(shown, Intent.CONFIRM))])
    elif shown.choices:
        rows += _choice_rows(shown)
    if shown.default:
        # A chat has no field to refill with the earlier text: one tap gives it again.
        keep = tg("tg_keep", lang, value=clip_text(shown.default, KEEP_LABEL))
        rows.append([button(keep, on_question(shown, Intent.SAME))])
    controls = []
    if shown.can_back:
        controls.append(button(tg("tg_back", lang), on_question(shown, Intent.BACK)))
    if shown.can_skip:
        controls.append(button(tg("tg_skip", lang), on_question(shown, Intent.SKIP)))
    if controls:
        rows.append(controls)
    return rows or None


def _pairs(buttons: list[Button], labels: list[str], columns: int | None) -> Keyboard:
    """The answers in rows: up to as many to a row as the author set (`columns`), a label
    too long for its share of a row on a row of its own, whole, as the web chat does
    (Telegram would cut it short); without `columns`, two when they are short, else one."""
    if columns:
        return _packed(buttons, labels, columns)
    per_row = 2 if all(len(label) <= SHORT_LABEL for label in labels) else 1
    if len(buttons) == 2 and all(len(label) <= SHORT_LABEL * 2 for label in labels):
        per_row = 2
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


ROW_LABEL: Final = SHORT_LABEL * 2
"""Characters a phone shows across one row of buttons: a label's share of it is this
divided by the buttons on the row."""


def _packed(buttons: list[Button], labels: list[str], columns: int) -> Keyboard:
    rows: Keyboard = []
    row: list[Button] = []
    for each, label in zip(buttons, labels, strict=True):
        if len(label) > ROW_LABEL // columns:
            rows += [row, [each]] if row else [[each]]
            row = []
            continue
        row.append(each)
        if len(row) == columns:
            rows.append(row)
            row = []
    return [*rows, row] if row else rows


def _choice_rows(shown: Prompt) -> Keyboard:
    labels = []
    buttons = []
    for code, label in shown.choices:
        shown_label = f"• {label}" if code in shown.selected else label
        labels.append(shown_label)
        buttons.append(button(shown_label, on_question(shown, Intent.CHOOSE, code)))
    if shown.kind == Kind.YES_NO:
        return [buttons[:2], *([buttons[2:]] if len(buttons) > 2 else [])]
    return _pairs(buttons, labels, shown.columns)


def _scale_rows(shown: Prompt) -> Keyboard:
    numbers: list[Button] = []
    extra: list[Button] = []
    for code, label in shown.choices:
        shown_label = f"•{label}•" if code in shown.selected else label
        target = numbers if code.isdigit() else extra
        target.append(button(shown_label, on_question(shown, Intent.CHOOSE, code)))
    # Up to 6 numbers fit in one row on a phone; 0–10 goes on two.
    rows = [numbers] if len(numbers) <= 6 else [numbers[:6], numbers[6:]]
    if extra:
        rows.append(extra)
    return rows


def _toggle_rows(shown: Prompt) -> Keyboard:
    labels = []
    buttons = []
    for code, label in shown.choices:
        ticked = code in shown.selected
        # Each box says what a tap sets, so a copy drawn before a quick second tap (or on
        # another device) still means it: a double tap leaves the box ticked.
        tap = on_question(shown, Intent.UNTICK if ticked else Intent.TICK, code)
        labels.append(label)
        buttons.append(button(f"{'✅' if ticked else '▫️'} {label}", tap))
    return _pairs(buttons, labels, shown.columns)


def _ranking_rows(shown: Prompt) -> Keyboard:
    order = list(shown.selected)
    rows = []
    for code, label in shown.choices:
        prefix = f"{order.index(code) + 1}. " if code in order else ""
        # The next rank is given from any copy; an undo only from one showing these ranks.
        tap = on_question(shown, Intent.UNTICK if code in order else Intent.TICK, code)
        rows.append([button(f"{prefix}{label}", tap)])
    return rows
