"""Where things are on the chat page, as the forms and the HTML say it (no browser).

The way forward of each screen is a primary button where an answer goes; "← Retour"
is always first below it; after an answer changed from the end's summary, the
summary opens at that answer (a fragment without scripts, a marked entry with
chat.js); the footer of a finished questionnaire does not offer to resume it. On a
short flow (fixtures/layout.yaml); what the browser shows of it is in
test_browser_layout.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor

LAYOUT = Path(__file__).parent / "fixtures" / "layout.yaml"
HABITS = 12


@pytest.fixture
def flow() -> Flow:
    return load_flow(LAYOUT)


def primary(page: Page, label: str) -> bool:
    """Whether the button labelled `label` is drawn as the primary one."""
    return (
        re.search(rf'<button[^>]*class="primary"[^>]*>{re.escape(label)}</button>', page.html)
        is not None
    )


def controls(page: Page) -> list[str]:
    form = page.question
    assert form is not None
    return [b.label for b in form.buttons if b.area == "controls"]


async def at_the_summary(ana: Visitor) -> Page:
    await ana.get("/chat")
    await ana.type("Acme")
    await ana.press("Oui")
    await ana.press("Passer")
    page = await ana.press("Continuer")
    for _ in range(HABITS):
        page = await ana.press("Oui")
    assert "Récapitulatif de vos réponses" in page
    return page


async def test_the_way_forward_is_primary_and_back_always_comes_first_below_it(
    visitor: VisitorFactory,
) -> None:
    ana = visitor()
    await ana.get("/chat")
    choice = await ana.type("Acme")
    assert controls(choice) == ["← Retour"]
    optional = await ana.press("Oui")
    assert controls(optional) == ["← Retour", "Passer"]
    assert primary(optional, "Envoyer")
    intro = await ana.press("Passer")
    assert intro.question is not None and intro.question.kind == "info"
    # "Continuer" is the only way on: primary, above "← Retour", not beside it as its equal.
    assert primary(intro, "Continuer")
    assert controls(intro) == ["← Retour"]
    assert intro.question.buttons[0].label == "Continuer"
    # Without scripts, the browser focuses it as the page opens; it says where the person is.
    assert re.search(
        r'class="primary" aria-describedby="progress" autofocus>Continuer<', intro.html
    )


async def test_a_choice_question_focuses_its_text_not_its_first_answer(
    visitor: VisitorFactory,
) -> None:
    ana = visitor()
    await ana.get("/chat")
    page = await ana.type("Acme")
    heading = page.field("waiting-text")
    assert "autofocus" in heading and heading["tabindex"] == "-1"
    buttons = [a for tag, a in page.tags if tag == "button" and "autofocus" in a]
    assert buttons == []


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "script"])
async def test_after_changing_an_answer_the_summary_opens_at_it(
    visitor: VisitorFactory, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    summary = await at_the_summary(ana)
    # The first time through, the summary opens at what is new: the thanks, its top.
    if not scripts:
        assert summary.response.history[0].headers["location"].endswith("#now")
    assert 'class="changed"' not in summary.html
    assert 'id="entry-habit_7"' in summary.html and 'id="entry-company"' in summary.html

    question = await ana.press("Modifier — 10. Habitude numéro 7")
    assert question.question is not None and question.question.step == "habit_7"
    assert question.question.hidden.get("changing") == "1"
    again = await ana.press("Non")
    assert "Récapitulatif de vos réponses" in again
    if scripts:
        # chat.js focuses and shows the entry marked as changed (static/chat.js).
        assert re.search(r'<li id="entry-habit_7" class="changed" tabindex="-1"', again.html)
        assert again.html.count('class="changed"') == 1
    else:
        location = again.response.history[0].headers["location"]
        assert location == "http://127.0.0.1/chat#entry-habit_7"
        assert 'id="entry-habit_7"' in again.html


async def test_the_footer_of_a_finished_questionnaire_offers_to_see_or_change_it(
    visitor: VisitorFactory,
) -> None:
    ana = visitor()
    await ana.get("/chat")
    midway = await ana.type("Acme")
    assert "Reprendre plus tard" in midway
    bea = visitor()
    done = await at_the_summary(bea)
    assert "Reprendre plus tard" not in done
    assert "Revoir ou modifier vos réponses" in done
    # While an answer is being changed, the questionnaire is still finished.
    changing = await bea.press("Modifier — 1. Nom")
    assert changing.question is not None and changing.question.step == "company"
    assert "Revoir ou modifier vos réponses" in changing
    assert "Reprendre plus tard" not in changing


async def test_a_free_text_shows_its_flows_placeholder_in_the_pages_language(
    visitor: VisitorFactory,
) -> None:
    """The flow's example of an answer sits in the empty field ("Par exemple : Dupont SARL",
    typeset); a question without one has none, and the "Other" field neither."""
    ana = visitor()
    page = await ana.get("/chat")
    assert 'placeholder="Par exemple\u00a0: Dupont SARL"' in page.html
    await ana.type("Acme")
    page = await ana.press("Oui")
    assert "Une remarque" in page and "placeholder=" not in page.html

    page = await ana.press("English")
    assert "A remark?" in page and "placeholder=" not in page.html
    await ana.press("← Back")
    page = await ana.press("← Back")
    assert 'placeholder="For example: Smith Ltd"' in page.html
