"""Storage for surveybot: one SQLite file of respondents, responses, answers, stages.

It also remembers which Telegram updates were already applied, so one
redelivered after a crash is not applied twice. The only package that speaks
SQL. Other packages import from here only.
"""

from storage.errors import StorageError
from storage.migrations import SCHEMA_VERSION
from storage.models import (
    AnswerInput,
    AnswerValue,
    Respondent,
    Response,
    ResponseStatus,
    Stage,
    StoredAnswer,
)
from storage.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "AnswerInput",
    "AnswerValue",
    "Respondent",
    "Response",
    "ResponseStatus",
    "Stage",
    "StorageError",
    "Store",
    "StoredAnswer",
]
