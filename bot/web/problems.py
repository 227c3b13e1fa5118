"""A refusal as a page of the site: what heads it, explains it, and the way on, by status.

What the guards refuse (too many requests, a form from another site, a body too large),
what Starlette refuses (a method not allowed, a form it cannot read) and the database
out of reach are each a page in the person's language (problem.html, drawn by app.py).
"""

from __future__ import annotations

from typing import Final

from bot.web.words import web

PROBLEMS: Final = {
    400: "unreadable",
    403: "other_site",
    405: "not_allowed",
    408: "too_slow",
    413: "too_large",
    429: "too_many",
    503: "unavailable",
}
"""The page for each refusal, by status: the words `<key>` head it, `<key>_lead` explain."""
RETRY_AFTER_S: Final = 30
"""When to try again after the database failed: long enough for a restart, or a failover."""


def problem_words(
    status: int, lang: str, key: str | None = None, *, method: str = "POST"
) -> dict[str, str | None]:
    """What the page of a refusal by `status` says (`key`'s words rather, if given): its
    heading, lead, more (if any), and the way on: to try again after a wait, or the page
    again without what was refused. A page opened (GET) too often carries no answer, and
    follows an answer that was saved (the redirect after it): its lead says nothing is lost."""
    key = key or PROBLEMS.get(status, "unreadable")
    if status == 429 and method in ("GET", "HEAD") and key == "too_many":
        return {**problem_words(status, lang, key), "lead": web("too_many_page_lead", lang)}
    return {
        "heading": web(key, lang),
        "lead": web(f"{key}_lead", lang),
        "more": web(f"{key}_more", lang) if f"{key}_more" in web.table else None,
        "again": web("try_again" if status in (408, 429, 503) else "back_to_page", lang),
    }
