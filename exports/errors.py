"""The exports package's one exception type.

Library code raises it; the edges (CLI, Telegram) turn it into text. Messages
say what failed and how to fix it.
"""


class ExportError(Exception):
    """An export cannot be made as asked."""
