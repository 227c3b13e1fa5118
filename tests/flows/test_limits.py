"""Telegram's limits checked when a flow is loaded, and every problem of a file in one pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import FlowFileError, load_flow, split_blocks, validate_file
from flows.limits import MESSAGE_LIMIT, shown_length

HEAD = """\
id: limits
version: 1
title: Limits
"""


def flow_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "limits.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def one_step(step: str) -> str:
    return "sections:\n  - id: main\n    title: Main\n    steps:\n" + step


def test_a_question_over_the_limit_is_an_error_with_its_location(tmp_path: Path) -> None:
    question = "Pourquoi ? " * 500  # 5,500 characters
    path = flow_file(
        tmp_path,
        one_step(f'      - id: why\n        type: yes_no\n        text: "{question.strip()}"\n'),
    )
    with pytest.raises(FlowFileError) as caught:
        load_flow(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.where) == (10, "question 'why'")
    assert "more than a Telegram message (4,096)" in problem.message


def test_a_piped_answer_counts_at_its_longest(tmp_path: Path) -> None:
    steps = (
        "      - id: story\n        type: long_text\n        max_length: 4000\n"
        '        text: "Racontez."\n'
        '      - id: title\n        type: text\n        text: "Vous avez écrit {story}. Un titre ?"\n'
    )
    (problem,) = validate_file(flow_file(tmp_path, one_step(steps)))
    assert problem.line == 14 and problem.where == "question 'title'"
    assert "piped answers at their longest" in problem.message


def test_a_long_answer_that_overflows_the_summary_says_which_max_length_fits(
    tmp_path: Path,
) -> None:
    text = "Décrivez votre projet. " * 6
    steps = f'      - id: story\n        type: long_text\n        max_length: 4000\n        text: "{text}"\n'
    (problem,) = validate_file(flow_file(tmp_path, one_step(steps)))
    assert "in the summary" in problem.message
    assert "lower max_length to 3,9" in problem.message


def test_a_long_button_label_is_a_warning_and_the_flow_loads(tmp_path: Path) -> None:
    label = "Une très longue étiquette de bouton, trop long"[:45]
    steps = (
        "      - id: pick\n        type: single_choice\n        text: Choisir ?\n"
        "        choices:\n          - {code: a, label: Court}\n"
        f'          - {{code: b, label: "{label}"}}\n'
    )
    path = flow_file(tmp_path, one_step(steps))
    (problem,) = validate_file(path)
    assert problem.warning and problem.line == 13
    assert str(problem).startswith(f"{path}:13: warning: question 'pick': button label of 45")
    load_flow(path)  # a warning does not stop the bot


def test_a_notice_in_paragraphs_is_fine_and_one_paragraph_too_long_is_not(
    tmp_path: Path,
) -> None:
    paragraph = "Vos réponses & vos droits <importants>. " * 60  # 2,400 each
    body = 'consent: "{0}\\n\\n{0}\\n\\n{0}"\n' + one_step(
        "      - id: ok\n        type: yes_no\n        text: D'accord ?\n"
    )
    assert validate_file(flow_file(tmp_path, body.format(paragraph.strip()))) == []
    (problem,) = validate_file(flow_file(tmp_path, body.format(paragraph.strip() * 2)))
    assert problem.line == 4 and "a paragraph of" in problem.message
    assert "break it into paragraphs with a blank line" in problem.message


def test_every_language_is_measured_and_named(tmp_path: Path) -> None:
    body = (
        "languages: [fr, en]\ntitle: {fr: T, en: T}\n"
        f'intro: {{fr: "Bonjour", en: "{"Hello. " * 700}"}}\n'
        "sections:\n  - id: main\n    title: {fr: Main, en: Main}\n    steps:\n"
        "      - id: ok\n        type: yes_no\n        text: {fr: 'Oui ?', en: 'Yes?'}\n"
    )
    path = tmp_path / "two.yaml"
    path.write_text(HEAD.replace("title: Limits\n", "") + body, encoding="utf-8")
    (problem,) = validate_file(path)
    assert problem.line == 5 and problem.message.startswith("(en) a paragraph of 4,9")


def test_the_split_prefers_a_paragraphs_end_and_keeps_every_line() -> None:
    lines = ["a" * 1500, "", "b" * 1500, "c" * 1500, "", "d" * 10]
    parts = split_blocks(lines)
    assert parts == ["a" * 1500, "b" * 1500 + "\n" + "c" * 1500 + "\n\n" + "d" * 10]
    assert all(shown_length(part) <= MESSAGE_LIMIT for part in parts)
    assert shown_length("👍") == 2  # Telegram counts UTF-16 code units


def test_faults_inside_choices_do_not_hide_the_others(tmp_path: Path) -> None:
    steps = (
        "      - id: pick\n        type: single_choice\n        text: Choisir ?\n"
        "        choices:\n          - {code: a, label: A}\n          - {code: a, label: B}\n"
        '          - {code: "Bad Code", label: C}\n'
        "      - id: then\n        type: yes_no\n        text: Et {pic} ?\n"
        "        show_if: {question: pick, equals: zz}\n"
        "      - id: answer\n        type: yes_no\n        text: Et ?\n"
        "        required: maybe\n"
    )
    problems = validate_file(flow_file(tmp_path, one_step(steps)))
    messages = [(p.line, p.message.split(";")[0].split(" (")[0]) for p in problems]
    assert messages == [
        (13, "duplicate choice code 'a'"),
        (14, "code 'Bad Code' must be lowercase ASCII letters, digits and '_'"),
        (17, "piped name '{pic}' is not an earlier question"),
        (18, "unknown choice 'zz' in condition on 'pick'"),
        (22, "'required' should be true or false, got 'maybe'"),
    ]


def echo_flow(title: str, max_length: int) -> str:
    """A long text under a long section title: once answered, the question stays in the chat
    with its answer, under its progress line and that title."""
    return (
        f"sections:\n  - id: main\n    title: {title}\n    steps:\n"
        "      - id: story\n        type: long_text\n"
        f"        max_length: {max_length}\n"
        f'        text: "{"Décrivez votre projet. " * 4}"\n'
    )


def test_the_answered_question_counts_its_progress_line_and_section_title(
    tmp_path: Path,
) -> None:
    title = "T" * 200
    # The question and its longest answer fit the summary (3,898 of 4,096), not the chat's
    # echo, which has the progress line and the 200-character title above them.
    (problem,) = validate_file(flow_file(tmp_path, echo_flow(title, 3800)))
    assert problem.line == 11 and problem.where == "question 'story'"
    assert "once answered (under its progress line and section title)" in problem.message
    assert "in the summary" in problem.message
    fits = int(problem.message.rsplit("lower max_length to ", 1)[1].replace(",", ""))
    assert 3500 < fits < 3800
    assert validate_file(flow_file(tmp_path, echo_flow(title, fits))) == []
    assert validate_file(flow_file(tmp_path, echo_flow(title, fits + 1)))


def test_an_information_step_too_long_is_told_to_become_several(tmp_path: Path) -> None:
    text = "Un texte explicatif. " * 230  # 4,830 characters
    steps = f'      - id: about\n        type: info\n        text: "{text.strip()}"\n'
    (problem,) = validate_file(flow_file(tmp_path, one_step(steps)))
    assert problem.where == "question 'about'" and "the information step" in problem.message
    assert problem.message.endswith("split it into several info steps, one after the other")
    assert "info step before it" not in problem.message  # not a circle
