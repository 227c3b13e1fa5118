"""Channels and the command line: Telegram, the web chat (with the HTTP layer both serve
through, `bot/http/`), the terminal chat, and `surveybot`."""
