"""The flash: what a form's reply said, carried across the redirect to the page, once.

Without scripts, a form post is answered "303 See Other" to the chat page, so that
reloading it or going back never posts the form again (post/redirect/get). What the
reply said and the chat page would not say by itself (a refusal, "this page was out
of date", the person's data, a goodbye) rides to that page in a short-lived cookie,
which the page deletes as it shows it: a reload no longer repeats it.

The cookie holds keys, never a text of the person's: which words to say (their key
and the values the flow gave them), which view to show, the codes of the boxes a
refused answer ticked (or of the départements a refused one may have meant, "Corse":
2A, 2B), the goodbye's language after an erasure. It is signed with the server's secret and bound to the
respondent's id, so any instance sharing `SURVEYBOT_WEB_SECRET` reads it and nobody
can make a page say what the server did not.

One thing is not a key: what a person typed in a refused answer, shown back in its
field. It waits in the database (`kept_texts`, storage/kept_texts.py), and the
cookie holds only its random id: behind a load balancer, whichever instance serves
the page finds it there, for this respondent only, once, for as long as the cookie
lives; then it is gone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from storage import KEPT_FOR

FLASH_COOKIE: Final = "surveybot_flash"
FLASH_SECONDS: Final = int(KEPT_FOR.total_seconds())
"""Long enough for a slow phone to follow the redirect, or to try again after a 429; as
long as a refused typed text waits for it in the database."""
MAX_COOKIE: Final = 3000
"""Browsers keep cookies up to 4096 bytes; a flash over this carries less (see `encode`)."""
MAX_CODE: Final = 64


@dataclass(frozen=True, slots=True)
class Note:
    """Something the page says, by its key: `words` names the table (`say`, `web`, `engine`)."""

    words: str
    key: str
    values: Mapping[str, str] = field(default_factory=dict)
    warning: bool = False


@dataclass(frozen=True, slots=True)
class Flash:
    """What the page after a form post shows besides where the person is.

    `view` is what the page shows under the notes (`carried.VIEWS`); `step` and
    `codes` or `kept` fill a refused answer's question back in (with `kept`, `codes`
    are what the refused text may have meant: its question offers them).
    """

    notes: tuple[Note, ...] = ()
    view: str = "look"
    step: str = ""
    codes: tuple[str, ...] = ()
    kept: str = ""
    """The random id of the refused typed text, kept in the database (`kept_texts`)."""
    language: str = ""
    """The page's language when the browser no longer holds it: after an erasure, the
    goodbye is in the erased person's language, which the browser has forgotten."""

    @property
    def empty(self) -> bool:
        return self == Flash()


def encode(flash: Flash, secret: bytes, respondent: str, *, now: float | None = None) -> str:
    """The cookie's value: the flash as compact JSON, base64url, then its signature."""
    now = time.time() if now is None else now
    body: dict[str, Any] = {"x": int(now + FLASH_SECONDS)}
    if flash.notes:
        body["n"] = [[n.words, n.key, dict(n.values), int(n.warning)] for n in flash.notes]
    if flash.view != "look":
        body["v"] = flash.view
    if flash.step:
        body["s"] = flash.step
    codes = [code for code in flash.codes if len(code) <= MAX_CODE]
    if codes:
        body["c"] = codes
    if flash.kept:
        body["k"] = flash.kept
    if flash.language:
        body["l"] = flash.language
    payload = _b64(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    if len(payload) > MAX_COOKIE and "c" in body:
        # Forged ticks by the hundred: the refusal still shows, without them ticked again.
        fewer = Flash(flash.notes, flash.view, flash.step, (), flash.kept, flash.language)
        return encode(fewer, secret, respondent, now=now)
    return f"{payload}.{_signature(secret, respondent, payload)}"


def decode(
    value: str | None, secret: bytes, respondent: str, *, now: float | None = None
) -> Flash | None:
    """The flash a cookie holds, if this server signed it for this respondent and it is fresh."""
    # Not ASCII: no cookie of ours (a browser may keep one another site of the domain set).
    if not value or value.count(".") != 1 or not value.isascii():
        return None
    payload, signature = value.split(".")
    expected = _signature(secret, respondent, payload)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return _flash(body, time.time() if now is None else now)
    except (binascii.Error, ValueError, TypeError, KeyError):
        # Signed by us, so only another version of this code writes one it cannot read.
        return None


def _flash(body: dict[str, Any], now: float) -> Flash | None:
    if int(body["x"]) < now:
        return None
    notes = tuple(
        Note(str(words), str(key), {str(k): str(v) for k, v in dict(values).items()}, bool(warn))
        for words, key, values, warn in body.get("n", [])
    )
    return Flash(
        notes=notes,
        view=str(body.get("v", "look")),
        step=str(body.get("s", "")),
        codes=tuple(str(code) for code in body.get("c", [])),
        kept=str(body.get("k", "")),
        language=str(body.get("l", "")),
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signature(secret: bytes, respondent: str, payload: str) -> str:
    # "flash" first: a flash's signature is never also a valid form token, nor the reverse.
    message = b"flash\x00" + respondent.encode("ascii") + b"\x00" + payload.encode("ascii")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]
