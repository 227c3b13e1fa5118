"""`stage_flow_problems`: a stage's `flow:` checked from the file as written, whatever else is wrong."""

from __future__ import annotations

from pathlib import Path

from flows import load_flow, stage_flow_problems
from tests.conftest import MINI

STAGES = (
    "stages:\n"
    "  - code: a b\n"  # not a code: the file does not load
    "    city: A\n"
    "    flow: nope\n"
    "  - code: b\n"
    "    flow: mini\n"  # no city
    "  - code: c\n"
    "    city: C\n"
    "    flow: Not An Id\n"  # the file's own problem, said by its loading
)


def test_the_stages_of_a_file_that_does_not_load_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(STAGES, encoding="utf-8")
    found = stage_flow_problems(path, [load_flow(MINI)])
    assert [str(problem) for problem in found] == [
        f"{path}:4: stage 'a b': unknown flow 'nope'; the flows are: mini "
        "(give one of their ids, or leave 'flow:' out)"
    ]


def test_a_flow_file_that_does_not_load_counts_by_its_written_id(tmp_path: Path) -> None:
    stages = tmp_path / "stages.yaml"
    stages.write_text(STAGES.replace("flow: nope", "flow: other"), encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text("id: other\nversion: x\n", encoding="utf-8")
    assert stage_flow_problems(stages, [load_flow(MINI), other, stages]) == []
    # With no id to read, no stage can be said to name an unknown flow.
    other.write_text("id: [other]\n", encoding="utf-8")
    assert stage_flow_problems(stages, [load_flow(MINI), other]) == []


def test_a_file_that_is_no_stages_file_has_none(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("stages: [unclosed\n", encoding="utf-8")
    assert stage_flow_problems(path, [load_flow(MINI)]) == []
    assert stage_flow_problems(MINI, [load_flow(MINI)]) == []
