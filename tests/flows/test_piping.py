"""Piped names: one pattern, read by the checks, the prompts and the organiser's statistics."""

from __future__ import annotations

import pytest

import flows
from flows.piping import fill, piped_names, unpiped
from flows.prompts import pipe


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Salariés de {company} ?", {"company"}),
        ("{company|votre entreprise} et {staff|}", {"company", "staff"}),
        ("{a1_b} {a1_b|x}", {"a1_b"}),
        ("no names, {Upper}, {1st}, { spaced }, {}", set()),
    ],
)
def test_the_names_a_text_pipes(text: str, names: set[str]) -> None:
    assert piped_names(text) == names


def test_fill_replaces_answered_names_and_falls_back_for_the_others() -> None:
    answers = {"company": "Acme", "staff": "12 salariés"}
    text = "{company|votre entreprise}: {staff}, {sector|secteur ?}, [{city}] [{region|}]"
    assert fill(text, answers.get) == "Acme: 12 salariés, secteur ?, [] []"


def test_an_answer_is_filled_in_verbatim() -> None:
    assert fill("{company}", {"company": "R&D {x} \\1"}.get) == "R&D {x} \\1"


@pytest.mark.parametrize(
    ("company", "said"),
    [
        ("Exemple Industries", "Le secteur d'Exemple Industries ?"),
        ("Éclat SAS", "Le secteur d'Éclat SAS ?"),
        ("Les Ateliers Réunis", "Le secteur des Ateliers Réunis ?"),
        ("Le Fil d'Or", "Le secteur du Fil d'Or ?"),
        ("Robinetterie Duval", "Le secteur de Robinetterie Duval ?"),
        ("Hydro Ouest", "Le secteur de Hydro Ouest ?"),  # h: mute or not, left as written
    ],
)
def test_in_french_de_before_an_answer_is_said_as_french_says_it(company: str, said: str) -> None:
    text = "Le secteur de {company|votre entreprise} ?"

    assert fill(text, {"company": company}.get, french=True) == said
    assert fill(text, {}.get, french=True) == "Le secteur de votre entreprise ?"
    # English, or a text that is not French, is left as written.
    assert fill(text, {"company": company}.get) == f"Le secteur de {company} ?"


def test_de_is_elided_only_where_it_is_a_word_and_keeps_its_capital() -> None:
    answers = {"company": "Acme"}.get
    assert fill("De {company} ?", answers, french=True) == "D'Acme ?"
    assert fill("Monde {company}", answers, french=True) == "Monde Acme"
    assert fill("de {company}, de {company}", answers, french=True) == "d'Acme, d'Acme"


def test_the_bundled_questionnaire_elides_de_before_a_company_name() -> None:
    flow = flows.load_flow(flows.bundled_path("questionnaire.yaml"))
    state = flows.start(flow)
    state = flows.answer_text(flow, state, "Exemple Industries", "fr").state
    shown = flows.prompt(flow, state, "fr")

    assert shown is not None
    assert shown.text == "Quel est le secteur d’activité principal d’Exemple Industries\u00a0?"


def test_without_braces_the_text_is_returned_as_it_is() -> None:
    def never(name: str) -> str | None:
        raise AssertionError(name)

    assert fill("Merci !", never) == "Merci !"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "Quel est le secteur de {company_name|votre entreprise} ?",
            "Quel est le secteur de votre entreprise ?",
        ),
        ("Salariés de {company} ?", "Salariés de … ?"),
        ("Salariés de {company|} ?", "Salariés de … ?"),
        ("{Upper} stays", "{Upper} stays"),
    ],
)
def test_unpiped_shows_fallbacks_or_an_ellipsis(text: str, shown: str) -> None:
    assert unpiped(text) == shown
    assert flows.unpiped is unpiped


def test_every_question_of_the_bundled_flow_reads_without_braces() -> None:
    flow = flows.load_flow(flows.bundled_path("questionnaire.yaml"))
    for step in flow.steps():
        for lang in flow.languages:
            assert "{" not in unpiped(flow.text(step.text, lang)), step.id


@pytest.mark.parametrize("typed", ["-", "??", "🏭🔧", " … "])
def test_an_answer_with_no_letter_or_digit_reads_as_the_fallback(typed: str) -> None:
    text = "Quel est le secteur d’activité principal de {company|votre entreprise} ?"
    said = fill(text, {"company": typed}.get, french=True)
    assert said == "Quel est le secteur d’activité principal de votre entreprise ?"
    assert fill("{company}", {"company": "3M"}.get) == "3M"  # a digit is a name


def test_the_bundled_questionnaire_asks_of_votre_entreprise_after_an_emoji_name() -> None:
    flow = flows.load_flow(flows.bundled_path("questionnaire.yaml"))
    state = flows.start(flow)
    assert state.current == "company_name"
    state = flows.answer(flow, state, "🏭🔧", "fr").state
    shown = flows.prompt(flow, state, "fr")
    assert shown is not None
    assert "🏭" not in shown.text and "votre entreprise" in shown.text, shown.text


@pytest.mark.parametrize(
    ("company", "said"),
    [
        ("Exemple Industries", "Est-ce qu'Exemple Industries exporte ?"),
        ("Éclat SAS", "Est-ce qu'Éclat SAS exporte ?"),
        ("Le Creuset", "Est-ce que Le Creuset exporte ?"),
        ("Robinetterie Duval", "Est-ce que Robinetterie Duval exporte ?"),
    ],
)
def test_in_french_que_before_an_answer_is_elided_before_a_vowel(company: str, said: str) -> None:
    text = "Est-ce que {company|votre entreprise} exporte ?"

    assert fill(text, {"company": company}.get, french=True) == said
    assert fill(text, {}.get, french=True) == "Est-ce que votre entreprise exporte ?"
    assert fill("Que {company} ?", {"company": "Acme"}.get, french=True) == "Qu'Acme ?"


def _asked(flow_file: str, name_id: str, name: str, step_id: str) -> str:
    """The French text of `step_id` in a bundled flow, once `name_id` is answered `name`."""
    flow = flows.load_flow(flows.bundled_path(flow_file))
    state = flows.start(flow)
    assert state.current == name_id
    state = flows.answer_text(flow, state, name, "fr").state
    return pipe(flow, flow.step(step_id).text, "fr", state)


@pytest.mark.parametrize(
    ("step_id", "said"),
    [
        ("in_group", "Est-ce que Le Creuset fait partie d’un groupe\u00a0?"),
        ("year_founded", "Quelle est l’année de création du Creuset\u00a0?"),
        ("works_abroad", "Est-ce que Le Creuset a une activité à l’international\u00a0?"),
    ],
)
def test_the_companies_questions_read_right_whatever_the_name(step_id: str, said: str) -> None:
    """Not "Le Creuset fait-elle partie d’un groupe ?": a name has no known gender."""
    assert _asked("questionnaire.yaml", "company_name", "Le Creuset", step_id) == said


@pytest.mark.parametrize(
    ("step_id", "said"),
    [
        (
            "org_type",
            "Conseil départemental du Loiret\u00a0: de quel type d’organisation s’agit-il\u00a0?",
        ),
        (
            "offer_innovation",
            "Conseil départemental du Loiret\u00a0: que proposez-vous aux PME en matière d’innovation\u00a0?",
        ),
    ],
)
def test_the_actors_questions_read_right_with_a_name_typed_without_its_article(
    step_id: str, said: str
) -> None:
    """Not "Que propose Conseil départemental du Loiret aux PME… ?"."""
    assert _asked("acteurs.yaml", "org_name", "Conseil départemental du Loiret", step_id) == said
