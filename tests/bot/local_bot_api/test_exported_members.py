"""The package's public surface is what ``__all__`` says it is."""

from __future__ import annotations

import bot.local_bot_api as package


def test_every_name_in_all_is_exported_and_nothing_else_public() -> None:
    public = {name for name in vars(package) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(package, name)).__name__ == "module"}
    assert set(package.__all__) == public - modules
