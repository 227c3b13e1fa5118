"""Where a page says what it says: below the answers so far, next to the question it is about.

A page keeps the person's answers so far above the question, as a chat's log.
What a reply says besides (an answer refused, a form out of date, a button no
longer active, "my data") must come after that log: above it, it is hundreds
of pixels off-screen and the person sees nothing happen. The browser's view of
it is in test_browser.py.
"""

from __future__ import annotations

from markupsafe import escape

from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor, valid_answer
from tests.web.test_security import agreed


async def answered_until(person: Visitor, flow: Flow, step: str) -> Page:
    """The person answers, from the page on screen, until `step` is the question waiting."""
    page = person.page
    for turn in range(60):
        assert page is not None, "no page yet"
        form = page.question
        assert form is not None, "no question on the page"
        if form.step == step:
            return page
        if form.kind == "info":  # "Continuer", "Continue": the first of its buttons
            page = await person.submit(form, form.buttons[0])
            continue
        button, changes = valid_answer(form, flow, turn)
        page = await person.submit(form, button, **changes)
    raise AssertionError(f"never reached {step!r}")


def reads_in_order(page: Page, *marks: str) -> None:
    """Each of `marks` (a piece of the page's HTML) is on the page, each after the one before."""
    # Also the one and only: a mark found twice would say nothing of the order.
    assert all(page.html.count(mark) == 1 for mark in marks), marks
    places = [page.html.find(mark) for mark in marks]
    assert -1 not in places, dict(zip(marks, places, strict=True))
    assert places == sorted(places), dict(zip(marks, places, strict=True))


TRANSCRIPT = '<section class="transcript"'
NOW = '<div class="now"'
QUESTION = '<section class="question"'


async def test_a_refused_answer_is_said_between_the_answers_so_far_and_its_question(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await agreed(ana)
    await answered_until(ana, flow, "departement")

    page = await ana.type("99")

    assert page.question is not None and page.question.step == "departement"
    refusal = '<p class="bubble bot warning" id="refusal" role="alert">Je ne reconnais pas cette'
    reads_in_order(page, TRANSCRIPT, NOW, refusal, QUESTION)
    # Without scripts, the browser brings the field it focuses on screen, the refusal above it;
    # a screen reader says the field is refused, and why.
    field = page.field("answer")
    assert "autofocus" in field and field["aria-invalid"] == "true"
    assert "refusal" in field["aria-describedby"].split()
    assert "departement" not in [q for (q,) in peek.query("SELECT question_id FROM answers")]


async def test_the_pages_own_notes_come_after_the_answers_so_far(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await agreed(ana)
    await answered_until(ana, flow, "headcount")
    older = await ana.get("/chat")
    assert older.question is not None
    await ana.submit(older.question, older.question.choices()[0])

    # A button of the page before (a second tab, its own delivery id): no longer active.
    page = await ana.submit(older.question, older.question.choices()[1], delivery="-42")
    reads_in_order(page, TRANSCRIPT, NOW, escape("Ce bouton n’est plus actif"), QUESTION)
    # Without scripts, the page a form brings opens at its question, which it focuses (a
    # page opened at a fragment would not: hence no #now to open at); not at its first
    # choice, which a focus ring would make look chosen.
    assert page.question is not None and page.question.action.endswith("#now")
    assert 'id="now"' not in page.html
    assert "autofocus" in page.field("waiting-text")

    # A form whose token is not this person's: the page was out of date.
    assert page.question is not None
    page = await ana.submit(page.question, token="0" * 32, text="x")
    reads_in_order(page, TRANSCRIPT, NOW, escape("Cette page n’était plus à jour"), QUESTION)

    # A button the page never offered: not recognised.
    assert page.question is not None
    page = await ana.submit(page.question, action="zzz")
    reads_in_order(page, TRANSCRIPT, NOW, escape("Ce bouton n’est pas reconnu."), QUESTION)

    # "My data", asked mid-way, above the question it is followed by, below the log.
    page = await ana.press("Mes données")
    reads_in_order(page, TRANSCRIPT, NOW, '<section class="card data">', QUESTION)
