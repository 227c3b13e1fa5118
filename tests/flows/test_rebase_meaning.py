"""Carrying a response onto a version where a question kept its id but not its meaning.

versions_v1.yaml's `rating` is a scale from 1 to 5; here version 2 asks it from 0 to
10, and `staff` in thousands of employees. A 4 given on the first scale still fits
the second, but is not the same 4: an unfinished response drops it, and the engine
takes the respondent back to it once the rest is answered (`reviewing`), as for an
answer the new version refuses. A finished response keeps it as given.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import flows
from flows import Flow, ResponseState, effective_answers, prompt, rebase
from flows.state import meaning_changed
from tests.flows.test_rebase import FULL, UNTIL_RATING, play

FIXTURES = Path(__file__).parent / "fixtures"
RATING = '      - id: rating\n        type: scale\n        text: {fr: "Note ?", en: "Rating?"}\n'


def version_2(tmp_path: Path, rating: str, staff: str = "") -> Flow:
    text = (FIXTURES / "versions_v1.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1\n", "version: 2\n").replace(RATING, RATING + rating)
    text = text.replace("        max: 10000\n", "        max: 10000\n" + staff)
    path = tmp_path / "versions_v2_meaning.yaml"
    path.write_text(text, encoding="utf-8")
    return flows.load_flow(path)


@pytest.fixture(scope="module")
def v1() -> Flow:
    return flows.load_flow(FIXTURES / "versions_v1.yaml")


@pytest.fixture
def rescaled(tmp_path: Path) -> Flow:
    """Version 2: rating from 0 to 10, staff in thousands."""
    return version_2(tmp_path, "        min: 0\n        max: 10\n", "        unit: milliers\n")


def test_a_scale_answer_whose_range_changed_is_asked_again(v1: Flow, rescaled: Flow) -> None:
    old = play(v1, [*UNTIL_RATING, "tap:4"])  # on ideas, the last question
    assert old.current == "ideas" and old.answers["rating"] == 4
    new = rebase(rescaled, old, v1)
    assert "rating" not in new.answers and "staff" not in new.answers
    assert new.answers["company"] == "Acme"
    # Still on ideas; then back to each question whose meaning changed.
    assert new.current == "ideas"
    after = play(rescaled, ["skip"], new)
    shown = prompt(rescaled, after, "fr")
    assert shown is not None and shown.step_id == "staff" and after.reviewing
    after = play(rescaled, ["type:2"], after)
    shown = prompt(rescaled, after, "fr")
    assert shown is not None and shown.step_id == "rating"
    assert [code for code, _ in shown.choices][:2] == ["0", "1"]
    done = play(rescaled, ["tap:7"], after)
    assert done.finished and effective_answers(rescaled, done)["rating"] == 7


def test_without_the_earlier_version_the_answer_stays(v1: Flow, rescaled: Flow) -> None:
    """As before: a caller that does not know which version the state was saved under."""
    old = play(v1, [*UNTIL_RATING, "tap:4"])
    assert rebase(rescaled, old).answers["rating"] == 4


def test_a_finished_response_keeps_its_answer_as_given(v1: Flow, rescaled: Flow) -> None:
    old = play(v1, FULL)
    assert old.finished
    new = rebase(rescaled, old, v1)
    assert new.finished and new.answers["rating"] == 4 and new.answers["staff"] == 120


def test_dont_know_and_a_scale_whose_ends_kept_their_places_stay(tmp_path: Path, v1: Flow) -> None:
    relabelled = version_2(tmp_path, '        max_label: {fr: "Très bien", en: "Very good"}\n')
    assert meaning_changed(v1, relabelled) == frozenset()
    old = play(v1, [*UNTIL_RATING, "tap:4"])
    assert rebase(relabelled, old, v1).answers["rating"] == 4

    both = version_2(tmp_path, "        min: 0\n        max: 10\n        dont_know: true\n")
    with_dont_know = play(both, [*UNTIL_RATING, "tap:dont_know"])
    back_to_1_5 = version_2(tmp_path, "        dont_know: true\n")
    assert meaning_changed(both, back_to_1_5) == {"rating"}
    kept = rebase(back_to_1_5, with_dont_know, both)
    assert isinstance(kept, ResponseState) and kept.answers["rating"] == "dont_know"


def _with_unit(tmp_path: Path, version: int, unit: str) -> Flow:
    text = (FIXTURES / "versions_v1.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1\n", f"version: {version}\n")
    text = text.replace("        max: 10000\n", "        max: 10000\n" + unit)
    path = tmp_path / f"unit_v{version}.yaml"
    path.write_text(text, encoding="utf-8")
    return flows.load_flow(path)


def test_a_unit_only_translated_keeps_the_answer_and_another_unit_drops_it(
    tmp_path: Path,
) -> None:
    v1 = _with_unit(tmp_path, 1, "        unit: salariés\n")
    translated = _with_unit(tmp_path, 2, "        unit: {fr: salariés, en: employees}\n")
    other = _with_unit(tmp_path, 3, "        unit: {fr: milliers, en: thousands}\n")
    given = play(v1, [*UNTIL_RATING, "tap:4"])
    assert given.answers["staff"] == 120

    assert rebase(translated, given, v1).answers.get("staff") == 120
    assert "staff" not in rebase(other, given, v1).answers
