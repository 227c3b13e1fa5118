"""A refused département names the ones the respondent may have meant: "Corse" is two."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from flows.model import CodeStep
from flows.values import Invalid, check_value
from tests.flows.test_code_kind import departements, flow_file, question

__all__ = ["departements"]  # the fixture, shared with test_code_kind.py

REFUSED = "Je ne reconnais pas cette réponse. "
EXAMPLES = REFUSED + "Tapez un code ou un nom, par exemple 45, 2A ou Loiret."


def offered(departements: tuple[Flow, CodeStep], typed: str, lang: str = "fr") -> str:
    flow, step = departements
    refused = check_value(flow, step, typed, lang)
    assert isinstance(refused, Invalid), refused
    return refused.message


def test_the_codes_meant_come_with_the_refusal_for_buttons(
    departements: tuple[Flow, CodeStep],
) -> None:
    flow, step = departements
    corse = check_value(flow, step, "Corse", "fr")
    unknown = check_value(flow, step, "Atlantide", "fr")
    assert isinstance(corse, Invalid) and isinstance(unknown, Invalid)
    assert corse.near == ("2A", "2B")
    assert unknown.near == ()


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        # A name two départements share a word of: the island, not a département.
        ("Corse", "Corse-du-Sud (2A) ou Haute-Corse (2B)"),
        # Eight names hold a word starting "loir"; the four that start so are offered.
        ("Loir", "Loir-et-Cher (41), Loire (42), Loire-Atlantique (44) ou Loiret (45)"),
        (
            "seine",
            "Seine-Maritime (76), Seine-et-Marne (77), Hauts-de-Seine (92) ou "
            "Seine-Saint-Denis (93)",
        ),
        ("haute sav", "Haute-Savoie (74)"),
        ("la reu", "La Réunion (974)"),
        # Misspelt.
        ("Finistaire", "Finistère (29)"),
        ("Essone", "Essonne (91)"),
        ("Calvdos", "Calvados (14)"),
    ],
)
def test_a_reply_that_starts_or_misspells_a_name_is_offered_it(
    departements: tuple[Flow, CodeStep], typed: str, names: str
) -> None:
    assert offered(departements, typed) == (f"Vouliez-vous dire {names}\u00a0?")


def test_the_offer_speaks_the_respondents_language(
    departements: tuple[Flow, CodeStep],
) -> None:
    assert offered(departements, "Corse", "en") == (
        "Did you mean Corse-du-Sud (2A) or Haute-Corse (2B)?"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "Pithiviers",  # the workshop's town: no département is like it
        "Lyon",  # not "Yonne"
        "Haute",  # starts too many names to be a hint
        "Lo",  # too short to mean one
        "Île-de-France",
        "x" * 10_000,
    ],
)
def test_a_reply_like_no_name_gets_the_examples(
    departements: tuple[Flow, CodeStep], typed: str
) -> None:
    assert offered(departements, typed) == EXAMPLES


def test_a_name_offered_is_then_accepted_by_code_or_by_name(
    departements: tuple[Flow, CodeStep],
) -> None:
    flow, step = departements
    assert check_value(flow, step, "2B", "fr") == "2B"
    assert check_value(flow, step, "Haute-Corse", "fr") == "2B"


def own_list(folder: Path, codes: str) -> tuple[Flow, CodeStep]:
    flow = load_flow(flow_file(folder, question(codes)))
    step = flow.step("departement")
    assert isinstance(step, CodeStep)
    return flow, step


def test_a_list_of_its_own_is_offered_in_its_own_names(tmp_path: Path) -> None:
    listed = own_list(tmp_path, "{N1: Nord-Ouest, N2: Nord-Est, S: Sud}")
    said = "Vouliez-vous dire Nord-Ouest (N1) ou Nord-Est (N2)\u00a0?"
    assert said in offered(listed, "nord")


def test_a_name_two_codes_share_offers_both(tmp_path: Path) -> None:
    """Typed, such a name names neither: both are offered, by their codes."""
    flow, step = listed = own_list(tmp_path, "{N1: Nord, N2: Nord, S: Sud}")
    assert "Vouliez-vous dire Nord (N1) ou Nord (N2)\u00a0?" in offered(listed, "nord")
    assert check_value(flow, step, "N2", "fr") == "N2"
    assert check_value(flow, step, "N2 – Nord", "fr") == "N2"
