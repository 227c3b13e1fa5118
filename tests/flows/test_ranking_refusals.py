"""A ranking posted whole (the web page's lists, without scripts) is refused in words that
say what to change: the item set at two ranks is named."""

from __future__ import annotations

import pytest

import flows
from flows import Flow
from flows.values import Invalid, check_value
from tests.flows.test_number_spaces import MINI


@pytest.fixture(scope="module")
def mini() -> Flow:
    return flows.load_flow(MINI)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "«\u00a0Coût\u00a0» est classé plusieurs fois\u00a0: merci de classer 2\u00a0éléments "
         "différents."),
        ("en", "“Cost” is ranked more than once: please rank 2 different items."),
    ],
)  # fmt: skip
def test_an_item_at_two_ranks_is_named(mini: Flow, lang: str, said: str) -> None:
    step = mini.step("obstacles")
    assert check_value(mini, step, ["cost", "cost"], lang) == Invalid(said)


@pytest.mark.parametrize("value", [["cost"], ["cost", "time", "skills"], ["cost", "fees"], "cost"])
def test_too_few_too_many_or_unknown_items_ask_for_the_count(mini: Flow, value: object) -> None:
    step = mini.step("obstacles")
    said = "Merci de classer 2\u00a0éléments, sans doublon."
    assert check_value(mini, step, value, "fr") == Invalid(said)


def test_a_whole_ranking_is_kept_in_its_order(mini: Flow) -> None:
    assert check_value(mini, mini.step("obstacles"), ["time", "cost"], "fr") == ["time", "cost"]


def test_the_same_item_at_every_rank_is_said_ranked_more_than_once(mini: Flow) -> None:
    refused = check_value(mini, mini.step("obstacles"), ["time", "time"], "en")
    assert refused == Invalid("“Time” is ranked more than once: please rank 2 different items.")
