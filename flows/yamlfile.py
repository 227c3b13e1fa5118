"""Reading a flow or stages file so that no file can hurt: bounded, plain YAML only.

A file is read only if it is a regular file of at most `MAX_FILE_BYTES` of
UTF-8 text. YAML anchors and aliases (`&name`, `*name`) are refused while the
events are composed into nodes, before any Python value exists: an alias is
what lets a 400-byte "billion laughs" file expand into billions of values, or
`&r [*r]` contain itself. `PlainLoader` records each one and puts an empty
placeholder where an alias was, so the node tree stays a tree (no node shared,
none inside itself) that can be walked to say where each refusal is.

Nesting is bounded, because PyYAML composes recursively and ten thousand `[`
would exhaust Python's stack; so is the number of nodes, because PyYAML parses
in pure Python: 1 MB of `[a,a,a,...]` took 30 s, `MAX_NODES` takes a few.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NoReturn

import yaml

from flows.errors import FlowFileError, Problem

MAX_FILE_BYTES: Final = 1_000_000
"""1 MB: the bundled questionnaire, 24 questions in two languages, is about 35 KB.

PyYAML reads 1 MB of ordinary YAML in a few seconds; `MAX_NODES` bounds the rest."""
MAX_DEPTH: Final = 50
"""Levels of nested mappings and lists; the bundled questionnaire has 9."""
MAX_NODES: Final = 50_000
"""Keys, values and lists; the bundled questionnaire has about 2,000."""
NULL_TAG: Final = "tag:yaml.org,2002:null"
# Opening a named pipe for reading would wait for a writer: never wait.
_NO_WAIT: Final = getattr(os, "O_NONBLOCK", 0)


@dataclass(frozen=True)
class Refusal:
    """An anchor or alias found while composing: the node it was on, its line, why."""

    node: yaml.Node
    line: int
    message: str


class PlainLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases and bounding nesting as it composes."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.refusals: list[Refusal] = []
        self._file = file
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.NodeEvent = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            # Never resolved: a placeholder takes its place, so no node is shared or in itself.
            self.get_event()  # type: ignore[no-untyped-call]
            node = yaml.ScalarNode(NULL_TAG, "", _mark(event.start_mark), _mark(event.end_mark))
            message = f"YAML alias '*{event.anchor}' is not accepted: write the value out here"
            self.refusals.append(Refusal(node, _line(event), message))
            return node
        self._nodes += 1
        if self._nodes > MAX_NODES:
            self._stop(event, f"more than {MAX_NODES:,} keys and values")
        if self._depth >= MAX_DEPTH:
            self._stop(event, f"nested more than {MAX_DEPTH} levels deep")
        self._depth += 1
        try:
            composed = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if event.anchor is not None and composed is not None:
            # Forgotten at once, so that a later alias to it can never be resolved.
            self.anchors.pop(event.anchor, None)
            message = (
                f"YAML anchor '&{event.anchor}' is not accepted: remove it, and write the value "
                "out wherever it is used"
            )
            self.refusals.append(Refusal(composed, _line(event), message))
        return composed

    def _stop(self, event: yaml.Event, what: str) -> NoReturn:
        message = f"{what}; a flow or stages file needs far fewer: is it the right file?"
        raise FlowFileError([Problem(self._file, _line(event), message)])


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


def _mark(mark: object) -> yaml.Mark | None:
    # The pure-Python parser's marks (libyaml's have another class, never met here).
    return mark if isinstance(mark, yaml.Mark) else None


def read_text(path: str | Path) -> str:
    """The text of a flow or stages file; FlowFileError if it is missing, unreadable,
    not a file, too large or not UTF-8."""
    file = str(path)
    data = _read_bytes(file)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # what Windows' Notepad calls "Unicode"
        message = (
            'saved as UTF-16 text ("Unicode" in Notepad), not UTF-8: save the flow or '
            "stages file again, choosing the encoding UTF-8"
        )
        raise FlowFileError([Problem(file, 1, message)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FlowFileError([Problem(file, line, _not_utf8(data, error.start))]) from None


def _not_utf8(data: bytes, start: int) -> str:
    """Why `data`, not UTF-8 from byte `start` on, cannot be read, in the organiser's words.

    An old editor saves accents in Windows-1252 (Latin-1): 'é' is the one byte 0xe9. Text
    read so has no control character but tab and line ends (a binary file has many), and is
    mostly ASCII (YAML's keys and punctuation); if the rest of the file holds UTF-8 accents,
    only some lines were pasted from such a text."""
    try:
        text = data.decode("cp1252")  # one character a byte: text[start] is data[start]
    except UnicodeDecodeError:
        text = ""
    high = sum(1 for byte in data if byte >= 0x80)
    if text and not _CONTROLS.intersection(data) and high * 4 <= len(data):
        shown = _INVISIBLE.get(text[start], f"the '{text[start]}'")
        if any(ord(c) >= 0x80 for c in data.decode("utf-8-sig", "ignore")):
            return (
                f"{shown} on this line is Windows-1252 (Latin-1) text, though the rest of the "
                "file is UTF-8: it was likely pasted from another text; type this line's "
                "accented letters again, and save the file as UTF-8"
            )
        return (
            f"saved as Windows-1252 (Latin-1) text, not UTF-8 (as {shown} on this line "
            "shows): save the flow or stages file again, choosing the encoding UTF-8"
        )
    return (
        f"not UTF-8 text (byte 0x{data[start]:02x} cannot be read): is it a binary "
        "file? Save the flow or stages file as UTF-8 text"
    )


_INVISIBLE: Final = {"\u00a0": "the no-break space", "\u00ad": "the soft hyphen"}
# Bytes no text file holds: the C0 controls but tab, line feed and carriage return, and DEL.
_CONTROLS: Final = frozenset(range(0x20)).difference(b"\t\n\r") | {0x7F}


def _read_bytes(file: str) -> bytes:
    try:
        descriptor = os.open(file, os.O_RDONLY | _NO_WAIT)
    except FileNotFoundError:
        raise _refused(file, "file not found") from None
    except (IsADirectoryError, PermissionError) as error:
        if os.path.isdir(file):  # Windows refuses to open a folder with EACCES
            raise _refused(file, _FOLDER) from None
        message = f"cannot read the file ({error.strerror}); check its permissions"
        raise _refused(file, message) from None
    except OSError as error:
        raise _refused(file, f"cannot read the file ({error.strerror or error})") from None
    try:
        # Looked at before reading: Python will not open a folder as a file object.
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise _refused(file, _FOLDER)
        if not stat.S_ISREG(mode):
            raise _refused(file, "not a regular file (a device, a pipe or a socket)")
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            # Bounded even if the file grows while it is read.
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _refused(file, f"cannot read the file ({error.strerror or error})") from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        raise _refused(
            file,
            f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB, the most a flow or "
            "stages file may be: is it the right file?",
        )
    return data


_FOLDER: Final = "this is a folder; give the path of a flow or stages file"


def _refused(file: str, message: str) -> FlowFileError:
    return FlowFileError([Problem(file, None, message)])
