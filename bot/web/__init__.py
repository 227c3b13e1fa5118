"""The web chat: the questionnaire as a conversation in a phone's browser.

For respondents without Telegram: the same flows, stages, database and rules,
through `conversation` like every channel. `create_app` gives the ASGI
application; `surveybot serve` runs it.
"""

from bot.web.app import WebChat, create_app

__all__ = ["WebChat", "create_app"]
