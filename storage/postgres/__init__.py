"""PostgreSQL storage: `PostgresStore`, the `SurveyStore` for several instances on one database.

One module per concept, as for SQLite: `connection` (the pool and error
wording), `schema` (migrations), `respondents`, `responses`, `updates`,
`stages`, `privacy`, `reminders`, and `store`, the way in. Open it through
`storage.open_store("postgresql://...")`.
"""

from storage.postgres.connection import cut_short, describe_target, is_postgres_url
from storage.postgres.store import PostgresStore

__all__ = ["PostgresStore", "cut_short", "describe_target", "is_postgres_url"]
