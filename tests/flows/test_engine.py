"""The engine as a respondent meets it: prompts, answers, refusals, going back, branching."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

import flows
from flows import (
    Flow,
    Kind,
    Outcome,
    Prompt,
    ResponseState,
    acknowledge,
    answer,
    answer_text,
    back,
    bundled_path,
    choose,
    confirm,
    effective_answers,
    load_flow,
    other_texts,
    pipe,
    prompt,
    revise,
    skip,
    start,
    summary,
    toggle,
    visible_steps,
)
from flows.values import Invalid, check_value

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def mini() -> Flow:
    return flows.load_flow(FIXTURES / "mini.yaml")


@pytest.fixture(scope="module")
def branching() -> Flow:
    return flows.load_flow(FIXTURES / "branching.yaml")


@pytest.fixture(scope="module")
def bundled() -> Flow:
    return flows.load_flow(flows.bundled_path("questionnaire.yaml"))


class Chat:
    """One respondent going through a flow; every action checks the engine's manners.

    A refused action must leave the state as it was (so the same buttons still
    work); an accepted one must bump `seq` (so older buttons become stale).
    """

    def __init__(self, flow: Flow, lang: str = "fr", state: ResponseState | None = None) -> None:
        self.flow = flow
        self.lang = lang
        self.state = state if state is not None else start(flow)

    @property
    def prompt(self) -> Prompt:
        shown = prompt(self.flow, self.state, self.lang)
        assert shown is not None, "the response is finished"
        return shown

    def prompt_or_none(self) -> Prompt | None:
        return prompt(self.flow, self.state, self.lang)

    def selected(self) -> tuple[str, ...]:
        return self.prompt.selected

    @property
    def current(self) -> str | None:
        return self.state.current

    def _apply(self, act: Callable[[], Outcome]) -> str | None:
        before = self.state
        outcome = act()
        if outcome.accepted:
            assert outcome.state.seq > before.seq
            self.state = outcome.state
        else:
            assert outcome.state == before, "a refusal changed the state"
        return outcome.error

    def type(self, text: str) -> str | None:
        return self._apply(lambda: answer_text(self.flow, self.state, text, self.lang))

    def tap(self, code: str) -> str | None:
        return self._apply(lambda: choose(self.flow, self.state, code, self.lang))

    def toggle(self, *codes: str) -> str | None:
        """Tap each code in turn; stop at the first refusal."""
        for code in codes:
            error = self._apply(partial(toggle, self.flow, self.state, code, self.lang))
            if error is not None:
                return error
        return None

    def confirm(self) -> str | None:
        return self._apply(lambda: confirm(self.flow, self.state, self.lang))

    def skip(self) -> str | None:
        return self._apply(lambda: skip(self.flow, self.state, self.lang))

    def ack(self) -> str | None:
        return self._apply(lambda: acknowledge(self.flow, self.state, self.lang))

    def answer(self, value: object) -> str | None:
        return self._apply(lambda: answer(self.flow, self.state, value, self.lang))

    def back(self) -> None:
        self.state = back(self.flow, self.state)

    def revise(self, step_id: str) -> None:
        self.state = revise(self.flow, self.state, step_id)

    def ok(self, error: str | None) -> None:
        assert error is None, error


# The usual way through mini.yaml: one accepted action per step.
MINI_ANSWERS: dict[str, Callable[[Chat], str | None]] = {
    "welcome": Chat.ack,
    "company": lambda c: c.type("Acme"),
    "staff": lambda c: c.type("12"),
    "sector": lambda c: c.tap("industry"),
    "exports": lambda c: c.tap("yes"),
    "markets": lambda c: c.toggle("eu") or c.confirm(),
    "share": lambda c: c.type("40"),
    "importance": lambda c: c.tap("5"),
    "obstacles": lambda c: c.toggle("cost", "time") or c.confirm(),
    "ideas": Chat.skip,
    "email": lambda c: c.type("ana@example.fr"),
}


def walk(chat: Chat, until: str | None = None, **special: Callable[[Chat], str | None]) -> Chat:
    """Answer the usual way (or as `special` says) until `until` is on screen or the end."""
    for _ in range(50):
        current = chat.current
        if current is None or current == until:
            return chat
        chat.ok(special.get(current, MINI_ANSWERS[current])(chat))
    raise AssertionError("the flow never ended")


def mini_chat(
    flow: Flow,
    lang: str = "fr",
    until: str | None = None,
    **special: Callable[[Chat], str | None],
) -> Chat:
    return walk(Chat(flow, lang), until, **special)


# --- start, information steps ---------------------------------------------------


def test_a_response_starts_on_the_first_step(mini: Flow) -> None:
    chat = Chat(mini)
    assert chat.current == "welcome"
    assert not chat.state.finished
    shown = chat.prompt
    assert (shown.kind, shown.text, shown.section) == (Kind.INFO, "Bienvenue", "Entreprise")
    assert shown.position == 0
    assert not shown.can_back
    assert not shown.can_skip
    assert shown.choices == ()


def test_an_information_step_is_acknowledged(mini: Flow) -> None:
    chat = Chat(mini, "en")
    assert chat.prompt.text == "Welcome"
    chat.ok(chat.ack())
    assert chat.current == "company"
    assert chat.prompt.text == "Name?"


@pytest.mark.parametrize("typed", ["ok", "OK !", "Continuer ▶", "suite", "d’accord", "next"])
def test_a_word_for_going_on_typed_on_an_information_step_goes_on(mini: Flow, typed: str) -> None:
    chat = Chat(mini)
    chat.ok(chat.type(typed))
    assert chat.current == "company"
    assert chat.state.answers == {}


@pytest.mark.parametrize("typed", ["1987", "Acme", "non"])
def test_anything_else_typed_on_an_information_step_is_not_dropped_silently(
    mini: Flow, typed: str
) -> None:
    """Most likely an answer meant for the question before (a year corrected): going on as
    if "Continue" were tapped threw it away without a word."""
    chat = Chat(mini)
    # The first step: nothing before it to go back to.
    assert (
        chat.type(typed)
        == "Il n’y a rien à répondre ici\u00a0: touchez «\u00a0Continuer\u00a0» pour commencer."
    )
    assert chat.current == "welcome"


def test_at_a_later_introduction_back_is_offered_to_correct_the_answer_before(
    tmp_path: Path,
) -> None:
    (tmp_path / "intro.yaml").write_text(INTRO_AFTER_A_QUESTION, encoding="utf-8")
    chat = Chat(load_flow(tmp_path / "intro.yaml"))
    chat.ok(chat.type("1887"))
    assert chat.current == "next_part"
    assert chat.type("1987") == (
        "Il n’y a rien à répondre ici\u00a0: touchez «\u00a0Continuer\u00a0» pour la suite, ou «\u00a0Retour\u00a0» "
        "pour corriger la réponse précédente."
    )
    assert chat.state.answers == {"founded": 1887} and chat.current == "next_part"


INTRO_AFTER_A_QUESTION = """\
id: intro
version: 1
title: Intro
sections:
  - id: main
    title: Main
    steps:
      - {id: founded, type: number, text: "Année ?"}
      - {id: next_part, type: info, text: "La suite."}
      - {id: done, type: text, text: "Fin ?"}
"""


def test_acknowledging_a_question_is_refused(mini: Flow) -> None:
    chat = mini_chat(mini, until="company")
    assert chat.ack() == "Cette question est obligatoire."


def test_back_at_the_first_step_does_nothing(mini: Flow) -> None:
    chat = Chat(mini)
    before = chat.state
    chat.back()
    assert chat.state == before
    assert chat.current == "welcome"


# --- text -------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "word"), [("fr", "écrire"), ("en", "type")])
def test_an_empty_text_is_refused(mini: Flow, lang: str, word: str) -> None:
    chat = mini_chat(mini, lang, until="company")
    error = chat.type("  \x00 ")
    assert error is not None
    assert word in error
    assert chat.current == "company"


@pytest.mark.parametrize(
    ("lang", "length", "expected"),
    [
        (
            "fr",
            3_999,
            "Votre réponse fait 3\u202f999\u00a0caractères\u00a0; la limite est de 20\u00a0: 3\u202f979 de trop.",
        ),
        ("en", 3_999, "Your answer is 3,999 characters long; the limit is 20: 3,979 too many."),
        # Just over: how many to trim, which on a phone is not typing it all again.
        ("en", 21, "Your answer is 21 characters long; the limit is 20: 1 too many."),
        # From 4,000 on, a chat app may have cut it: its count would not be the paste's.
        ("fr", 4_000, "Votre réponse est bien trop longue\u00a0: 20\u00a0caractères au plus."),
        ("fr", 10_000, "Votre réponse est bien trop longue\u00a0: 20\u00a0caractères au plus."),
        ("en", 10_000, "Your answer is far too long: 20 characters at most."),
    ],
)
def test_a_long_answer_is_refused_with_the_limit_and_a_length_that_holds(
    mini: Flow, lang: str, length: int, expected: str
) -> None:
    chat = mini_chat(mini, lang, until="company")
    error = chat.type("é" * length)
    assert error is not None
    assert error.startswith(expected)
    assert chat.prompt.max_length == 20


def test_a_text_answer_is_kept_clean(mini: Flow) -> None:
    chat = mini_chat(mini, until="company")
    chat.ok(chat.type(" \x1b[31mAcme\x00 SA\x07 "))
    assert chat.state.answers["company"] == "[31mAcme SA"
    assert chat.current == "staff"


def test_a_long_text_is_refused_over_its_limit_and_optional(mini: Flow) -> None:
    chat = mini_chat(mini, "en", until="ideas")
    assert chat.prompt.max_length == 2000
    assert chat.prompt.can_skip
    error = chat.type("b" * 2001)
    assert error is not None
    assert "2,001" in error
    assert "2,000" in error
    chat.ok(chat.type("first line\nsecond line"))
    assert chat.state.answers["ideas"] == "first line\nsecond line"


# --- numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "typed", "stored"),
    [("fr", "1 200", 1200), ("en", "1,200", 1200), ("fr", "1\u202f200", 1200), ("en", "7", 7)],
)
def test_a_typed_whole_number(mini: Flow, lang: str, typed: str, stored: int) -> None:
    chat = mini_chat(mini, lang, until="staff")
    chat.ok(chat.type(typed))
    assert chat.state.answers["staff"] == stored
    assert type(chat.state.answers["staff"]) is int


@pytest.mark.parametrize(
    ("lang", "typed", "stored"), [("fr", "3,5", 3.5), ("en", "3.5", 3.5), ("fr", "15 %", 15)]
)
def test_a_typed_decimal(mini: Flow, lang: str, typed: str, stored: float) -> None:
    chat = mini_chat(mini, lang, until="share")
    chat.ok(chat.type(typed))
    assert chat.state.answers["share"] == stored


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("fr", "douze", "Merci d’indiquer un nombre (par exemple 12)."),
        ("en", "twelve", "Please enter a number (for example 12)."),
        ("fr", "3,5", "Merci d’indiquer un nombre entier (par exemple 12)."),
        ("en", "3.5", "Please enter a whole number (for example 12)."),
        ("fr", "0", "Merci d’indiquer un nombre de 1 à 10\u202f000."),
        ("en", "0", "Please enter a number from 1 to 10,000."),
        ("fr", "20 000", "Merci d’indiquer un nombre de 1 à 10\u202f000."),
        ("en", "20,000", "Please enter a number from 1 to 10,000."),
        ("fr", "9" * 10_000, "Merci d’indiquer un nombre (par exemple 12)."),
    ],
)
def test_a_number_is_refused(mini: Flow, lang: str, typed: str, expected: str) -> None:
    chat = mini_chat(mini, lang, until="staff")
    assert chat.type(typed) == expected
    assert "staff" not in chat.state.answers


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Merci d’indiquer un nombre (par exemple 2019)."),
        ("en", "Please enter a number (for example 2019)."),
    ],
)
def test_a_refused_years_example_is_a_year_it_takes(lang: str, expected: str) -> None:
    """The bundled year of creation runs from 1800 to 2019: "for example 12" told a person
    who had typed "mil neuf cent" something the question refuses too."""
    flow = load_flow(bundled_path("questionnaire.yaml"))
    year = flow.step("year_founded")
    refused = check_value(flow, year, "mil neuf cent", lang)
    assert isinstance(refused, Invalid) and refused.message == expected
    assert check_value(flow, year, "2019", lang) == 2019


def test_a_number_prompt_names_its_unit_and_pipes_the_company(mini: Flow) -> None:
    chat = mini_chat(mini, "en", until="staff", company=lambda c: c.type("Acme"))
    assert chat.prompt.text == "Staff at Acme?"
    assert chat.prompt.unit == "employees"


# --- e-mail -------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "word"), [("fr", "valide"), ("en", "valid")])
def test_an_email_is_checked(mini: Flow, lang: str, word: str) -> None:
    chat = mini_chat(mini, lang, until="email")
    for bad in ("ana", "ana@example", "ana @example.fr", "ana@example.fr; bob@example.fr"):
        error = chat.type(bad)
        assert error is not None
        assert word in error
    chat.ok(chat.type(" ana.dupont@example.fr "))
    assert chat.state.answers["email"] == "ana.dupont@example.fr"
    assert chat.state.finished


# --- single choice and "Other" ----------------------------------------------------


def test_a_single_choice_offers_labels_in_the_language(mini: Flow) -> None:
    fr = mini_chat(mini, "fr", until="sector").prompt
    en = mini_chat(mini, "en", until="sector").prompt
    assert fr.choices == (
        ("industry", "Industrie"),
        ("services", "Services"),
        ("other", "Autre (précisez)"),
    )
    assert en.choices[0] == ("industry", "Industry")
    assert en.choices[-1] == ("other", "Other (please specify)")


def test_a_single_choice_by_tap_or_by_name(mini: Flow) -> None:
    chat = mini_chat(mini, until="sector")
    assert chat.tap("farming") == "Merci de choisir l’une des réponses proposées."
    assert chat.type("agriculture") == "Merci de répondre avec les boutons proposés."
    chat.ok(chat.type("industrie"))
    assert chat.state.answers["sector"] == "industry"
    assert chat.current == "exports"


@pytest.mark.parametrize(
    ("lang", "ask"),
    [
        # The default label says "précisez" already: the request names "Autre" alone.
        ("fr", "Secteur ?\n«\u00a0Autre\u00a0»\u00a0: précisez en quelques mots."),
        ("en", "Sector?\n“Other”: please specify in a few words."),
    ],
)
def test_other_asks_for_the_text_next_then_keeps_it(mini: Flow, lang: str, ask: str) -> None:
    chat = mini_chat(mini, lang, until="sector")
    chat.ok(chat.tap("other"))
    assert chat.current == "sector"
    shown = chat.prompt
    assert shown.awaiting_other
    assert shown.text == ask
    assert shown.choices == ()
    assert chat.type("   ") is not None
    assert chat.type("x" * 201) is not None
    chat.ok(chat.type(" Agri\x00culture "))
    assert chat.current == "exports"
    assert chat.state.answers["sector"] == "other"
    assert other_texts(mini, chat.state) == {"sector": "Agriculture"}
    assert dict((row[0], row[2]) for row in summary(mini, chat.state, lang))["sector"] == (
        "Agriculture"
    )


def test_back_from_the_other_text_returns_to_the_choices(mini: Flow) -> None:
    chat = mini_chat(mini, until="sector")
    chat.ok(chat.tap("other"))
    seq = chat.state.seq
    chat.back()
    assert chat.current == "sector"
    assert not chat.prompt.awaiting_other
    assert [code for code, _ in chat.prompt.choices] == ["industry", "services", "other"]
    assert chat.state.seq > seq, "the 'please specify' prompt's buttons are now stale"
    chat.ok(chat.tap("services"))
    assert chat.current == "exports"
    assert other_texts(mini, chat.state) == {}


def test_other_text_only_counts_while_other_is_chosen(mini: Flow) -> None:
    chat = mini_chat(mini, until="exports", sector=lambda c: c.tap("other") or c.type("Agri"))
    chat.back()
    assert chat.current == "sector"
    assert chat.selected() == ("other",)
    chat.ok(chat.tap("services"))
    assert other_texts(mini, chat.state) == {}
    assert "sector" not in chat.state.others  # a replaced "Other" text is dropped
    assert chat.state.answers["sector"] == "services"
    # Choosing "Other" again shows the earlier text as the default.
    chat.back()
    chat.ok(chat.tap("other"))
    assert chat.prompt.awaiting_other
    chat.ok(chat.type("Pêche"))
    assert other_texts(mini, chat.state) == {"sector": "Pêche"}


def test_other_waits_for_its_text_so_going_back_keeps_the_earlier_answer(mini: Flow) -> None:
    chat = mini_chat(mini, until="exports", sector=lambda c: c.tap("services"))
    chat.back()
    chat.ok(chat.tap("other"))
    assert chat.state.answers["sector"] == "services"  # not yet replaced
    chat.back()
    assert chat.selected() == ("services",)  # the question as it was: the answer stored
    chat.back()
    assert chat.current == "staff"
    assert chat.state.answers["sector"] == "services"
    assert other_texts(mini, chat.state) == {}


def test_ticks_with_other_wait_for_its_text_and_back_keeps_them_ticked(mini: Flow) -> None:
    chat = mini_chat(mini, until="share", markets=lambda c: c.toggle("asia") or c.confirm())
    chat.back()
    chat.ok(chat.toggle("asia", "eu", "other"))  # asia untapped, eu and other tapped
    chat.ok(chat.confirm())
    assert chat.prompt.awaiting_other
    assert chat.state.answers["markets"] == ["asia"]
    chat.back()
    assert chat.selected() == ("eu", "other")  # as ticked: only "Other" to untick
    assert chat.state.answers["markets"] == ["asia"]  # not stored until confirmed
    chat.ok(chat.confirm())
    chat.ok(chat.type("Mars"))
    assert chat.state.answers["markets"] == ["eu", "other"]
    assert other_texts(mini, chat.state) == {"markets": "Mars"}


def test_back_from_the_other_text_then_unticking_other_keeps_the_rest(mini: Flow) -> None:
    chat = mini_chat(mini, until="markets")
    chat.ok(chat.toggle("eu", "other") or chat.confirm())
    chat.back()
    chat.ok(chat.toggle("other"))
    chat.ok(chat.confirm())
    assert chat.current == "share"
    assert chat.state.answers["markets"] == ["eu"]
    assert other_texts(mini, chat.state) == {}


def test_ticks_left_by_going_back_twice_are_not_stored(mini: Flow) -> None:
    chat = mini_chat(mini, until="share", markets=lambda c: c.toggle("asia") or c.confirm())
    chat.back()
    chat.ok(chat.toggle("asia", "eu", "other") or chat.confirm())
    chat.back()
    chat.back()  # on past the question, its ticks unconfirmed
    assert chat.current == "exports"
    assert chat.state.answers["markets"] == ["asia"]
    chat.ok(chat.tap("yes"))  # on again: the answer stored is what is shown
    assert chat.selected() == ("asia",)


def test_ticks_cannot_change_the_choice_waiting_for_its_text(mini: Flow) -> None:
    """No screen offers ticks under "please specify"; a tap sent anyway changes nothing."""
    chat = mini_chat(mini, until="markets")
    chat.ok(chat.toggle("eu", "other") or chat.confirm())
    waiting = chat.state
    assert chat.toggle("other") == "Merci d’écrire une réponse."
    assert chat.confirm() == "Merci d’écrire une réponse."
    assert chat.state == waiting
    chat.ok(chat.type("Mars"))
    assert chat.state.answers["markets"] == ["eu", "other"]


def test_a_state_saved_with_other_already_in_the_answers_takes_its_text(mini: Flow) -> None:
    """Before the choice waited in the draft, it was stored at once: such states go on."""
    chat = mini_chat(mini, until="sector")
    saved = chat.state.model_copy(
        update={"answers": {**chat.state.answers, "sector": "other"}, "awaiting_other": True}
    )
    done = answer_text(mini, saved, "Pêche", "fr")
    assert done.accepted
    assert done.state.answers["sector"] == "other"
    assert other_texts(mini, done.state) == {"sector": "Pêche"}


def test_other_text_does_not_count_on_a_hidden_question(mini: Flow) -> None:
    chat = mini_chat(
        mini,
        until="share",
        markets=lambda c: c.toggle("eu", "other") or c.confirm() or c.type("Mars"),
    )
    assert other_texts(mini, chat.state) == {"markets": "Mars"}
    chat.back()
    chat.back()
    assert chat.current == "exports"
    chat.ok(chat.tap("no"))
    assert other_texts(mini, chat.state) == {}
    assert "Mars" in chat.state.others.values()  # kept, in case the answer comes back
    chat.back()
    chat.ok(chat.tap("yes"))
    assert other_texts(mini, chat.state) == {"markets": "Mars"}


# --- multiple choice ------------------------------------------------------------


def test_taps_build_a_multiple_choice(mini: Flow) -> None:
    chat = mini_chat(mini, until="markets")
    shown = chat.prompt
    assert (shown.min_selected, shown.max_selected, shown.exclusive) == (1, 2, ("none",))
    chat.ok(chat.toggle("asia"))
    chat.ok(chat.toggle("eu"))
    assert chat.selected() == ("asia", "eu")
    assert chat.current == "markets"
    chat.ok(chat.toggle("asia"))
    assert chat.selected() == ("eu",)
    chat.ok(chat.confirm())
    assert chat.state.answers["markets"] == ["eu"]
    assert chat.current == "share"


def test_an_exclusive_choice_clears_the_others_and_vice_versa(mini: Flow) -> None:
    chat = mini_chat(mini, until="markets")
    chat.ok(chat.toggle("eu", "asia", "none"))
    assert chat.selected() == ("none",)
    chat.ok(chat.toggle("americas"))
    assert chat.selected() == ("americas",)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Vous pouvez choisir au plus 2\u00a0réponses."),
        ("en", "You can choose at most 2 answers."),
    ],
)
def test_more_than_max_selected_is_refused(mini: Flow, lang: str, expected: str) -> None:
    chat = mini_chat(mini, lang, until="markets")
    chat.ok(chat.toggle("eu", "asia"))
    assert chat.toggle("americas") == expected
    assert chat.selected() == ("eu", "asia")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Merci de choisir au moins une réponse."),
        ("en", "Please choose at least one answer."),
    ],
)
def test_confirming_nothing_on_a_required_multiple_choice_is_refused(
    mini: Flow, lang: str, expected: str
) -> None:
    chat = mini_chat(mini, lang, until="markets")
    assert chat.confirm() == expected
    chat.ok(chat.toggle("eu", "eu"))
    assert chat.confirm() == expected


def test_a_multiple_choice_refuses_typing_and_unknown_codes(mini: Flow) -> None:
    chat = mini_chat(mini, "en", until="markets")
    assert chat.type("Europe") == "Please answer with the buttons offered."
    assert chat.toggle("mars") == "Please choose one of the answers offered."
    assert chat.tap("eu") is not None


def test_a_multiple_choice_with_other_asks_for_the_text(mini: Flow) -> None:
    chat = mini_chat(mini, until="markets")
    chat.ok(chat.toggle("other", "asia"))
    chat.ok(chat.confirm())
    assert chat.prompt.awaiting_other
    chat.ok(chat.type("Océanie"))
    assert chat.state.answers["markets"] == ["other", "asia"]
    assert summary(mini, chat.state, "fr")[4] == ("markets", "Marchés ?", "Océanie · Asie")


def test_a_minimum_of_selections_is_enforced(branching: Flow) -> None:
    chat = Chat(branching, "en")
    chat.ok(chat.tap("yes"))
    chat.ok(chat.tap("blue"))
    assert chat.current == "tools"
    assert chat.prompt.min_selected == 2
    chat.ok(chat.toggle("saw"))
    assert chat.confirm() == "Please choose at least 2 answers."
    chat.ok(chat.toggle("glue"))
    chat.ok(chat.confirm())
    assert chat.state.answers["tools"] == ["saw", "glue"]


def test_confirming_an_empty_optional_multiple_choice_skips_it(branching: Flow) -> None:
    chat = Chat(branching)
    chat.ok(chat.tap("yes"))
    chat.ok(chat.tap("blue"))
    assert chat.prompt.can_skip
    chat.ok(chat.confirm())
    assert chat.current == "motto"
    assert "tools" not in chat.state.answers
    assert "tools" in chat.state.skipped


def test_unselecting_everything_then_confirming_clears_an_optional_answer(branching: Flow) -> None:
    chat = Chat(branching)
    chat.ok(chat.tap("yes"))
    chat.ok(chat.tap("blue"))
    chat.ok(chat.toggle("saw", "drill"))
    chat.ok(chat.confirm())
    chat.back()
    assert chat.selected() == ("saw", "drill")
    chat.ok(chat.toggle("saw", "drill"))
    assert chat.selected() == ()
    chat.ok(chat.confirm())
    assert "tools" not in chat.state.answers


# --- scale, yes/no --------------------------------------------------------------


def test_a_scale_by_tap_or_typed(mini: Flow) -> None:
    chat = mini_chat(mini, until="importance")
    shown = chat.prompt
    assert [code for code, _ in shown.choices] == ["1", "2", "3", "4", "5", "dont_know"]
    assert (shown.min_label, shown.max_label) == ("Faible", "Forte")
    chat.ok(chat.tap("4"))
    assert chat.state.answers["importance"] == 4
    chat.back()
    assert chat.selected() == ("4",)
    chat.ok(chat.type(" 2 "))
    assert chat.state.answers["importance"] == 2


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "Merci de choisir une valeur de 1 à 5."), ("en", "Please choose a value from 1 to 5.")],
)
def test_a_value_off_the_scale_is_refused(mini: Flow, lang: str, expected: str) -> None:
    chat = mini_chat(mini, lang, until="importance")
    assert chat.type("7") == expected
    assert chat.tap("7") == expected
    assert chat.type("0") == expected
    # A digit Python does not read as a number, in a forged button: refused all the same.
    assert chat.tap("²") == expected


@pytest.mark.parametrize(("lang", "typed"), [("fr", "ne sait pas"), ("en", "Don't know")])
def test_dont_know_on_a_scale(mini: Flow, lang: str, typed: str) -> None:
    chat = mini_chat(mini, lang, until="importance")
    chat.ok(chat.type(typed))
    assert chat.state.answers["importance"] == "dont_know"
    # "At least 4" does not hold for "don't know": no e-mail asked.
    assert [s.id for s in visible_steps(mini, chat.state)][-1] == "ideas"


def test_a_scale_from_zero(branching: Flow) -> None:
    chat = Chat(branching)
    chat.ok(chat.tap("no"))
    assert chat.current == "rating"
    assert (chat.prompt.position, chat.prompt.total, chat.prompt.answered) == (2, 2, 1)
    assert chat.prompt.choices[0] == ("0", "0")
    assert chat.type("11") == "Merci de choisir une valeur de 0 à 10."
    chat.ok(chat.type("0"))
    assert chat.state.answers["rating"] == 0
    assert chat.state.finished


@pytest.mark.parametrize(
    ("typed", "code"),
    [("oui", "yes"), ("non", "no"), ("yes", "yes"), ("o", "yes"), ("Non", "no"), ("NO", "no")],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_yes_no_typed(mini: Flow, typed: str, code: str, lang: str) -> None:
    chat = mini_chat(mini, lang, until="exports")
    chat.ok(chat.type(typed))
    assert chat.state.answers["exports"] == code


def test_yes_no_refuses_other_words(mini: Flow) -> None:
    chat = mini_chat(mini, "en", until="exports")
    assert chat.prompt.choices == (("yes", "Yes"), ("no", "No"), ("dont_know", "Don’t know"))
    assert chat.type("maybe") == "Please answer with the buttons offered."


# --- ranking --------------------------------------------------------------------


def test_taps_build_a_ranking_and_a_second_tap_undoes(mini: Flow) -> None:
    chat = mini_chat(mini, until="obstacles")
    assert chat.prompt.needed == 2
    chat.ok(chat.toggle("skills"))
    assert chat.selected() == ("skills",)
    assert chat.current == "obstacles"
    chat.ok(chat.toggle("skills"))
    assert chat.selected() == ()
    chat.ok(chat.toggle("time"))
    chat.ok(chat.toggle("cost"))
    # The last rank waits for "Valider", so that it too can be taken back.
    assert (chat.current, chat.selected()) == ("obstacles", ("time", "cost"))
    assert "obstacles" not in chat.state.answers
    chat.ok(chat.toggle("cost"))
    chat.ok(chat.toggle("cost"))
    chat.ok(chat.confirm())
    assert chat.state.answers["obstacles"] == ["time", "cost"]
    assert chat.current == "ideas"


def test_back_to_a_ranking_starts_afresh_and_shows_the_earlier_order(mini: Flow) -> None:
    chat = mini_chat(mini, until="obstacles")
    chat.ok(chat.toggle("time", "cost"))
    chat.ok(chat.confirm())
    chat.back()
    assert chat.current == "obstacles"
    # No item shows as ranked: the first tap starts the new order, it does not undo.
    assert chat.selected() == ()
    assert chat.prompt.default == "1. Temps\u00a0; 2. Coût"
    chat.ok(chat.toggle("cost"))
    assert chat.selected() == ("cost",)
    chat.ok(chat.toggle("skills"))
    chat.ok(chat.confirm())
    assert chat.state.answers["obstacles"] == ["cost", "skills"]


def test_a_ranking_refuses_typing_and_unknown_items(mini: Flow) -> None:
    chat = mini_chat(mini, until="obstacles")
    assert chat.type("Coût") is not None
    assert chat.toggle("fun") is not None
    assert chat.confirm() is not None
    assert chat.state.draft is None


# --- conditions, progress -------------------------------------------------------


def test_a_no_skips_the_questions_that_depend_on_yes(mini: Flow) -> None:
    chat = mini_chat(mini, until="exports")
    chat.ok(chat.tap("no"))
    assert chat.current == "importance"


def test_an_exclusive_none_hides_the_follow_up(mini: Flow) -> None:
    chat = mini_chat(mini, until="markets")
    chat.ok(chat.toggle("none"))
    chat.ok(chat.confirm())
    assert chat.current == "importance"


def test_progress_follows_branching(mini: Flow) -> None:
    chat = mini_chat(mini, until="exports")
    shown = chat.prompt
    # Every question still possible counts: markets and share (if exporting), the
    # e-mail (if importance is 4 or 5). The total only falls as answers rule them out.
    assert (shown.position, shown.total, shown.answered) == (4, 10, 3)
    chat.ok(chat.tap("yes"))
    shown = chat.prompt
    assert (shown.step_id, shown.position, shown.total, shown.answered) == ("markets", 5, 10, 4)
    chat.back()
    chat.ok(chat.tap("no"))  # markets and share are out
    shown = chat.prompt
    assert (shown.step_id, shown.position, shown.total, shown.answered) == ("importance", 5, 8, 4)
    chat.ok(chat.tap("5"))  # the e-mail is now asked for sure: the total stays
    shown = chat.prompt
    assert (shown.step_id, shown.position, shown.total, shown.answered) == ("obstacles", 6, 8, 5)


def test_changing_an_earlier_answer_hides_later_ones_until_restored(mini: Flow) -> None:
    chat = mini_chat(mini, until="importance")
    full = effective_answers(mini, chat.state)
    assert full["markets"] == ["eu"]
    assert full["share"] == 40
    for _ in range(3):
        chat.back()
    assert chat.current == "exports"
    chat.ok(chat.tap("no"))
    assert chat.current == "importance"
    counted = effective_answers(mini, chat.state)
    assert (chat.prompt.answered, chat.prompt.total) == (4, 8)  # the e-mail, maybe
    assert "markets" not in counted
    assert "share" not in counted
    assert chat.state.answers["markets"] == ["eu"]  # kept as a default
    assert "share" not in [row[0] for row in summary(mini, chat.state, "fr")]
    chat.back()
    assert chat.current == "exports"
    chat.ok(chat.tap("yes"))
    assert chat.current == "markets"
    assert chat.selected() == ("eu",)
    assert effective_answers(mini, chat.state) == {
        **counted,
        "exports": "yes",
        "markets": ["eu"],
        "share": 40,
    }


def test_a_hidden_answer_is_not_piped(branching: Flow) -> None:
    chat = Chat(branching, "en")
    chat.ok(chat.tap("yes"))
    chat.ok(chat.tap("red"))
    chat.ok(chat.type("Carmine"))
    assert chat.prompt.text == "Tools (Red)?"
    assert pipe(branching, "{shade|none}", "en", chat.state) == "Carmine"
    for _ in range(3):
        chat.back()
    chat.ok(chat.tap("no"))
    assert chat.current == "rating"
    assert pipe(branching, "{colour|no colour}/{shade|none}", "en", chat.state) == "no colour/none"


# --- piping -----------------------------------------------------------------------


def test_piping_an_answer_verbatim(mini: Flow) -> None:
    chat = mini_chat(mini, until="staff", company=lambda c: c.type("R&D <Lab> {x}"))
    assert chat.prompt.text == "Salariés de R&D <Lab> {x} ?"


def test_a_fallback_is_used_until_answered(mini: Flow) -> None:
    chat = Chat(mini)
    assert pipe(mini, mini.outro or "", "fr", chat.state) == "Merci à vous !"
    assert pipe(mini, mini.outro or "", "en", chat.state) == "Thanks to you!"
    walk(chat)
    assert pipe(mini, mini.outro or "", "en", chat.state) == "Thanks Acme!"


def test_without_fallback_an_unanswered_question_pipes_nothing(mini: Flow) -> None:
    assert pipe(mini, "[{company}]", "fr", start(mini)) == "[]"


def test_choice_labels_are_piped_in_the_language(branching: Flow) -> None:
    for lang, text in (("fr", "Outils (Bleu) ?"), ("en", "Tools (Blue)?")):
        chat = Chat(branching, lang)
        chat.ok(chat.tap("yes"))
        chat.ok(chat.tap("blue"))
        assert chat.prompt.text == text


def test_numbers_and_other_texts_are_piped_as_read(mini: Flow) -> None:
    chat = mini_chat(
        mini,
        until="exports",
        staff=lambda c: c.type("10000"),
        sector=lambda c: c.tap("other") or c.type("Pêche"),
    )
    assert pipe(mini, "{staff}", "fr", chat.state) == "10\u202f000\u00a0salariés"
    assert pipe(mini, "{staff}", "en", chat.state) == "10,000\u00a0employees"
    assert pipe(mini, "{sector}", "en", chat.state) == "Pêche"


def test_piping_in_the_bundled_questionnaire(bundled: Flow) -> None:
    chat = Chat(bundled, "en")
    assert chat.prompt.step_id == "company_name"
    chat.ok(chat.type("Dupont & Fils <SAS>"))
    assert chat.prompt.text == "What is the main business sector of Dupont & Fils <SAS>?"
    assert chat.prompt.choices[-1] == ("other", "Other sector")


# --- going back, skipping -------------------------------------------------------


def test_back_keeps_answers_as_defaults(mini: Flow) -> None:
    chat = mini_chat(mini, until="exports")
    chat.back()
    assert chat.current == "sector"
    assert chat.selected() == ("industry",)
    assert chat.prompt.default is None
    chat.back()
    assert chat.current == "staff"
    assert chat.selected() == ()
    assert chat.prompt.default is not None
    assert chat.prompt.default.startswith("12")
    chat.back()
    assert chat.prompt.default == "Acme"
    chat.back()
    assert chat.current == "welcome"
    assert not chat.prompt.can_back
    assert chat.state.answers == {"company": "Acme", "staff": 12, "sector": "industry"}


def test_back_then_confirm_keeps_a_multiple_choice(mini: Flow) -> None:
    chat = mini_chat(mini, until="share")
    chat.back()
    chat.ok(chat.confirm())
    assert chat.state.answers["markets"] == ["eu"]
    assert chat.current == "share"


def test_back_passes_over_steps_now_hidden(mini: Flow) -> None:
    chat = mini_chat(mini, until="importance")
    assert chat.state.history[-3:] == ["exports", "markets", "share"]
    chat.back()
    chat.back()
    chat.back()
    chat.ok(chat.tap("no"))
    assert chat.current == "importance"
    chat.back()
    assert chat.current == "exports"


def test_back_after_a_revision_passes_over_steps_it_hid(mini: Flow) -> None:
    chat = mini_chat(mini)
    chat.revise("exports")
    chat.ok(chat.tap("no"))
    assert chat.state.finished
    visited = []
    while chat.prompt_or_none() is None or chat.prompt.can_back:
        chat.back()
        visited.append(chat.current)
    assert "markets" not in visited
    assert "share" not in visited
    assert visited[-4:] == ["sector", "staff", "company", "welcome"]


def test_back_from_the_end(mini: Flow) -> None:
    chat = mini_chat(mini)
    assert chat.state.finished
    assert prompt(mini, chat.state, "fr") is None
    chat.back()
    assert chat.current == "email"
    assert not chat.state.finished
    assert chat.prompt.default == "ana@example.fr"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "Cette question est obligatoire."), ("en", "This question is required.")],
)
def test_only_optional_questions_can_be_skipped(mini: Flow, lang: str, expected: str) -> None:
    chat = mini_chat(mini, lang, until="company")
    assert not chat.prompt.can_skip
    assert chat.skip() == expected
    chat = mini_chat(mini, lang, until="share")
    assert chat.prompt.can_skip
    chat.ok(chat.skip())
    assert chat.current == "importance"
    assert "share" in chat.state.skipped


def test_skipping_clears_an_earlier_answer(mini: Flow) -> None:
    chat = mini_chat(mini, until="importance")
    chat.back()
    assert chat.prompt.default == "40"
    chat.ok(chat.skip())
    assert "share" not in chat.state.answers
    chat.back()
    chat.ok(chat.type("30"))
    assert chat.state.answers["share"] == 30
    assert "share" not in chat.state.skipped


# --- the end, revising ------------------------------------------------------------


def test_a_finished_response_refuses_more_answers(mini: Flow) -> None:
    chat = mini_chat(mini)
    assert chat.state.current is None
    acts: list[Callable[[], str | None]] = [
        lambda: chat.type("x"),
        lambda: chat.tap("yes"),
        chat.skip,
        chat.ack,
        lambda: chat.answer("x"),
    ]
    for act in acts:
        assert act() == "Le questionnaire est terminé."
    assert chat.toggle("eu") is not None
    assert chat.confirm() is not None


def test_revising_after_finishing_returns_to_the_end(mini: Flow) -> None:
    chat = mini_chat(mini)
    chat.revise("staff")
    assert chat.current == "staff"
    assert (chat.prompt.position, chat.prompt.total, chat.prompt.answered) == (2, 10, 9)
    assert chat.prompt.default is not None
    chat.ok(chat.type("30"))
    assert chat.state.finished
    assert chat.state.answers["staff"] == 30


def test_revising_into_a_new_branch_asks_its_questions_then_ends(mini: Flow) -> None:
    chat = mini_chat(mini, exports=lambda c: c.tap("no"))
    assert "markets" not in chat.state.answers
    chat.revise("exports")
    chat.ok(chat.tap("yes"))
    assert chat.current == "markets"
    chat.ok(chat.toggle("asia"))
    chat.ok(chat.confirm())
    assert chat.current == "share"
    chat.ok(chat.skip())
    assert chat.state.finished
    assert effective_answers(mini, chat.state)["markets"] == ["asia"]


def test_going_back_during_a_revision_still_asks_what_it_opened(mini: Flow) -> None:
    chat = mini_chat(mini, exports=lambda c: c.tap("no"))
    chat.revise("exports")
    chat.ok(chat.tap("yes"))
    assert chat.current == "markets"
    chat.back()
    assert chat.current == "exports"
    chat.back()
    assert chat.current == "email"  # the screen before the revision: the end
    chat.ok(chat.type("ana@example.fr"))
    # Markets is required and now shown: the response cannot end without it.
    assert not chat.state.finished
    assert chat.current == "markets"
    chat.ok(chat.toggle("eu"))
    chat.ok(chat.confirm())
    assert chat.current == "share"
    chat.ok(chat.type("10"))
    assert chat.state.finished
    assert effective_answers(mini, chat.state)["markets"] == ["eu"]


def test_revising_a_question_that_hides_others_ends_at_once(mini: Flow) -> None:
    chat = mini_chat(mini)
    chat.revise("importance")
    chat.ok(chat.tap("2"))
    assert chat.state.finished
    assert "email" not in effective_answers(mini, chat.state)
    assert "email" not in [row[0] for row in summary(mini, chat.state, "fr")]


def test_revising_a_hidden_or_unknown_step_does_nothing(mini: Flow) -> None:
    chat = mini_chat(mini, exports=lambda c: c.tap("no"))
    before = chat.state
    chat.revise("markets")
    assert chat.state == before
    chat.revise("nonsense")
    assert chat.state == before


def test_summary_rows(mini: Flow) -> None:
    chat = mini_chat(mini)
    assert summary(mini, chat.state, "fr") == [
        ("company", "Nom ?", "Acme"),
        ("staff", "Salariés d'Acme ?", "12\u00a0salariés"),
        ("sector", "Secteur ?", "Industrie"),
        ("exports", "Exportez-vous ?", "Oui"),
        ("markets", "Marchés ?", "Europe"),
        ("share", "Part export ?", "40"),
        ("importance", "Importance ?", "5/5"),
        ("obstacles", "Freins ?", "1. Coût\u00a0; 2. Temps"),
        ("ideas", "Idées ?", "(sans réponse)"),
        ("email", "E-mail ?", "ana@example.fr"),
    ]
    english = summary(mini, chat.state, "en")
    assert english[2] == ("sector", "Sector?", "Industry")
    assert english[8] == ("ideas", "Ideas?", "(no answer)")


# --- state as data ----------------------------------------------------------------


def test_the_state_round_trips_through_json(mini: Flow) -> None:
    chat = mini_chat(
        mini,
        until="obstacles",
        company=lambda c: c.type("007"),
        sector=lambda c: c.tap("other") or c.type("Pêche « côtière »"),
        share=lambda c: c.type("3,5"),
    )
    chat.ok(chat.toggle("time"))
    states = [chat.state]
    chat2 = mini_chat(mini, until="sector")
    chat2.ok(chat2.tap("other"))
    states.append(chat2.state)
    states.append(mini_chat(mini).state)
    for state in states:
        again = ResponseState.model_validate_json(state.model_dump_json())
        assert again == state
        for key, value in state.answers.items():
            assert type(again.answers[key]) is type(value)
    assert states[0].answers["company"] == "007"
    assert states[0].answers["share"] == 3.5
    assert states[0].draft == ["time"]
    assert states[1].awaiting_other


def test_a_resumed_state_goes_on_where_it_stopped(mini: Flow) -> None:
    chat = mini_chat(mini, until="markets")
    chat.ok(chat.toggle("eu"))
    resumed = Chat(mini, "fr", ResponseState.model_validate_json(chat.state.model_dump_json()))
    assert resumed.prompt == chat.prompt
    resumed.ok(resumed.confirm())
    assert resumed.current == "share"


def test_seq_rises_at_every_change_and_the_prompt_carries_it(mini: Flow) -> None:
    chat = Chat(mini)
    seen = [chat.state.seq]
    steps: list[Callable[[], object]] = [
        chat.ack,
        lambda: chat.type("Acme"),
        lambda: chat.type("5"),
        chat.back,
        lambda: chat.type("6"),
        lambda: chat.tap("other"),
        lambda: chat.type("Pêche"),
        lambda: chat.tap("yes"),
        lambda: chat.toggle("eu"),
        lambda: chat.toggle("eu"),
        lambda: chat.toggle("asia"),
        chat.confirm,
        chat.skip,
        lambda: chat.tap("1"),
        lambda: chat.toggle("time"),
        lambda: chat.toggle("cost"),
        chat.confirm,
        chat.skip,
        lambda: chat.revise("company"),
        lambda: chat.type("Acme SA"),
    ]
    for act in steps:
        assert act() is None
        assert chat.state.seq > seen[-1]
        seen.append(chat.state.seq)
        if not chat.state.finished:
            assert chat.prompt.seq == chat.state.seq
    assert chat.state.finished


def test_engine_functions_do_not_change_the_state_they_are_given(mini: Flow) -> None:
    chat = mini_chat(mini, until="markets")
    frozen = chat.state.model_dump()
    toggle(mini, chat.state, "eu", "fr")
    confirm(mini, chat.state, "fr")
    back(mini, chat.state)
    answer(mini, chat.state, ["eu"], "fr")
    assert chat.state.model_dump() == frozen


def test_a_state_on_a_step_no_longer_in_the_flow_is_not_a_crash(mini: Flow) -> None:
    state = ResponseState(current="gone", history=["welcome"])
    assert prompt(mini, state, "fr") is None
    assert answer_text(mini, state, "x", "fr").error is not None


def test_prompts_show_only_visible_steps_in_the_bundled_flow(bundled: Flow) -> None:
    chat = Chat(bundled)
    chat.ok(chat.type("Acme"))
    ids = {s.id for s in visible_steps(bundled, chat.state)}
    assert "export_plans" not in ids
    assert "interns_n" not in ids and "apprentices_n" not in ids
    assert "had_interns" in ids
    assert "Acme" in chat.prompt.text


@pytest.mark.parametrize(
    ("lang", "example"), [("fr", "Nom de l’entreprise"), ("en", "Company name")]
)
def test_a_free_text_carries_its_placeholder_and_nothing_else_does(
    bundled_flow: Flow, lang: str, example: str
) -> None:
    """The flow's example of an answer, for a channel with fields (the web page)."""
    chat = Chat(bundled_flow, lang)
    while chat.prompt.kind == Kind.INFO:
        chat.ok(chat.ack())
    assert (chat.current, chat.prompt.placeholder) == ("company_name", example)
    chat.ok(chat.type("Acme"))
    assert chat.current == "sector" and chat.prompt.placeholder is None
