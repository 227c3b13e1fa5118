"""An earlier answer given again in passing (a chat's reply to that question).

The person stays at the question they were on, its ticks and its way back kept,
unless the new answer opens a question or asks for an "Other" text: that comes
first, then the questions still open, as after a revision.
"""

from __future__ import annotations

import flows
from flows import Flow, answer_again, back, message
from tests.flows.test_engine import Chat, mini_chat


def again(chat: Chat, step: str, text: str) -> str | None:
    return chat._apply(lambda: answer_again(chat.flow, chat.state, step, text, chat.lang))


def test_a_text_answered_again_changes_and_the_person_stays_where_they_were(
    mini_flow: Flow,
) -> None:
    mini = mini_flow
    chat = mini_chat(mini, until="importance")
    history = chat.state.history
    chat.ok(again(chat, "company", "Acme SAS"))
    assert chat.state.answers["company"] == "Acme SAS"
    assert chat.current == "importance"
    assert chat.state.history == history
    # Back goes where it went before the change, not to the question changed.
    assert back(mini, chat.state).current == "share"
    # The number question pipes the new name.
    assert "Acme SAS" in flows.prompt(mini, flows.revise(mini, chat.state, "staff"), "fr").text


def test_ticks_of_the_question_waiting_are_kept(mini_flow: Flow) -> None:
    mini = mini_flow
    chat = mini_chat(mini, until="markets")
    chat.ok(chat.toggle("eu"))
    chat.ok(again(chat, "staff", "15"))
    assert chat.state.answers["staff"] == 15
    assert (chat.current, chat.selected()) == ("markets", ("eu",))


def test_a_choice_typed_by_its_name_and_a_skipped_question_answered(mini_flow: Flow) -> None:
    mini = mini_flow
    chat = mini_chat(mini, until="email", ideas=lambda c: c.skip())
    chat.ok(again(chat, "sector", "Services"))
    chat.ok(again(chat, "ideas", "Plus de liens avec l’IUT"))
    assert chat.state.answers["sector"] == "services"
    assert chat.state.answers["ideas"] == "Plus de liens avec l’IUT"
    assert "ideas" not in chat.state.skipped
    assert chat.current == "email"


def test_an_answer_that_opens_a_branch_asks_it_first_then_comes_back(mini_flow: Flow) -> None:
    mini = mini_flow
    chat = mini_chat(mini, until="importance", exports=lambda c: c.tap("no"))
    chat.ok(again(chat, "exports", "oui"))
    assert chat.current == "markets"  # opened by the new answer
    chat.ok(chat.toggle("asia"))
    chat.ok(chat.confirm())
    chat.ok(chat.type("30"))
    assert chat.current == "importance"


def test_other_chosen_by_name_asks_its_text_then_comes_back(mini_flow: Flow) -> None:
    mini = mini_flow
    chat = mini_chat(mini, until="importance")
    chat.ok(again(chat, "sector", "Autre (précisez)"))
    assert (chat.current, chat.state.awaiting_other) == ("sector", True)
    chat.ok(chat.type("Horlogerie"))
    assert chat.state.others["sector"] == "Horlogerie"
    assert chat.current == "importance"


def test_a_refused_answer_changes_nothing_and_says_why(mini_flow: Flow) -> None:
    mini = mini_flow
    chat = mini_chat(mini, until="importance")
    before = chat.state
    assert again(chat, "staff", "beaucoup") is not None
    assert again(chat, "markets", "Asie") == message("use_buttons", "fr")
    assert again(chat, "company", "x" * 30) is not None
    assert chat.state == before


def test_only_a_question_answered_earlier_and_still_shown_can_be_answered_again(
    mini_flow: Flow,
) -> None:
    mini = mini_flow
    chat = mini_chat(mini, until="importance", exports=lambda c: c.tap("no"))
    not_yet = message("not_answered", "fr")
    assert again(chat, "importance", "3") == not_yet  # the one waiting
    assert again(chat, "email", "ana@example.fr") == not_yet  # not reached
    assert again(chat, "markets", "Europe") == not_yet  # hidden by "no"


def test_at_the_end_the_answer_changes_and_the_response_stays_finished(mini_flow: Flow) -> None:
    chat = mini_chat(mini_flow)
    history = chat.state.history
    chat.ok(again(chat, "company", "Acme SAS"))
    assert chat.state.answers["company"] == "Acme SAS"
    assert (chat.state.finished, chat.current, chat.state.history) == (True, None, history)


def test_at_the_end_a_branch_opened_is_asked_then_the_end_again(mini_flow: Flow) -> None:
    chat = mini_chat(mini_flow, exports=lambda c: c.tap("no"))
    chat.ok(again(chat, "exports", "Oui"))
    assert (chat.state.finished, chat.current) == (False, "markets")
    chat.ok(chat.toggle("eu"))
    chat.ok(chat.confirm())
    chat.ok(chat.skip())  # the export share, optional
    assert chat.state.finished


def test_the_question_waiting_mid_other_text_keeps_waiting_for_it(mini_flow: Flow) -> None:
    chat = mini_chat(mini_flow, until="sector")
    chat.ok(chat.type("Autre (précisez)"))
    assert chat.state.awaiting_other
    chat.ok(again(chat, "company", "Acme SAS"))
    assert (chat.current, chat.state.awaiting_other) == ("sector", True)
    chat.ok(chat.type("Horlogerie"))
    assert chat.state.others["sector"] == "Horlogerie"


def test_an_information_step_waiting_stays(mini_flow: Flow) -> None:
    chat = mini_chat(mini_flow, until="company")
    chat.ok(chat.type("Acme"))
    chat.back()
    chat.back()
    assert chat.current == "welcome"
    chat.ok(again(chat, "company", "Acme SAS"))
    assert (chat.current, chat.state.answers["company"]) == ("welcome", "Acme SAS")


def test_a_change_that_hides_the_question_waiting_goes_on_to_the_next_open(
    mini_flow: Flow,
) -> None:
    chat = mini_chat(mini_flow, until="share")
    chat.ok(again(chat, "exports", "Non"))  # "share" is asked only of exporters
    assert chat.current == "importance"


def test_during_a_revision_after_finishing_the_question_reopened_stays(mini_flow: Flow) -> None:
    chat = mini_chat(mini_flow)
    chat.revise("ideas")
    chat.ok(again(chat, "company", "Acme SAS"))
    assert (chat.current, chat.state.reviewing) == ("ideas", True)
    chat.ok(chat.type("Des liens avec l’IUT"))
    assert chat.state.finished
