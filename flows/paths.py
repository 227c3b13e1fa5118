"""A location inside a flow or stages document: keys and list indexes from the root."""

Loc = tuple[int | str, ...]
