"""Stage codes given twice: said once, in one sentence, with where the first one is."""

from __future__ import annotations

from pathlib import Path

from flows import validate_file

STAGES = (
    "stages:\n"
    "  - code: pithiviers\n"
    "    city: Pithiviers\n"
    "  - code: evreux\n"
    "    city: Évreux\n"
    "  - code: Pithiviers\n"
    "    city: Pithiviers\n"
)


def test_a_code_differing_only_by_case_is_said_once_with_the_first_ones_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(STAGES, encoding="utf-8")
    assert [str(problem) for problem in validate_file(path)] == [
        f"{path}:6: stage 'Pithiviers': code differs only by case from 'pithiviers' "
        "(line 2): links read codes whatever their case, so give each stage its own"
    ]


def test_it_is_said_beside_the_files_other_problems(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(STAGES.replace("    city: Évreux\n", ""), encoding="utf-8")
    assert [(problem.line, problem.message) for problem in validate_file(path)] == [
        (4, "missing required key 'city'"),
        (
            5,
            "code differs only by case from 'pithiviers' (line 2): links read codes "
            "whatever their case, so give each stage its own",
        ),
    ]
