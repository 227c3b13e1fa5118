"""`personal: true` on a step: in the schema that `surveybot schema` prints for editors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import main


def test_the_schema_offers_personal_on_every_kind_of_step() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    definitions = json.loads(result.stdout)["$defs"]
    steps = {name: model for name, model in definitions.items() if name.endswith("Step")}
    assert {"TextStep", "EmailStep", "SingleChoiceStep", "NumberStep"} <= set(steps)
    for name, model in steps.items():
        personal = model["properties"].get("personal")
        assert personal is not None, f"{name} has no 'personal' key"
        assert personal["type"] == "boolean" and personal["default"] is False
