"""`SurveyStore` lists everything the application may ask of a store, and `Store` provides it.

mypy proves that `Store` matches the Protocol's signatures (storage/store.py);
this test keeps the two lists of names equal, so a method added to `Store`
and used by the application is added to the interface too.
"""

from __future__ import annotations

import inspect

import storage
from storage import Store, SurveyStore


def public(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_")}


def test_the_interface_lists_every_public_method_of_the_store() -> None:
    # Opening is the backend's own business: PostgreSQL opens from a URL.
    assert public(SurveyStore) == public(Store) - {"open"} | {"path"}


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
