"""An export with no response row says why, naming only the filters given.

The files are still written, with their header row (a script reading them
finds the columns it expects); standard error says so, and does not call a
file with no answer in it personal data.
"""

from __future__ import annotations

from pathlib import Path

from storage import Store
from tests.conftest import MINI
from tests.exports.conftest import Filled, invoke, read_csv
from tests.support.personal_flow import write_personal_mini


def _lines(stderr: str) -> list[str]:
    return stderr.splitlines()


def test_status_all_on_a_flow_without_responses_says_there_is_none_yet(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "responses.csv"
    flow_file = write_personal_mini(tmp_path)
    result = invoke(
        "--db", store.path, "--flow", flow_file, "--status", "all", "--include-personal",
        "-o", out,
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    frame = read_csv(out.read_bytes())
    assert frame.empty and "company" in frame.columns  # the header row only
    lines = _lines(result.stderr)
    assert lines[0].startswith(f"exported 0 responses: 0 rows × {len(frame.columns)} columns to ")
    assert lines[1:] == [
        "no response of flow 'mini' in the database yet: only the header row was written",
        "note: --include-personal: no response, so no personal data was written",
    ]
    assert "--status" not in result.stderr
    assert "holds personal data" not in result.stderr


def test_only_the_filters_given_are_named(filled: Filled) -> None:
    default = invoke("--db", filled.path, "--flow", MINI, "--stage", "vierzon")
    assert default.exit_code == 0, default.stderr
    assert _lines(default.stderr)[-1] == (
        "no response of flow 'mini' matches --status completed (the default: finished "
        "responses only; --status all for every one), --stage vierzon: only the header row "
        "was written; check these filters"
    )

    later = invoke("--db", filled.path, "--flow", MINI, "--status", "all", "--since", "2030-01-01")
    assert later.exit_code == 0, later.stderr
    assert _lines(later.stderr)[-1] == (
        "no response of flow 'mini' matches --since 2030-01-01: only the header row was "
        "written; check this filter"
    )


def test_every_filter_given_is_named_with_its_value(filled: Filled) -> None:
    result = invoke(
        "--db", filled.path, "--flow", MINI, "--status", "abandoned", "--stage", "aubenas",
        "--stage", "vierzon", "--channel", "web", "--since", "2019-01-01", "--until",
        "2019-01-02", "--flow-version", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert _lines(result.stderr)[-1] == (
        "no response of flow 'mini' matches --status abandoned, --stage aubenas, "
        "--stage vierzon, --channel web, --since 2019-01-01, --until 2019-01-02, "
        "--flow-version 1: only the header row was written; check these filters"
    )
