"""A condition sound in each of its parts but never true as a whole is warned of at its line:
what it guards would be hidden from every respondent, and no one would notice until the
export came back without that column filled."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import load_flow, validate_file
from tests.flows.test_organiser_slips import EMAIL_CONDITION, mini_with, refused


def warned(path: Path) -> list[tuple[int | None, str, str | None]]:
    """The warnings `validate` says of `path`, which still loads: a flow already running
    with a question never shown must go on starting."""
    load_flow(path)
    return [(p.line, p.message, p.where) for p in validate_file(path) if p.warning]


@pytest.mark.parametrize(
    ("condition", "named"),
    [
        (
            '{all: [{question: exports, equals: "yes"}, {question: exports, equals: "no"}]}',
            "'exports'",
        ),
        ("{all: [{question: importance, min: 4}, {question: importance, max: 2}]}", "'importance'"),
        ("{all: [{question: staff, equals: 12}, {not: {question: staff, min: 10}}]}", "'staff'"),
        (
            "{all: [{question: sector, answered: false}, {question: sector, in: [industry, services]}]}",
            "'sector'",
        ),
        (
            "{all: [{not: {question: markets, answered: true}}, {question: markets, equals: eu}]}",
            "'markets'",
        ),
        (
            "{all: [{question: company, equals: Acme}, {question: company, equals: Globex}]}",
            "'company'",
        ),
        (  # two questions, each impossible only beside the other's part
            "{all: [{any: [{question: exports, equals: 'yes'}, {question: staff, min: 5}]}, "
            "{not: {question: exports, answered: true}}, {question: staff, max: 4}]}",
            "'exports' and 'staff'",
        ),
    ],
)
def test_a_condition_whose_parts_exclude_each_other_is_warned_of(
    tmp_path: Path, condition: str, named: str
) -> None:
    path = mini_with(tmp_path, EMAIL_CONDITION, f"show_if: {condition}")

    message = f"no answers to {named} make this condition true, so this question is never shown"
    assert warned(path) == [(82, message, "question 'email'")]


def test_a_section_never_shown_is_warned_of_at_its_condition(tmp_path: Path) -> None:
    path = mini_with(
        tmp_path,
        "  - id: views\n",
        "  - id: views\n    show_if: {all: [{question: exports, equals: 'yes'}, "
        "{question: exports, equals: 'no'}]}\n",
    )

    # The email's condition names the section's question, never answered either: that is
    # said once, where it starts, not again at each question that follows from it.
    assert [(message, where) for _, message, where in warned(path)] == [
        (
            "no answers to 'exports' make this condition true, so this section is never shown",
            "section 'views'",
        ),
    ]


@pytest.mark.parametrize(
    ("condition", "named"),
    [
        # markets is asked of exporters only (its own show_if): never with exports "no"
        (
            "{all: [{question: exports, equals: 'no'}, {question: markets, equals: eu}]}",
            "'exports' and 'markets' make this condition true, given when they are",
        ),
        # share is asked only when markets is not "none"
        (
            "{all: [{question: markets, equals: none}, {question: share, min: 10}]}",
            "'markets' and 'share' make this condition true, given when they are",
        ),
    ],
)
def test_a_condition_on_answers_never_given_together_is_warned_of(
    tmp_path: Path, condition: str, named: str
) -> None:
    path = mini_with(tmp_path, EMAIL_CONDITION, f"show_if: {condition}")

    message = f"no answers to {named} asked, so this question is never shown"
    assert warned(path) == [(82, message, "question 'email'")]


@pytest.mark.parametrize(
    "condition",
    [
        # Each of these holds for some answers: nothing to report.
        "{all: [{question: exports, equals: 'yes'}, {not: {question: markets, equals: none}}]}",
        "{all: [{question: markets, equals: eu}, {question: markets, equals: asia}]}",  # ticks
        "{all: [{question: obstacles, equals: cost}, {question: obstacles, equals: time}]}",
        "{all: [{question: staff, min: 10}, {question: staff, max: 10}]}",
        "{all: [{question: sector, answered: true}, {not: {question: sector, in: [industry]}}]}",
        "{all: [{not: {question: company, equals: Acme}}, {question: company, answered: true}]}",
        "{not: {question: exports, answered: true}}",
        "{question: importance, equals: dont_know}",  # a scale's "don't know" is a code
        "{all: [{question: importance, in: [4, dont_know]}, {not: {question: importance, min: 4}}]}",
        "{question: staff, in: [" + "9" * 400 + ", 12]}",  # past a float: no traceback
        "{question: staff, equals: 1152921504606846977}",  # 2⁶⁰ + 1, not its float
        "{any: [{question: exports, equals: 'yes'}, {question: exports, equals: 'no'}]}",
        "{all: [{question: exports, equals: 'yes'}, {question: markets, equals: eu}]}",
        "{all: [{not: {question: exports, equals: 'yes'}}, {not: {question: markets, equals: eu}}]}",
    ],
)
def test_a_condition_some_answers_meet_is_accepted(tmp_path: Path, condition: str) -> None:
    path = mini_with(tmp_path, EMAIL_CONDITION, f"show_if: {condition}")

    assert warned(path) == []


def test_a_condition_naming_forty_ticks_is_checked_at_once(tmp_path: Path) -> None:
    """Every set of forty ticks is 2⁴⁰ answers to try: such a condition is not tried."""
    codes = [f"c{index}" for index in range(40)]
    choices = "".join(
        f"          - {{code: {code}, label: {{fr: {code}, en: {code}}}}}\n" for code in codes
    )
    path = mini_with(tmp_path, "          - {code: eu, label: {fr: Europe, en: Europe}}\n", choices)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            EMAIL_CONDITION,
            f"show_if: {{all: [{{question: markets, in: [{', '.join(codes)}]}}, "
            "{question: markets, answered: true}]}",
        ),
        encoding="utf-8",
    )

    assert warned(path) == []


def test_a_condition_refused_for_a_part_is_not_also_warned_of(tmp_path: Path) -> None:
    """`maybe` is no answer to `exports`: the one problem said is that."""
    condition = "{all: [{question: exports, equals: maybe}, {question: exports, equals: 'no'}]}"
    path = mini_with(tmp_path, EMAIL_CONDITION, f"show_if: {condition}")

    assert [(message[:30], where) for _, message, where in refused(path)] == [
        ("unknown choice 'maybe' in cond", "question 'email'")
    ]
    assert not [p for p in validate_file(path) if p.warning]


FIXTURES = Path(__file__).parent / "fixtures" / "never_true"


@pytest.mark.parametrize(
    "name",
    [
        "gap",  # a decimal above 0 and under 0.5: between two bounds half a unit apart
        "dont_know",  # a scale's "don't know": answered, yet neither at most 3 nor at least 3
        "huge_bound",  # above 1e16, where 1e16 + 1 is 1e16 as a float
    ],
)
def test_a_condition_some_answer_meets_is_not_warned_of(name: str) -> None:
    assert warned(FIXTURES / f"{name}.yaml") == []


def test_a_contradiction_behind_a_long_chain_of_follow_ups_is_still_warned_of() -> None:
    # Four follow-ups deep, its guards name more combinations than are tried: the condition
    # alone, each answer counting, is never true either.
    assert warned(FIXTURES / "chain.yaml") == [
        (
            20,
            "no answers to 'sector' make this condition true, so this question is never shown",
            "question 't'",
        )
    ]


def test_a_faulty_condition_is_said_once_not_at_each_question_that_follows_from_it() -> None:
    problems = validate_file(FIXTURES / "cascade.yaml")
    assert [(p.line, p.warning) for p in problems] == [(13, False)]
    assert "unknown choice 'yess'" in problems[0].message


def test_a_contradiction_of_its_own_is_said_even_behind_a_question_never_shown() -> None:
    # 'markets' is never shown (said at its line); 'why' needs a size at least 10 and at most
    # 5 whatever 'markets' is: its own fault, said too.
    assert [line for line, _, _ in warned(FIXTURES / "own_fault_behind.yaml")] == [15, 19]
