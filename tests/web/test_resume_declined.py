"""A resume link opened on a browser of no one's, answered "Non, ne rien changer".

It led to the chat, which on that browser is a new questionnaire: the notice, with
no workshop, as if refusing to take the answers over had been a wish to start again
(found by the web review). With no questionnaire of its own here, "No" now leads to
the tour's workshops and changes nothing; a browser with its own still goes back to
it (test_rights.py).
"""

from __future__ import annotations

import httpx

from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.test_pages import set_cookies
from tests.web.test_rights import three_answers_in


async def test_no_on_a_browser_with_nothing_of_its_own_changes_nothing(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    link = (await three_answers_in(ana, flow)).field("resume-link")["value"]
    phone = visitor()
    opened = await phone.get(httpx.URL(link).path)
    assert "Non, ne rien changer" in opened
    assert not any(href.endswith("/chat") for href in opened.links())

    [no] = [href for href in opened.links() if href.endswith("/")]
    page = await phone.get(httpx.URL(no).path)

    assert page.response.status_code == 200
    assert page.question is None  # no notice, no questionnaire begun
    assert "surveybot_id" not in set_cookies(page.response)
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(1,)]  # ana alone
