"""HTTP plumbing shared by the web chat and Telegram's webhook: uvicorn, and the guards.

Every route `surveybot serve` serves goes through the same guards (a body size limit,
a rate limit, no forms from other sites, safe headers); `surveybot run --webhook-url`
serves the webhook alone behind the body size limit (Telegram's secret header refuses
anyone else). One server for both, which stops cleanly on SIGINT/SIGTERM.
`GET /health` tells a load balancer whether the instance can reach its database.
"""

from bot.http.address import PublicAddress
from bot.http.guards import (
    MAX_BODY,
    MAX_UPDATE,
    BodyLimit,
    RateLimit,
    SafeHeaders,
    SameOrigin,
)
from bot.http.health import PATH as HEALTH
from bot.http.health import health_route
from bot.http.server import bind, serve

__all__ = [
    "HEALTH",
    "MAX_BODY",
    "MAX_UPDATE",
    "BodyLimit",
    "PublicAddress",
    "RateLimit",
    "SafeHeaders",
    "SameOrigin",
    "bind",
    "health_route",
    "serve",
]
