"""`stage_flow_problems`: a stage's `flow:` holding a flow's audience code is told the id
it means, by the check itself, whatever command reports it."""

from __future__ import annotations

from pathlib import Path

from flows import bundled_path, load_flow, stage_flow_problems

ACTORS = "tour_innov_2019_acteurs"
STAGES = "stages:\n  - code: issoudun\n    city: Issoudun\n    flow: {flow}\n"


def test_an_audience_code_is_told_the_id_of_its_flow(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    flows = [load_flow(bundled_path(name)) for name in ("questionnaire.yaml", "acteurs.yaml")]
    path.write_text(STAGES.format(flow="territoire"), encoding="utf-8")
    for configured in (False, True):  # the settings' flows or those given: the same hint
        found = stage_flow_problems(path, flows, configured=configured)
        assert [str(problem) for problem in found] == [
            f"{path}:4: stage 'issoudun': unknown flow 'territoire'; 'territoire' is the "
            f"audience of {ACTORS}: write flow: {ACTORS}"
        ]


def test_an_audience_of_no_flow_given_is_an_unknown_flow(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(STAGES.format(flow="territoire"), encoding="utf-8")
    # Only the companies' questionnaire: 'territoire' is no audience of its flows.
    found = stage_flow_problems(path, [load_flow(bundled_path("questionnaire.yaml"))])
    assert [problem.message for problem in found] == [
        "unknown flow 'territoire'; the flows are: tour_innovation_2019 "
        "(give one of their ids, or leave 'flow:' out)"
    ]
