"""A choice's `range`: the whole numbers a count typed for it stands for (`[10, 49]`).

Read by `flows.values` for a typed "12"; checked here for its shape, and by
`flows.checks` against the other choices of its question.
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

RANGE_SHAPE = "[min, max]: whole numbers from 0, max null for no upper end, like [10, 49]"


def _check_range(value: object) -> tuple[int, int | None]:
    """`[10, 49]` or `[250, null]`: whole numbers only, since a typed count is whole.

    The messages leave out the key: `flows.locations` puts "'range': " before them.
    """

    def whole(number: object) -> bool:
        return isinstance(number, int) and not isinstance(number, bool) and number >= 0

    if not isinstance(value, list | tuple):  # `flows.locations` adds "(got '10-49')"
        raise PydanticCustomError("bad_range", f"must be {RANGE_SHAPE}")
    if len(value) != 2 or not whole(value[0]) or not (value[1] is None or whole(value[1])):
        shown = json.dumps(list(value), default=str)
        raise PydanticCustomError(
            "bad_range", "{value} is not {shape}", {"value": shown, "shape": RANGE_SHAPE}
        )
    low, high = value
    if high is not None and low > high:
        raise PydanticCustomError(
            "bad_range", "min ({low}) is greater than max ({high})", {"low": low, "high": high}
        )
    return low, high


ChoiceRange = Annotated[
    tuple[int, int | None],
    PlainValidator(_check_range),
    PlainSerializer(list, return_type=list[int | None]),
    WithJsonSchema(
        {
            "type": "array",
            "prefixItems": [
                {"type": "integer", "minimum": 0},
                {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
            ],
            "minItems": 2,
            "maxItems": 2,
        }
    ),
]
