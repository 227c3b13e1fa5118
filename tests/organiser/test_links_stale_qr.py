"""`surveybot links --force` after a stage code changed: no old QR code left to print.

The organiser renames a stage (or removes one) and runs `links --force` again
into the same folder: qr/<old code>.png stayed there, beside the new ones, ready
to be put on a slide and to open a link no stage has. Through the real command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main

BOT = "fablab_tour_bot"
STAGES = "stages:\n  - code: lyon\n    city: Lyon\n  - code: brest\n    city: Brest\n"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def links(*more: str) -> Result:
    result = invoke(
        "links", "--bot-username", BOT, "--stages", "etapes.yaml", "--out", "kit", *more
    )
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def kit(work: Path) -> Path:
    """The kit written once, for the stages lyon and brest."""
    Path("etapes.yaml").write_text(STAGES, encoding="utf-8")
    links()
    return work / "kit" / "qr"


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_the_qr_codes_of_a_renamed_stage_are_removed_and_said(kit: Path, excel: bool) -> None:
    if excel:  # links.csv with a byte-order mark and ';': read all the same
        links("--force", "--excel")
    Path("etapes.yaml").write_text(STAGES.replace("brest", "brest29"), encoding="utf-8")

    result = links("--force")

    assert names(kit) == ["brest29.png", "brest29.svg", "lyon.png", "lyon.svg"]
    assert result.stderr.splitlines()[1:] == [
        "removed kit/qr/brest.png, kit/qr/brest.svg: the QR codes of 'brest', which these "
        "stages no longer have (renamed or removed)"
    ]


def test_a_picture_the_kit_did_not_write_is_named_not_removed(kit: Path) -> None:
    (kit / "logo.png").write_bytes(b"\x89PNG our logo")
    (kit / "notes.txt").write_text("not a picture", encoding="utf-8")
    Path("etapes.yaml").write_text(STAGES.replace("  - code: brest\n    city: Brest\n", ""))

    result = links("--force")

    assert names(kit) == ["logo.png", "lyon.png", "lyon.svg", "notes.txt"]
    assert result.stderr.splitlines()[1:] == [
        "removed kit/qr/brest.png, kit/qr/brest.svg: the QR codes of 'brest', which these "
        "stages no longer have (renamed or removed)",
        "warning: kit/qr/logo.png is none of these stages' QR codes: if it is an old one, "
        "delete it before it is printed or put on a slide",
    ]


def test_the_same_stages_again_remove_nothing_and_say_nothing_more(kit: Path) -> None:
    result = links("--force")

    assert names(kit) == ["brest.png", "brest.svg", "lyon.png", "lyon.svg"]
    assert len(result.stderr.splitlines()) == 1  # "2 stages: wrote ..."


def test_a_code_changed_only_in_case_removes_nothing(kit: Path) -> None:
    """Links read a code whatever its case, so 'Lyon' and 'lyon' are one stage: on macOS
    or Windows the file written for the new case may keep the old name, and removing the
    "old" one would remove the QR code just written."""
    Path("etapes.yaml").write_text(STAGES.replace("code: lyon", "code: Lyon"), encoding="utf-8")

    result = links("--force")

    assert {"Lyon.png", "Lyon.svg"} <= set(names(kit))
    assert "removed" not in result.stderr


def test_after_a_run_that_failed_halfway_the_next_still_removes_the_old_codes(
    kit: Path,
) -> None:
    """links.csv, which the clean-up reads, is written last: a run stopped before the
    end leaves the earlier one, which still names 'brest'."""
    page = kit.parent / "links.html"
    page.unlink()
    page.symlink_to("/proc/version")  # a page that cannot be written: the run stops there
    Path("etapes.yaml").write_text(STAGES.replace("brest", "brest29"), encoding="utf-8")
    failed = invoke("links", "--bot-username", BOT, "--stages", "etapes.yaml", "--out", "kit",
                    "--force")  # fmt: skip
    assert failed.exit_code == 1 and "links.html" in failed.stderr
    page.unlink()

    result = links("--force")

    assert names(kit) == ["brest29.png", "brest29.svg", "lyon.png", "lyon.svg"]
    assert "removed kit/qr/brest.png, kit/qr/brest.svg" in result.stderr
