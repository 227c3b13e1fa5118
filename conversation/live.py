"""Which channel message shows each response's live question, while it is not yet stored.

A channel that edits its messages (Telegram) records which one shows the live
question, so that the next reply can edit it, even after a restart. Written at
once, that record took a commit of its own for every answer, after the reply.
A channel with a delivery log (the Telegram poller's inbox) writes it instead
with the marks of the deliveries handled (one write for many updates); until
then `LiveMessages` gives it to the next turn, over what the store holds.

If the process dies first, no answer is lost and the chat goes on: the
delivery is not marked done either, so it is applied again at the next start,
recognised as handled, and its screen shown again, whose message is then
recorded. Only the first copy of that screen keeps its buttons (its id was
never written); a tap on it still counts.

A turn takes `view()` before it reads the store: a write committed between its
read and its look here would otherwise hide the value from both. Erasing a
person forgets what is held for their response first (`Showing._erase_person`):
SQLite may give its id to the next person who agrees.
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

    def view(self) -> Mapping[int, int | None]:
        """What is held now, by response id; later writes do not take from it (`written`)."""
        return self._known

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
        stored = {
            response_id
            for response_id, message_id in taken.items()
            if response_id not in self._unwritten
            and self._known.get(response_id, _NONE) == message_id
        }
        if stored:
            # A new dict rather than deletions: a turn holding `view()` from before its read
            # of the store, which may predate this write, must still find these.
            self._known = {key: value for key, value in self._known.items() if key not in stored}

    def not_written(self, taken: Mapping[int, int | None]) -> None:
        """The write of `taken` failed: write them with the next one (newer records win)."""
        for response_id, message_id in taken.items():
            self._unwritten.setdefault(response_id, message_id)

    def __len__(self) -> int:
        return len(self._known)
