"""Answers to a questionnaire the site no longer runs stay the person's to see and erase.

Ana answered the companies' questionnaire in her browser; then `surveybot serve` was
restarted with the territorial actors' one only. Her cookie opens that one's notice:
nothing of hers is in it, but her company's name is still stored. The page's foot
keeps "Mes données" and "Effacer mes réponses" (the notice says erasing is done from
there), without the resume link, which is for a response to go on with. Declining the
new notice does not tell her nothing is stored: it says her earlier answers stay, and
where the buttons are. Someone with nothing stored gets no foot at the notice, as before.
"""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette

from bot.http import RateLimit
from bot.web import WebChat, create_app
from bot.web.identity import COOKIE
from conversation import Conversation
from flows import Flow, StageDef, bundled_path, load_flow
from storage import Store
from tests.conftest import Peek
from tests.web.conftest import SECRET, Patience, VisitorFactory, guard_of
from tests.web.driver import Page, Visitor

ACTORS = load_flow(bundled_path("acteurs.yaml"))
MY_DATA, ERASE = "Mes données", "Effacer mes réponses"
DECLINED = (
    "C’est noté : vous ne participez pas à ce questionnaire. Les réponses que vous aviez "
    "données auparavant restent enregistrées : vous pouvez les consulter ou les effacer. "
    "En bas de page : « Mes données » pour les consulter, « Effacer mes réponses » pour "
    "les effacer."
)


@pytest.fixture
def flow() -> Flow:
    """The site now runs the territorial actors' questionnaire only."""
    return ACTORS


@pytest.fixture
async def before(store: Store, bundled_flow: Flow, stages: list[StageDef]) -> Starlette:
    """The same site, on the same database, as it ran before: the companies' questionnaire."""
    talk = Conversation(store, bundled_flow, stages)
    await talk.sync_with_files()
    app = create_app(WebChat(talk, SECRET))
    guard_of(app, RateLimit).clock = Patience()
    return app


async def answered_before(visitor: VisitorFactory, before: Starlette, scripts: bool) -> Visitor:
    """Ana's browser: the companies' notice agreed to, her company's name given; then the
    site runs the actors' questionnaire, and her browser (its cookie) comes back to it."""
    then = visitor(app=before)
    await then.get("/chat?stage=pithiviers")
    await then.press_through("✅ J’accepte")
    await then.type("ACME")
    now = visitor(scripts=scripts)
    now.client.cookies = then.cookies
    return now


def headings(page: Page) -> list[str]:
    return re.findall(r"<(h[1-6])\b", page.html)


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_the_notice_keeps_her_data_and_erasing_at_its_foot(
    visitor: VisitorFactory, before: Starlette, peek: Peek, scripts: bool
) -> None:
    ana = await answered_before(visitor, before, scripts)

    page = await ana.get("/chat?stage=pithiviers")

    assert "✅ J’accepte" in page.labels()  # the new questionnaire's notice
    assert MY_DATA in page.labels() and ERASE in page.labels()
    # No response to go on with: no resume link, nothing to start over, no language twice.
    assert 'id="resume-link"' not in page.html
    assert "Recommencer" not in page.labels()
    assert page.labels().count("English") == 1
    # Her data, from the foot's button.
    page = await ana.press_through(MY_DATA)
    assert "http://127.0.0.1/mydata.json" in page.links()
    download = await ana.client.get("/mydata.json")
    assert "ACME" in download.text
    # And erasing it, confirmed.
    page = await ana.press_through(ERASE)
    page = await ana.press_through("Oui, tout effacer")
    assert peek.query("SELECT COUNT(*) FROM answers") == [(0,)]
    assert MY_DATA not in page.labels()


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_declining_the_new_notice_says_her_answers_stay(
    visitor: VisitorFactory, before: Starlette, peek: Peek, scripts: bool
) -> None:
    ana = await answered_before(visitor, before, scripts)
    await ana.get("/chat?stage=pithiviers")

    page = await ana.press_through("Je refuse")

    assert DECLINED in page, page.text[:600]
    assert "aucune réponse n’est enregistrée" not in page.text.replace("\u00a0", " ")
    assert page.html.count("<h1") == 1
    assert "<h1>Vous ne participez pas à ce questionnaire</h1>" in page.html
    assert "<title>Vous ne participez pas à ce questionnaire · " in page.html
    assert headings(page)[0] == "h1"
    assert MY_DATA in page.labels() and ERASE in page.labels()
    assert peek.query("SELECT value_json FROM answers") == [('"ACME"',)]
    # A reload shows the notice again, her data still at its foot.
    page = await ana.get("/chat?stage=pithiviers")
    assert MY_DATA in page.labels()


async def test_someone_with_nothing_stored_gets_no_foot_at_the_notice(
    visitor: VisitorFactory,
) -> None:
    bob = visitor()
    page = await bob.get("/chat?stage=pithiviers")
    assert "✅ J’accepte" in page.labels()
    assert MY_DATA not in page.labels() and ERASE not in page.labels()
    page = await bob.press_through("Je refuse")
    assert "aucune réponse n’est enregistrée" in page.text.replace("\u00a0", " ")
    assert MY_DATA not in page.labels()


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_her_resume_link_names_the_retired_questionnaire_by_its_title(
    visitor: VisitorFactory, before: Starlette, bundled_flow: Flow, lang: str
) -> None:
    """Opened on another browser, her link lists what it holds: the companies'
    questionnaire by the title she saw, not its id, in the page's language."""
    ana = await answered_before(visitor, before, scripts=False)
    other = visitor(headers={"accept-language": lang})

    page = await other.get(f"/r/{ana.cookies[COOKIE]}")

    title = bundled_flow.text(bundled_flow.title, lang).strip()
    assert page.status == 200 and title in page.text.replace("\u00a0", " "), page.text[:800]
    assert bundled_flow.id not in page.text
