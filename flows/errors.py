"""Errors of the flows package: problems located in a flow or stages file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, with where it is and, if known, which question."""

    file: str
    line: int | None
    message: str
    where: str | None = None
    """"question 'q7'", "section 'innovation'" or "stage 'pithiviers'"."""
    warning: bool = False
    """Worth fixing, but the file can run as it is (a button label a phone cuts)."""

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.warning:
            location += ": warning"
        if self.where:
            return f"{location}: {self.where}: {self.message}"
        return f"{location}: {self.message}"


class FlowError(Exception):
    """Base exception of the flows package."""


class FlowFileError(FlowError):
    """A flow or stages file has problems; each one is located."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
