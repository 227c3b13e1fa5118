"""`SurveyStore` lists what the application asks of a store, and `Store` provides it.

mypy proves that `Store` matches the Protocol's signatures (storage/store.py).
These tests keep the Protocol honest both ways: everything in it is provided by
`Store` and used by the application, so a second backend implements nothing
the application does not need.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import storage
from storage import PostgresStore, Store, SurveyStore

ROOT = Path(__file__).resolve().parents[2]
APPLICATION = ("conversation", "bot", "organiser", "exports")


def public(cls: type) -> set[str]:
    """The public names `cls` itself defines (a Protocol's own, not object's)."""
    return {name for name in vars(cls) if not name.startswith("_")}


def provided(cls: type) -> set[str]:
    """The public names `cls` has, its own and inherited (the stores share StoreMethods)."""
    return {name for name in dir(cls) if not name.startswith("_")}


@pytest.mark.parametrize("store", [Store, PostgresStore])
def test_each_store_provides_every_method_of_the_interface(store: type) -> None:
    assert public(SurveyStore) <= provided(store)


def test_the_interface_holds_only_what_the_application_calls() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for package in APPLICATION
        for path in (ROOT / package).rglob("*.py")
    )
    # Called, or handed over to be called (`health_route(store.ping)`).
    unused = {name for name in public(SurveyStore) if not re.search(rf"\.{name}[(),]", source)}
    assert unused == set()


def test_every_method_of_the_interface_says_what_it_does_in_one_line() -> None:
    for name in sorted(public(SurveyStore)):
        member = inspect.getattr_static(SurveyStore, name)
        function = member.fget if isinstance(member, property) else member
        doc = inspect.getdoc(function)
        assert doc, name
        assert len(doc.splitlines()) == 1, name


def test_the_interface_methods_are_async_as_in_the_store() -> None:
    for name in public(SurveyStore):
        member = inspect.getattr_static(SurveyStore, name)
        if isinstance(member, property):
            continue
        assert inspect.iscoroutinefunction(member), name
        assert inspect.iscoroutinefunction(getattr(Store, name)), name


def test_the_package_exports_its_public_api_only() -> None:
    assert all(not name.startswith("_") for name in storage.__all__)
    assert {"Store", "SurveyStore", "Channel", "SessionRecord", "StorageError"} <= set(
        storage.__all__
    )
    for name in storage.__all__:
        assert hasattr(storage, name), name
