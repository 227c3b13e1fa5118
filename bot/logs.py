"""Logging for the long-running bot: readable lines, and never the token."""

from __future__ import annotations

import logging


class RedactToken(logging.Filter):
    """Replaces the bot token wherever it appears (URLs in network errors carry it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._token:
            return True
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from exc_info; format now, redacted.
            formatter = logging.Formatter()
            record.exc_text = formatter.formatException(record.exc_info).replace(
                self._token, "<token>"
            )
            record.exc_info = None
        return True


def configure_logging(token: str, *, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    handler.set_name("surveybot")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "surveybot"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL, token included, at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # The job queue logs each run of a job ("Running job reminders…"): noise every minute.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
