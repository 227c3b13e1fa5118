"""The whole bundled questionnaire in the web chat, as a person answers it: from the workshop's
card to the summary and a changed answer, with every kind of control, and the rows it leaves."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conversation.tokens import decode
from flows import Flow, Kind
from flows.values import check_value
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor, valid_answer


class Answers:
    """What the person gave, question by question, as the database should hold it."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.values: dict[str, Any] = {}
        self.others: dict[str, str] = {}

    async def give(self, person: Visitor, turn: int) -> Page:
        """Answers the question on screen with a valid answer, and notes it."""
        assert person.page is not None
        form = person.page.question
        assert form is not None and form.step is not None
        button, changes = valid_answer(form, self.flow, turn)
        self.note(form.step, form.kind, button.value if button else None, changes)
        return await person.submit(form, button, **changes)

    def note(self, step: str, kind: str, token: str | None, changes: dict[str, Any]) -> None:
        if kind == "ticks":
            self.values[step] = changes["codes"]
        elif kind == "ranks":
            self.values[step] = changes["rank"]
        elif kind == "buttons":
            assert token is not None
            code = decode(token).value
            scale = self.flow.step(step).type == Kind.SCALE and code.isdigit()
            self.values[step] = int(code) if scale else code
        elif kind == "text":
            text = changes["text"]
            if self.flow.step(step).type in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
                self.others[step] = text  # "Other, please specify"
            elif self.flow.step(step).type == Kind.NUMBER:
                self.values[step] = int(text)
            elif self.flow.step(step).type == Kind.CODE:
                self.values[step] = check_value(self.flow, self.flow.step(step), text, "fr")
            else:
                self.values[step] = text


def stored_answers(peek: Peek) -> tuple[dict[str, Any], dict[str, str]]:
    rows = peek.query("SELECT question_id, value_json, other_text FROM answers")
    values = {question: json.loads(value) for question, value, _ in rows}
    others = {question: other for question, _, other in rows if other is not None}
    return values, others


async def test_a_person_answers_the_whole_questionnaire_in_the_browser(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    card = await ana.get("/s/pithiviers")
    (answer_here,) = [link for link in card.links() if "/chat" in link]
    page = await ana.get(answer_here)
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]

    # Agreeing to the notice is the first thing stored: the person, on the web channel,
    # and a response tagged with the workshop of the link.
    page = await ana.press("✅ J’accepte")
    assert page.status == 200
    assert page.progress == "Question 1/51 · Votre entreprise et vous"
    assert peek.query("SELECT channel, language FROM respondents") == [("web", "fr")]
    assert peek.query("SELECT stage_code, status, consent_version IS NOT NULL FROM responses") == [
        ("pithiviers", "in_progress", 1)
    ]
    # The field a phone fills: a real labelled input, with the flow's length limit to count
    # (no `maxlength`: a browser would cut a pasted text without a word).
    question = page.question
    assert question is not None and question.text is not None
    assert question.text.attributes["data-limit"] == "120"
    assert "maxlength" not in question.text.attributes
    assert page.field("answer")["id"] == "answer"
    assert '<label for="answer"' in page.html

    given = Answers(flow)
    page = await ana.type("Atelier Dupont")
    given.values["company_name"] = "Atelier Dupont"
    # A choice, piped with the name just given; then "Other, please specify".
    assert "Quel est le secteur d’activité principal d’Atelier Dupont ?" in page
    page = await ana.press("Autre secteur")
    assert "« Autre secteur » : précisez en quelques mots." in page
    question = page.question
    assert question is not None and question.step == "sector" and question.kind == "text"
    page = await ana.type("Horlogerie")
    assert page.progress.startswith("Question 3/51")
    assert "Horlogerie" in page  # the transcript above reads it back
    # Back: the earlier choice is shown as chosen, with its words, and can be changed.
    page = await ana.press("← Retour")
    assert page.progress.startswith("Question 2/51")
    assert page.question is not None
    chosen = [b.label for b in page.question.buttons if "réponse actuelle" in b.label]
    assert chosen == ["Autre secteur : Horlogerie (réponse actuelle)"]
    page = await ana.press("Agroalimentaire")
    given.values["sector"] = "agrifood"
    assert page.progress.startswith("Question 3/51")

    turn = 2
    while (form := page.question) is not None:
        step = form.step
        if step == "innovation_intro":
            # An information step: nothing to answer, a button to go on.
            assert form.kind == "info" and "Parlons maintenant de l’innovation" in page
            page = await ana.press("Continuer")
        elif step == "innovation_kinds":
            # Ticks of a multiple choice, one of them "Other": its text is asked next.
            assert "Plusieurs réponses possibles." in page
            assert all(box.label for box in form.checkboxes)  # each box has its label
            page = await ana.tick("Produit nouveau ou amélioré", "Autre type")
            page = await ana.type("Impression 3D")
            given.values[step] = ["product", "other"]
            given.others[step] = "Impression 3D"
        elif step == "new_product_share":
            # An optional question, skipped; a whole percentage opens the digits keypad.
            assert form.text is not None and form.text.attributes["inputmode"] == "numeric"
            assert "en %" in page
            page = await ana.press("Passer")
            assert "(sans réponse)" in page
        elif step == "departement":
            # A code typed from a list, by name: stored as the code, read back with its name.
            assert form.text is not None
            page = await ana.type("loiret")
            given.values[step] = "45"
            assert "45 – Loiret" in page
        elif step == "innov_spend_plan":
            # A 5-point scale as buttons, each point labelled, "don't know" after them.
            labels = [button.label for button in form.choices()]
            assert labels[:5] == [
                "Forte baisse",
                "Légère baisse",
                "Stabilité",
                "Légère hausse",
                "Forte hausse",
            ]
            page = await ana.press("Légère hausse")
            given.values[step] = "4"
        elif step == "works_abroad":
            page = await ana.press("Oui")  # opens the branch of exporting companies
            given.values[step] = "yes"
        elif step == "wants_report":
            page = await ana.press("Oui")  # and so the e-mail question
            given.values[step] = "yes"
        else:
            page = await given.give(ana, turn)
        assert page.status == 200, page.text[:500]
        assert "Ce bouton" not in page.text and "plus à jour" not in page.text, page.text[:500]
        turn += 1
        assert turn < 80, "the questionnaire does not end"

    # The end: the outro with the company's name, and the summary.
    assert "Merci ! Vos réponses pour Atelier Dupont sont bien enregistrées." in page
    assert "Récapitulatif de vos réponses" in page
    assert "Produit nouveau ou amélioré · Impression 3D" in page
    assert "export_share" in given.values and "email" in given.values
    assert peek.query(
        "SELECT p.channel, r.stage_code, r.status, r.completed_at IS NOT NULL "
        "FROM responses r JOIN respondents p ON p.id = r.respondent_id"
    ) == [("web", "pithiviers", "completed", 1)]
    values, others = stored_answers(peek)
    assert values == given.values
    assert others == given.others
    assert "new_product_share" not in values  # skipped
    assert {stage for (stage,) in peek.query("SELECT DISTINCT stage_code FROM answers")} == {
        "pithiviers"
    }

    # Changing an answer after the end: the button beside it in the summary, the
    # question with the answer given, a new answer, and the summary again.
    assert "✏️ Modifier une réponse" not in page.labels()  # a chat's way, by number
    page = await ana.press("Modifier — 1. Quel est le nom de votre entreprise")
    question = page.question
    assert question is not None and question.step == "company_name"
    assert question.text is not None and question.text.value == "Atelier Dupont"
    page = await ana.type("Dupont & Fils")
    assert "Récapitulatif de vos réponses" in page
    assert "Dupont &amp; Fils" in page.html and "Dupont & Fils" in page.text
    assert "Atelier Dupont" not in page.text
    values, _ = stored_answers(peek)
    assert values == {**given.values, "company_name": "Dupont & Fils"}
    assert peek.query("SELECT status FROM responses") == [("completed",)]
    # Coming back later shows the thanks and the summary, not the questionnaire again.
    page = await ana.get("/chat")
    assert "Vous avez déjà répondu à ce questionnaire, merci !" in page
    assert page.question is None


async def test_back_on_the_first_question_says_there_is_none(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat")
    await ana.press("J’accepte")
    page = await ana.type("ACME")
    page = await ana.press("← Retour")
    assert page.progress.startswith("Question 1/51")
    question = page.question
    assert question is not None and question.text is not None
    assert question.text.value == "ACME"  # the answer given, to correct
    # The first question offers no way back.
    assert "← Retour" not in [b.label for b in question.buttons]


async def test_a_refused_answer_says_why_and_asks_again(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat")
    await ana.press("J’accepte")
    given = Answers(flow)
    for turn in range(7):
        await given.give(ana, turn)
    assert ana.page is not None and ana.page.progress.startswith("Question 8/51")
    page = await ana.type("l'an dernier")
    assert page.question is not None and page.question.step == "year_founded"
    warnings = [a for tag, a in page.tags if tag == "p" and "warning" in a.get("class", "")]
    assert warnings and warnings[0].get("role") == "alert"
    assert page.question.text is not None
    assert page.question.text.value == "l'an dernier"  # there to correct, not to retype
    assert "year_founded" not in stored_answers(peek)[0]
    page = await ana.type("1987")
    assert stored_answers(peek)[0]["year_founded"] == 1987


async def test_ticking_more_than_allowed_is_refused(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat")
    await ana.press("J’accepte")
    given = Answers(flow)
    turn = 0
    while ana.page is not None and ana.page.question is not None:
        if ana.page.question.step == "innovation_levers":
            break
        await given.give(ana, turn)
        turn += 1
    # The question says "(3 au plus)": not "Jusqu’à 3 réponses." again under it.
    assert "(3\u00a0au plus)" in ana.page and "Jusqu’à 3\u00a0réponses." not in ana.page
    boxes = ana.page.question.checkboxes
    page = await ana.tick(*[box.label for box in boxes[:4]])
    assert page.question is not None and page.question.step == "innovation_levers"
    # The four ticks are still there, to untick one rather than start again.
    assert [box.checked for box in page.question.checkboxes[:5]] == [True] * 4 + [False]
    assert "innovation_levers" not in stored_answers(peek)[0]
    # Two, as a person would once told: taken.
    page = await ana.tick(*[box.label for box in boxes[:2]])
    assert page.question is not None and page.question.step != "innovation_levers"


async def test_declining_the_notice_keeps_nothing_but_the_refusal(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    page = await ana.press("Je refuse")
    assert "vous ne participez pas, et aucune réponse n’est enregistrée" in page
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]
    assert peek.query("SELECT stage_code FROM consent_refusals") == [("pithiviers",)]
    # Changing one's mind: the notice again.
    page = await ana.get("/chat")
    assert "✅ J’accepte" in page.labels()


async def test_agreeing_after_declining_keeps_the_workshop_of_the_link(
    visitor: VisitorFactory, peek: Peek
) -> None:
    """Declined by mistake from the workshop's link, then agreed from "Revenir au
    questionnaire": the answers are still the workshop's, as the analysts count them."""
    ana = visitor()
    landing = await ana.get("/s/pithiviers")
    await ana.get("http://127.0.0.1/chat?stage=pithiviers")
    assert "http://127.0.0.1/chat?stage=pithiviers" in landing.links()
    page = await ana.press("Je refuse")
    assert "aucune réponse n’est enregistrée" in page
    assert page.links() == ["http://127.0.0.1/chat?stage=pithiviers"]  # "Revenir au questionnaire"
    page = await ana.get(page.links()[0])
    assert "Vos réponses seront rattachées à l’atelier de Pithiviers" in page
    # Every form of the page posts back to the workshop's chat, which a reload opens again.
    assert {form.action for form in page.forms} == {"http://127.0.0.1/chat?stage=pithiviers#now"}
    await ana.press("✅ J’accepte")
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]


class TestRanking:
    """A ranking, on the small flow that has one (the bundled questionnaires ask for
    "up to 3" instead, as multiple choices)."""

    @pytest.fixture
    def flow(self, mini_flow: Flow) -> Flow:
        return mini_flow

    async def to_ranking(self, ana: Visitor, flow: Flow) -> Page:
        page = await ana.get("/chat")
        given = Answers(flow)
        for turn in range(20):
            assert page.question is not None, "no ranking met"
            if page.question.step == "obstacles":
                return page
            if page.question.step == "company":
                page = await ana.type("Acme")  # within its 20 characters
            else:
                page = await given.give(ana, turn)
        raise AssertionError(f"stuck on {page.question}")

    async def test_a_ranking_has_one_list_per_rank_most_important_first(
        self, visitor: VisitorFactory, flow: Flow, peek: Peek
    ) -> None:
        ana = visitor()
        page = await self.to_ranking(ana, flow)
        form = page.question
        assert form is not None
        assert [s.name for s in form.selects] == ["rank", "rank"]
        assert "Classez 2\u00a0éléments" in page
        assert page.text.count("— choisir —") == 2  # a first, empty choice in each list
        for rank in ("1ᵉʳ", "2ᵉ"):
            assert f'<label class="rank"><span>{rank}</span>' in page.html
        page = await ana.rank("Temps", "Coût")
        assert "1. Temps\u00a0; 2. Coût" in page
        assert stored_answers(peek)[0]["obstacles"] == ["time", "cost"]

    async def test_a_ranking_with_an_item_twice_or_missing_is_refused(
        self, visitor: VisitorFactory, flow: Flow, peek: Peek
    ) -> None:
        ana = visitor()
        page = await self.to_ranking(ana, flow)
        for ranks in (["Coût", "Coût"], ["Coût"]):
            page = await ana.rank(*ranks)
            assert page.question is not None and page.question.step == "obstacles"
            assert 'role="alert"' in page.html
            twice = "«\u00a0Coût\u00a0» est classé plusieurs fois\u00a0: merci de classer 2\u00a0éléments"
            assert (twice if len(ranks) == 2 else "Merci de classer 2\u00a0éléments") in page
            # The ranks picked come back picked, to fix the one that is wrong.
            picked = [dict(s.options)[s.selected] for s in page.question.selects if s.selected]
            assert picked == ranks
            assert "obstacles" not in stored_answers(peek)[0]
