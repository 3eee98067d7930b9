"""The model description stays true to the code: every config key is documented."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

from imssim.config import Config

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"


def config_keys(cls: type, prefix: str = "") -> list[str]:
    keys = []
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        key = f"{prefix}{field.name}"
        if dataclasses.is_dataclass(hint):
            keys += config_keys(hint, f"{key}.")
            continue
        args = typing.get_args(hint)
        if typing.get_origin(hint) is list and args and dataclasses.is_dataclass(args[0]):
            keys.append(key)
            keys += config_keys(args[0], f"{key}[].")
            continue
        keys.append(key)
    return keys


def test_every_config_key_is_documented_in_the_model_description():
    text = DOC.read_text()
    missing = [key for key in config_keys(Config) if f"`{key}`" not in text]
    assert not missing, f"not in docs/model.md: {missing}"


def test_documented_defaults_of_form_vectors_match_the_code():
    text = DOC.read_text()
    params = Config().params
    for name in ("form_saving", "form_access", "form_constraint"):
        values = getattr(params, name)
        assert all(f"{v:g}" in text for v in values), name
