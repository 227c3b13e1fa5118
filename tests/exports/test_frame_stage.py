"""`load_responses(stage=...)` reads a stage code as `surveybot export --stage` does:
whatever its case, and a typo refused naming the known stages, never an empty frame.

The stages file is the bundled one unless `stages` names another, as `--stages` does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exports import ExportError, load_responses
from flows import bundled_path, load_stages
from tests.conftest import MINI
from tests.exports.conftest import STAGES_FILE, Filled, by_key, invoke, read_csv


def keys(frame: pd.DataFrame) -> list[str]:
    return list(frame.response_key)


def test_a_stage_is_found_whatever_its_case_as_the_command_finds_it(filled: Filled) -> None:
    cli = invoke("--db", filled.path, "--flow", MINI, "--stage", "Aubenas")
    assert cli.exit_code == 0, cli.output
    expected = list(by_key(read_csv(cli.stdout_bytes)))
    assert expected == [filled.asia.key]
    for typed in ("aubenas", "Aubenas", "AUBENAS"):
        frame = load_responses(filled.path, MINI, stage=typed, stages=STAGES_FILE)
        assert keys(frame) == expected, typed
        assert frame.stage_code.tolist() == ["aubenas"]
    listed = load_stages(STAGES_FILE)
    assert keys(load_responses(filled.path, MINI, stage=["PITHIVIERS"], stages=listed)) == [
        filled.acme.key
    ]


def test_the_bundled_stages_file_by_default_and_the_codes_responses_carry(
    filled: Filled,
) -> None:
    assert "aubenas" not in {s.code for s in load_stages(bundled_path("stages.yaml"))}
    # Carried by a response: kept, as the command keeps it.
    assert keys(load_responses(filled.path, MINI, stage="aubenas")) == [filled.asia.key]
    # In the bundled file: whatever its case.
    assert keys(load_responses(filled.path, MINI, stage="Pithiviers")) == [filled.acme.key]


def test_a_typo_is_refused_naming_the_known_stages(filled: Filled, tmp_path: Path) -> None:
    cli = invoke("--db", filled.path, "--flow", MINI, "--stage", "aubena")
    assert cli.exit_code == 1
    with pytest.raises(ValueError) as raised:
        load_responses(filled.path, MINI, stage="aubena", stages=STAGES_FILE)
    assert isinstance(raised.value, ExportError)
    message = str(raised.value)
    assert message == (
        f"unknown stage 'aubena': it is not in the stages file {STAGES_FILE} and no "
        "response carries it; did you mean 'aubenas' (Aubenas)? known stages: pithiviers, "
        "le-creusot, aubenas, vierzon"
    )
    assert cli.output.endswith("known stages: pithiviers, le-creusot, aubenas, vierzon\n")
    with pytest.raises(ValueError, match=r"unknown stage 'Aubena'.*bundled stages file"):
        load_responses(filled.path, MINI, stage=["pithiviers", "Aubena"])
