"""aiogram's parsed-response classes stay built: after a collection, the class a call would use
is the very one kept, not a new build (each build costs milliseconds; bench/updates.py)."""

from __future__ import annotations

import gc

from aiogram.methods import EditMessageText, SendMessage
from aiogram.methods.base import Response

from handlers.aiogram.response_types import _KEPT, keep_response_types


def test_the_response_classes_of_the_methods_used_survive_a_collection() -> None:
    keep_response_types()
    kept = {id(cls) for cls in _KEPT}
    gc.collect()
    for method in (SendMessage, EditMessageText):
        assert id(Response[method.__returning__]) in kept  # type: ignore[name-defined]
