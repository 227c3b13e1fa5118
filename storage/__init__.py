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
from storage.privacy import (
    Consent,
    ErasureReport,
    PurgeReport,
    abandon_stale,
    consent_of,
    erase_by_telegram_id,
    erase_respondent,
    get_respondent_by_id,
    purge_older_than,
    record_consent,
    record_refusal,
    respondent_data,
    truncate_wal,
)
from storage.reminders import DueReminder, due_reminders, mark_reminded
from storage.snapshot import (
    AnsweredQuestion,
    ResponseBatch,
    ResponseCount,
    ResponseFilter,
    Snapshot,
    open_snapshot,
)
from storage.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "AnswerInput",
    "AnswerValue",
    "AnsweredQuestion",
    "Consent",
    "DueReminder",
    "ErasureReport",
    "PurgeReport",
    "Respondent",
    "Response",
    "ResponseBatch",
    "ResponseCount",
    "ResponseFilter",
    "ResponseStatus",
    "Snapshot",
    "Stage",
    "StorageError",
    "Store",
    "StoredAnswer",
    "abandon_stale",
    "consent_of",
    "due_reminders",
    "erase_by_telegram_id",
    "erase_respondent",
    "get_respondent_by_id",
    "mark_reminded",
    "open_snapshot",
    "purge_older_than",
    "record_consent",
    "record_refusal",
    "respondent_data",
    "truncate_wal",
]
