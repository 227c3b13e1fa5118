"""French as it is printed: the web's own texts, and those it shows from elsewhere.

A colon, a semicolon, "?" or "!" after a plain space may start the next line on a
phone ("(Pithiviers)⏎: en cours"); French puts a no-break space there, and the
typographic apostrophe. The web's texts are written so; the conversation's and the
questionnaire's get the no-break space when drawn in French, nothing else changed.
"""

from __future__ import annotations

import re

import httpx

from bot.web.words import WORDS
from flows import Flow
from tests.web.conftest import VisitorFactory
from tests.web.test_rights import three_answers_in

NBSP = "\u00a0"
LOOSE = re.compile(r" [:;!?]")
"""A plain space before a high mark: the line may break there."""


def test_the_webs_french_texts_use_the_apostrophe_and_no_break_spaces() -> None:
    french = {key: texts["fr"] for key, texts in WORDS.items()}
    assert {key: text for key, text in french.items() if "'" in text} == {}
    assert {key: text for key, text in french.items() if LOOSE.search(text)} == {}
    # English keeps its plain colon, with no space before it.
    assert not any(NBSP + ":" in texts["en"] for texts in WORDS.values())


async def test_texts_from_the_conversation_get_a_no_break_space_the_persons_own_do_not(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    page = await three_answers_in(ana, flow)
    link = page.field("resume-link")["value"]

    # What the resume page says of the answers comes from the conversation, in French.
    other = await visitor().get(httpx.URL(link).path)
    assert other.status == 200
    assert f"(Pithiviers){NBSP}: en cours" in other.html
    assert "(Pithiviers) :" not in other.html

    # The person's own answer is theirs: a company called "A : B" stays so.
    await ana.press("← Retour")
    await ana.press("← Retour")
    await ana.press("← Retour")
    back = await ana.type("A : B ?")
    assert back.question is not None
    assert '<p class="bubble me">A : B ?</p>' in back.html
