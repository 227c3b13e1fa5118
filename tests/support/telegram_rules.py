"""What Telegram refuses to send, as the fake Bot API checks it: HTML it cannot parse
(tags it does not know, a `<` not written `&lt;`), a text over 4,096 characters as
shown, keyboards past its limits (100 buttons, 8 to a row, 64 bytes of button data).

`visible_text` is the text as a person reads it, after the markup. Its length is
counted as Telegram counts it: UTF-16 code units, so an emoji (beyond U+FFFF) counts two.
"""

from __future__ import annotations

import json
import re
from typing import Any


class BadText(ValueError):
    """Text that Telegram refuses to send (its error description)."""


# Telegram's HTML: these tags only; any other `<` must be written `&lt;`.
HTML_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    ]
)
HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
MAX_TEXT = 4096
MAX_CAPTION = 1024
"""A photo's or a document's caption, counted as a message's text is."""
MAX_ALERT = 200
"""A callback query's answer (the alert or the toast above the chat)."""


def visible_text(text: str, parse_mode: str | None, limit: int = MAX_TEXT) -> str:
    """What the person reads, or BadText with Telegram's description (like its own parser)."""
    if parse_mode is None:
        shown = text
    elif parse_mode == "HTML":
        shown = _parse_html(text)
    else:
        raise BadText(f"unsupported parse_mode {parse_mode!r} in the fake")
    if not shown.strip():
        raise BadText("message text is empty")
    if utf16_length(shown) > limit:
        raise BadText("message is too long" if limit == MAX_TEXT else "message caption is too long")
    return shown


def utf16_length(text: str) -> int:
    """A text's length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _parse_html(text: str) -> str:
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            entity = HTML_ENTITY.match(text, i)
            if entity is None:
                out.append(char)  # a lone "&" is kept as it is, like Telegram does
                i += 1
                continue
            name = entity.group(1)
            if name in NAMED:
                out.append(NAMED[name])
            else:
                out.append(chr(int(name[2:], 16) if name[1] == "x" else int(name[1:])))
            i = entity.end()
            continue
        if char != "<":
            out.append(char)
            i += 1
            continue
        offset = len(text[:i].encode("utf-8"))
        end = text.find(">", i)
        if end == -1:
            raise BadText(f"can't parse entities: Unclosed start tag at byte offset {offset}")
        inside = text[i + 1 : end]
        if inside.startswith("/"):
            name = inside[1:].strip().lower()
            if not open_tags or open_tags[-1] != name:
                expected = f'"</{open_tags[-1]}>"' if open_tags else "nothing"
                raise BadText(
                    f"can't parse entities: Unmatched end tag at byte offset {offset}, "
                    f'expected {expected}, found "</{name}>"'
                )
            open_tags.pop()
        else:
            name = re.split(r"\s", inside, maxsplit=1)[0].lower()
            if name not in HTML_TAGS:
                raise BadText(
                    f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}'
                )
            open_tags.append(name)
        i = end + 1
    if open_tags:
        raise BadText(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"'
        )
    return "".join(out)


# Telegram's limits on an inline keyboard (not in the Bot API's reference, but enforced):
# 100 buttons in all, 8 to a row, and 1 to 64 bytes of callback data a button.
MAX_BUTTONS = 100
MAX_ROW = 8
MAX_CALLBACK_BYTES = 64


def keyboard_fault(rows: list[list[dict[str, Any]]] | None) -> str | None:
    """Why Telegram would refuse this inline keyboard, in its words; None if it would not."""
    buttons = [b for row in rows or [] for b in row]
    if len(buttons) > MAX_BUTTONS or any(len(row) > MAX_ROW for row in rows or []):
        return "reply markup is too long"
    for b in buttons:
        data = b.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_BYTES:
            return "BUTTON_DATA_INVALID"
    return None


def keyboard_of(markup: Any) -> list[list[dict[str, Any]]] | None:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not markup:
        return None
    rows = markup.get("inline_keyboard")
    return rows or None
