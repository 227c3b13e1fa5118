"""The organiser tools' one base exception, and the error of invitation links.

Library code raises them; the edges (the `surveybot links` command, Telegram)
turn them into text. Messages say what failed and how to fix it.
"""


class OrganiserError(Exception):
    """An organiser tool cannot do what was asked."""


class LinkError(OrganiserError):
    """A bot username or stage code cannot make an invitation link, or files cannot be written."""
