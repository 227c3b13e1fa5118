"""The bundled questionnaires read as a survey methodologist would (flows/data/README.md).

Each test is one rule of the notes: a way out for whoever has nothing to choose,
5-point scales labelled at every point, "up to N" that never forces N, the size
bands, the founding year, the order of the recruitment questions, who is asked
about international skills, the typography and the button lengths. A flow that
breaks a rule fails here with the question named.
"""

from __future__ import annotations

import itertools
import re

import pytest
from click.testing import CliRunner

from bot.cli import main
from flows import (
    Flow,
    ResponseState,
    answer,
    bundled_path,
    effective_answers,
    rebase,
    start,
)
from flows.model import (
    Choice,
    MultipleChoiceStep,
    NumberStep,
    RankingStep,
    ScaleStep,
    SingleChoiceStep,
    Step,
    YesNoStep,
)
from tests.bot.test_cli_validate import template_notice
from tests.flows.test_bundled_flow import FLOWS, NAMES, walk

COMPANY = FLOWS["questionnaire.yaml"]
ACTORS = FLOWS["acteurs.yaml"]
SURVEY_YEAR = 2019
POINTS = ["1", "2", "3", "4", "5"]
# Answers that say "nothing here applies to me" rather than a substantive choice.
WAY_OUT = {"none", "dont_know", "not_applicable", "no_answer", "nothing", "not_leaving"}
# Questions without a way out, and why a respondent can always answer them.
EXHAUSTIVE = {
    "headcount": "the bands cover every size, from no employees up",
    "sme_contact": "'Jamais' (never) is the answer for whoever has no contact",
    "collab_kinds": "asked only of those who said they have ties; 'other' covers the rest",
}


def steps(kind: type[Step]) -> list[tuple[str, Step]]:
    return [(name, s) for name in NAMES for s in FLOWS[name].steps() if isinstance(s, kind)]


def ids(pairs: list[tuple[str, Step]]) -> list[str]:
    return [f"{name.split('.')[0]}-{step.id}" for name, step in pairs]


def is_scale(step: SingleChoiceStep) -> bool:
    return any(choice.code in POINTS for choice in step.choices)


SINGLE = steps(SingleChoiceStep)
MULTIPLE = steps(MultipleChoiceStep)
SCALES = [(n, s) for n, s in SINGLE if isinstance(s, SingleChoiceStep) and is_scale(s)]


@pytest.mark.parametrize("name", NAMES)
def test_validate_passes_with_only_the_notice_to_rewrite(name: str) -> None:
    path = bundled_path(name)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    # The notice is a template for the organiser: warned at its line, but the file is valid.
    assert result.stdout == template_notice(name)
    assert result.stderr == f"{path}: ok, 1 warning\n"


@pytest.mark.parametrize(("name", "step"), MULTIPLE, ids=ids(MULTIPLE))
def test_a_multiple_choice_lets_whoever_has_nothing_to_pick_say_so(name: str, step: Step) -> None:
    assert isinstance(step, MultipleChoiceStep)
    way_out = [c.code for c in step.choices if c.exclusive and c.code in WAY_OUT]
    assert way_out or step.id in EXHAUSTIVE, f"{step.id}: no exclusive 'none' or 'don't know'"
    assert step.other, f"{step.id}: no 'other'"
    assert step.min_selected in (None, 1), f"{step.id}: forces {step.min_selected} picks"


@pytest.mark.parametrize(("name", "step"), SINGLE, ids=ids(SINGLE))
def test_a_single_choice_has_an_answer_for_everyone(name: str, step: Step) -> None:
    assert isinstance(step, SingleChoiceStep)
    codes = {c.code for c in step.choices}
    assert step.other or codes & WAY_OUT or step.id in EXHAUSTIVE, step.id


@pytest.mark.parametrize(("name", "step"), SCALES, ids=ids(SCALES))
def test_a_five_point_scale_is_labelled_at_every_point(name: str, step: Step) -> None:
    assert isinstance(step, SingleChoiceStep)
    codes = [c.code for c in step.choices]
    assert codes[:5] == POINTS, f"{step.id}: the points are not 1 to 5 in order"
    assert set(codes[5:]) <= WAY_OUT, f"{step.id}: {codes[5:]} after the points"
    for lang in ("fr", "en"):
        labels = [FLOWS[name].text(c.label, lang) for c in step.choices[:5]]
        assert all(label.strip() for label in labels), (step.id, lang)
        assert len(set(labels)) == 5, (step.id, lang, labels)


def test_no_scale_is_labelled_only_at_its_ends_and_no_ranking_forces_a_count() -> None:
    # A `scale` shows labels at its two ends only; a `ranking` needs exactly `top` items.
    assert steps(ScaleStep) == []
    assert steps(RankingStep) == []


@pytest.mark.parametrize(("name", "step"), MULTIPLE, ids=ids(MULTIPLE))
def test_an_up_to_limit_is_said_in_the_question_in_both_languages(name: str, step: Step) -> None:
    assert isinstance(step, MultipleChoiceStep)
    flow = FLOWS[name]
    said = {lang: flow.text(step.text, lang) for lang in ("fr", "en")}
    if step.max_selected is None:
        assert "au plus" not in said["fr"] and "up to" not in said["en"], step.id
        return
    assert f"({step.max_selected}\u00a0au plus)" in said["fr"], step.id
    assert f"(up to {step.max_selected})" in said["en"], step.id


def main_then_more(flow: Flow) -> list[tuple[SingleChoiceStep, MultipleChoiceStep]]:
    """Each single choice followed by a multiple choice of the same items: "the main one,
    then up to N more" (two substantive codes in common are enough to tell)."""
    pairs = []
    for first, then in itertools.pairwise(flow.steps()):
        if isinstance(first, SingleChoiceStep) and isinstance(then, MultipleChoiceStep):
            common = {c.code for c in first.choices} & {c.code for c in then.choices}
            if len(common - WAY_OUT) >= 2:
                pairs.append((first, then))
    return pairs


def test_the_more_after_a_main_one_does_not_offer_the_main_one_again() -> None:
    # A main obstacle offered again among "up to 2 more" let a "top 3" hold two items.
    pairs = [pair for name in NAMES for pair in main_then_more(FLOWS[name])]
    assert [(first.id, then.id) for first, then in pairs] == [
        ("innov_barrier_main", "innov_barriers_more"),
        ("talent_barrier_main", "talent_barriers_more"),
    ]
    for first, then in pairs:
        assert then.except_chosen_in == first.id, then.id


def test_company_size_uses_the_insee_bands_from_zero_with_the_group_asked_apart() -> None:
    headcount = COMPANY.step("headcount")
    assert isinstance(headcount, SingleChoiceStep)
    labels = [COMPANY.text(c.label, "en") for c in headcount.choices]
    assert labels == ["No employees", "1 to 9", "10 to 49", "50 to 249", "250 or more"]
    assert isinstance(COMPANY.step("in_group"), YesNoStep)
    turnover = COMPANY.step("turnover")
    assert isinstance(turnover, SingleChoiceStep)
    assert {"dont_know", "no_answer"} <= {c.code for c in turnover.choices}


def test_the_founding_year_cannot_be_after_the_survey() -> None:
    step = COMPANY.step("year_founded")
    assert isinstance(step, NumberStep)
    state = start(COMPANY)
    state = state.model_copy(update={"current": "year_founded"})
    assert answer(COMPANY, state, SURVEY_YEAR, "fr").accepted
    refused = answer(COMPANY, state, SURVEY_YEAR + 1, "fr")
    assert not refused.accepted and refused.error


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recruitment_difficulty_comes_after_the_profiles_and_not_for_non_recruiters(
    lang: str,
) -> None:
    order = [step.id for step in COMPANY.steps()]
    assert order.index("profiles_sought") < order.index("recruit_difficulty")
    hiring = [p.step_id for p in walk(COMPANY, lang, {})]
    assert "recruit_difficulty" in hiring
    idle = [p.step_id for p in walk(COMPANY, lang, {"profiles_sought": "none"})]
    assert "recruit_difficulty" not in idle


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_only_companies_working_abroad_are_asked_about_international_skills(lang: str) -> None:
    abroad = [p.step_id for p in walk(COMPANY, lang, {"works_abroad": "yes"})]
    home = [p.step_id for p in walk(COMPANY, lang, {"works_abroad": "no"})]
    assert {"intl_skills", "training_intl", "intl_barriers_met"} <= set(abroad)
    assert not {"intl_skills", "training_intl", "intl_barriers_met"} & set(home)
    assert "intl_barriers_seen" in home and "intl_barriers_seen" not in abroad


@pytest.mark.parametrize("name", NAMES)
def test_the_departement_is_a_code_from_the_list_read_back_by_name(name: str) -> None:
    flow = FLOWS[name]
    state = start(flow).model_copy(update={"current": "departement"})
    for typed, stored in [("45", "45"), ("2a", "2A"), ("Loiret", "45"), ("974", "974")]:
        outcome = answer(flow, state, typed, "fr")
        assert outcome.accepted and outcome.state.answers["departement"] == stored, typed
    for typed in ["Pithiviers", "99", "975"]:
        assert not answer(flow, state, typed, "fr").accepted, typed


@pytest.mark.parametrize("name", NAMES)
def test_only_the_name_and_the_email_are_personal(name: str) -> None:
    personal = {step.id for step in FLOWS[name].steps() if step.personal}
    expected = {"company_name", "email"} if name == "questionnaire.yaml" else {"org_name", "email"}
    assert personal == expected


def test_the_companies_notice_is_unchanged_so_no_one_is_asked_again() -> None:
    # The fingerprint of version 1's notice: a changed notice is put to respondents again.
    assert COMPANY.consent_version == "e7a1d1f73fb7"


def test_answers_to_unchanged_questions_are_carried_from_version_one() -> None:
    given = {
        "company_name": "Exemple SARL",
        "sector": "agrifood",
        "headcount": "h10_49",
        "territory": "Pithiviers",
        "innovation_barriers": ["funding", "time", "skills"],
        "training_needs": 4,
        "works_abroad": "yes",
    }
    old = ResponseState(current="role", history=list(given), answers=given)
    kept = effective_answers(COMPANY, rebase(COMPANY, old))
    assert kept == {
        "company_name": "Exemple SARL",
        "sector": "agrifood",
        "headcount": "h10_49",
        "works_abroad": "yes",
    }


# --- the file's conventions --------------------------------------------------------------

PLAIN_SPACE_BEFORE = re.compile(r" [?!:;»%]|« ")


def texts(flow: Flow, lang: str) -> list[tuple[str, str]]:
    """(where, text) for every text a respondent reads in `lang`.

    The companies' notice is left out: it is version 1's byte for byte, spaces
    included, because a notice that changes is put to every respondent again.
    """
    kept = ("intro", "outro") if flow is COMPANY else ("intro", "consent", "outro")
    found = [(key, flow.text(getattr(flow, key), lang)) for key in kept]
    for step in flow.steps():
        for text in (step.text, step.help, getattr(step, "placeholder", None)):
            if text is not None:
                found.append((step.id, flow.text(text, lang)))
        for label in button_labels(flow, step, lang):
            found.append((step.id, label))
    return found


def button_labels(flow: Flow, step: Step, lang: str) -> list[str]:
    choices: list[Choice] = list(getattr(step, "choices", []))
    labels = [flow.text(choice.label, lang) for choice in choices]
    other = getattr(step, "other_label", None)
    return labels + ([flow.text(other, lang)] if other is not None else [])


@pytest.mark.parametrize("name", NAMES)
def test_french_typography_has_its_no_break_spaces_and_english_none(name: str) -> None:
    flow = FLOWS[name]
    bad = [(where, text) for where, text in texts(flow, "fr") if PLAIN_SPACE_BEFORE.search(text)]
    assert bad == []
    assert [where for where, text in texts(flow, "en") if "\u00a0" in text] == []


@pytest.mark.parametrize("name", NAMES)
def test_button_labels_fit_on_a_phone(name: str) -> None:
    flow = FLOWS[name]
    long = [
        (step.id, label)
        for lang in ("fr", "en")
        for step in flow.steps()
        for label in button_labels(flow, step, lang)
        if len(label) > 30
    ]
    assert long == []


def test_each_flow_names_its_audience_and_gives_the_same_information_notice() -> None:
    assert COMPANY.audience is not None and ACTORS.audience is not None
    assert (COMPANY.audience.code, ACTORS.audience.code) == ("entreprise", "territoire")
    assert (COMPANY.id, COMPANY.version) == ("tour_innovation_2019", 6)
    assert (ACTORS.id, ACTORS.version) == ("tour_innov_2019_acteurs", 4)
    for lang in ("fr", "en"):
        assert len(ACTORS.text(ACTORS.audience.label, lang)) <= 30
        headings = [
            [line.split(":")[0] for line in flow.text(flow.consent or "", lang).splitlines()]
            for flow in (COMPANY, ACTORS)
        ]
        assert headings[0] == headings[1]
        assert sum(line.startswith("•") for line in headings[0]) == 5


@pytest.mark.parametrize("flow", [COMPANY, ACTORS], ids=["companies", "actors"])
def test_the_thanks_name_the_erase_button_every_channel_has(flow: Flow) -> None:
    """Not "depuis le menu du questionnaire": the web page has no menu, only its buttons."""
    assert flow.outro is not None
    said = {lang: flow.text(flow.outro, lang) for lang in ("fr", "en")}
    assert "«\u00a0Effacer mes réponses\u00a0»" in said["fr"] and "menu" not in said["fr"]
    assert "“Erase my answers”" in said["en"] and "menu" not in said["en"]
