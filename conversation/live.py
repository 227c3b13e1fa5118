"""Which channel message shows each response's live question, while it is not yet stored.

A channel that edits its messages (Telegram) records which one shows the live
question, so that the next reply can edit it, even after a restart. Written at
once, that record took a commit of its own for every answer, after the reply.
A channel with a delivery log (the Telegram poller's inbox) writes it instead
with the marks of the deliveries handled (one write for many updates); until
then `LiveMessages` gives it to the next turn, over what the store holds.

Nothing visible is lost if the process dies first: the delivery is not marked
done either, so it is applied again at the next start, recognised as handled,
and its screen shown again, whose message is then recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

_NONE = object()


class LiveMessages:
    """The live messages recorded in memory and not yet confirmed written, by response id.

    One entry per response recorded since the last write: the store's value is
    used for the others. Entries leave once written; while the database refuses
    every write they stay (one per response in progress), to be written later.
    """

    def __init__(self) -> None:
        self._known: dict[int, int | None] = {}
        """What the next turn must use, over the store's value, until it is written."""
        self._unwritten: dict[int, int | None] = {}
        """The part of `_known` that no write has taken yet."""

    def hold(self, response_id: int, message_id: int | None) -> None:
        """Record `message_id` (None: no message is live) for the next write to take."""
        self._known[response_id] = message_id
        self._unwritten[response_id] = message_id

    def get(self, response_id: int, stored: int | None) -> int | None:
        """The live message of the response: the one held, or else the `stored` one."""
        return self._known.get(response_id, stored)

    def forget(self, response_id: int) -> None:
        """The caller writes this response's live message itself: hold nothing for it."""
        self._known.pop(response_id, None)
        self._unwritten.pop(response_id, None)

    def take(self) -> dict[int, int | None]:
        """What to write now; give it back to `written` or `not_written` after the write."""
        taken, self._unwritten = self._unwritten, {}
        return taken

    def written(self, taken: Mapping[int, int | None]) -> None:
        """The write of `taken` committed: the store now has those, unless recorded again since."""
        for response_id, message_id in taken.items():
            still = self._known.get(response_id, _NONE)
            if response_id not in self._unwritten and still == message_id:
                del self._known[response_id]

    def not_written(self, taken: Mapping[int, int | None]) -> None:
        """The write of `taken` failed: write them with the next one (newer records win)."""
        for response_id, message_id in taken.items():
            self._unwritten.setdefault(response_id, message_id)

    def __len__(self) -> int:
        return len(self._known)
