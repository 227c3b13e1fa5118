"""Storage for surveybot: the only package that speaks SQL.

It holds respondents (keyed by channel and the channel's own id), their
responses and answers, the stages, the consent given or refused, and the
delivery ids already applied (so an update redelivered after a crash is not
applied twice). The rest of the application depends on the `SurveyStore`
interface; `Store` is its SQLite implementation, `PostgresStore` its
PostgreSQL one, `open_store` picks one for a path or a URL, and
`open_snapshot` gives exports one consistent read-only view, and
`copy_database` moves a tour to another database. Other packages import from
here only.
"""

from storage.batches import EncodedBatch, ResponseBatch, decoded
from storage.codecs import decode_time, decode_value, encode_time, encode_value
from storage.errors import (
    Conflict,
    NoTablesYet,
    NotFound,
    StorageError,
    Unavailable,
    disk_full,
    not_permitted,
    unreadable_database,
)
from storage.flow_versions import FlowVersion
from storage.inbox import KEEP_DONE, Inboxed
from storage.interface import SurveyStore
from storage.jobs import Job
from storage.kept_texts import KEPT_FOR
from storage.migrations import SCHEMA_VERSION
from storage.models import (
    AnswerInput,
    AnswerValue,
    Channel,
    DueReminder,
    ErasureReport,
    PurgeReport,
    RefusalCount,
    Respondent,
    Response,
    ResponseStatus,
    SessionRecord,
    Stage,
    StoredAnswer,
)
from storage.opening import open_snapshot, open_store
from storage.postgres import PostgresStore, cut_short, describe_target, is_postgres_url
from storage.snapshot import (
    AnsweredQuestion,
    ResponseCount,
    ResponseFilter,
    Snapshot,
)
from storage.store import Store
from storage.transfer import CopyReport, copy_database

__all__ = [
    "KEEP_DONE",
    "KEPT_FOR",
    "SCHEMA_VERSION",
    "AnswerInput",
    "AnswerValue",
    "AnsweredQuestion",
    "Channel",
    "Conflict",
    "CopyReport",
    "DueReminder",
    "EncodedBatch",
    "ErasureReport",
    "FlowVersion",
    "Inboxed",
    "Job",
    "NoTablesYet",
    "NotFound",
    "PostgresStore",
    "PurgeReport",
    "RefusalCount",
    "Respondent",
    "Response",
    "ResponseBatch",
    "ResponseCount",
    "ResponseFilter",
    "ResponseStatus",
    "SessionRecord",
    "Snapshot",
    "Stage",
    "StorageError",
    "Store",
    "StoredAnswer",
    "SurveyStore",
    "Unavailable",
    "copy_database",
    "cut_short",
    "decode_time",
    "decode_value",
    "decoded",
    "describe_target",
    "disk_full",
    "encode_time",
    "encode_value",
    "is_postgres_url",
    "not_permitted",
    "open_snapshot",
    "open_store",
    "unreadable_database",
]
