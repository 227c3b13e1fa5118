"""`LiveMessages`: the live question's message held in memory until the inbox marks write it."""

from __future__ import annotations

from conversation.live import LiveMessages


def test_what_is_held_is_given_over_the_stored_value_until_written() -> None:
    live = LiveMessages()
    live.hold(1, 41)
    live.hold(2, None)  # no message is live: None, not the stored one
    assert live.view().get(1, 7) == 41 and live.view().get(2, 7) is None
    assert live.view().get(3, 7) == 7, "nothing held: the stored value"

    taken = live.take()
    assert taken == {1: 41, 2: None} and live.take() == {}, "taken once"
    live.written(taken)
    assert live.view().get(1, 41) == 41 and len(live) == 0, "the store has them now"


def test_a_record_made_while_a_write_is_under_way_outlives_that_write() -> None:
    live = LiveMessages()
    live.hold(1, 41)
    taken = live.take()
    live.hold(1, 42)  # the person's next reply, before the write of 41 commits
    live.written(taken)
    assert live.view().get(1, 41) == 42
    assert live.take() == {1: 42}, "written by the next one"


def test_a_view_taken_before_a_write_keeps_what_that_write_stored() -> None:
    """A turn takes the view, then reads the store from before the write's commit."""
    live = LiveMessages()
    live.hold(1, 41)
    taken = live.take()
    seen = live.view()
    live.written(taken)
    assert seen.get(1, 40) == 41, "the store read may predate the commit"
    assert live.view().get(1, 41) == 41


def test_a_failed_write_is_made_again_without_undoing_a_newer_record() -> None:
    live = LiveMessages()
    live.hold(1, 41)
    live.hold(2, 51)
    taken = live.take()
    live.hold(1, 42)
    live.not_written(taken)
    assert live.take() == {1: 42, 2: 51}
    assert live.view().get(1, 0) == 42


def test_a_response_written_at_once_holds_nothing() -> None:
    live = LiveMessages()
    live.hold(1, 41)
    live.forget(1)
    assert live.take() == {} and live.view().get(1, 40) == 40
