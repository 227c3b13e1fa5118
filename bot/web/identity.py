"""Who is answering in a browser, without accounts: a random id in a cookie, and its proofs.

A respondent is an unguessable random id, kept in a secure, HTTP-only,
SameSite cookie and in a resume link they may copy to finish on another
device. Every form carries a token derived from that id with the server's
secret (so another site cannot post on their behalf) and a delivery id (so a
form posted twice, by a double tap or the back button, is applied once).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Final

COOKIE: Final = "surveybot_id"
LANGUAGE_COOKIE: Final = "surveybot_lang"
ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{32}")
# What `new_delivery` writes: a minus sign and digits (ASCII only: [0-9], not \d).
DELIVERY_PATTERN: Final = re.compile(r"-[0-9]{1,19}")
# A year: long enough to come back after the workshop, short enough to lapse.
COOKIE_SECONDS: Final = 365 * 24 * 3600
MAX_DELIVERY: Final = 2**62


def new_id() -> str:
    """A fresh respondent id: 192 random bits, 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


def valid_id(value: str | None) -> str | None:
    """`value` if it has the shape of an id this server hands out, else None."""
    return value if value is not None and ID_PATTERN.fullmatch(value) else None


def form_token(secret: bytes, respondent: str) -> str:
    """The proof a form comes from this respondent's own page (CSRF token)."""
    return hmac.new(secret, respondent.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def token_matches(secret: bytes, respondent: str, given: str | None) -> bool:
    """Whether `given` is the form token of `respondent`; compared in constant time."""
    # Bytes, not str: compare_digest refuses str with characters beyond ASCII.
    return given is not None and hmac.compare_digest(
        form_token(secret, respondent).encode(), given.encode("utf-8", "replace")
    )


def new_delivery() -> int:
    """A delivery id for one rendered form.

    Negative, so it can never be a Telegram update id (those are positive) in the
    one table of inputs already applied.
    """
    return -secrets.randbelow(MAX_DELIVERY) - 1


def read_delivery(text: str | None) -> int | None:
    """The delivery id a form carries, if it is one `new_delivery` could have written."""
    if text is None or not DELIVERY_PATTERN.fullmatch(text):
        return None
    value = int(text)
    return value if -MAX_DELIVERY <= value < 0 else None
