"""The flow is one table: its diagram is current, and every step has a handler."""

from __future__ import annotations

from pathlib import Path

import conversations
from conversations.diagram import document
from conversations.flow import HANDLERS
from conversations.positions import Step


def test_the_flow_diagram_is_generated_from_the_table() -> None:
    shipped = (Path(conversations.__file__).parent / "FLOW.md").read_text(encoding="utf-8")
    assert shipped == document(), "run: python -m conversations.diagram > conversations/FLOW.md"


def test_every_step_has_a_handler() -> None:
    assert set(HANDLERS) == set(Step)


def test_the_public_surface_is_what_it_claims() -> None:
    assert len(set(conversations.__all__)) == len(conversations.__all__)
    assert all(hasattr(conversations, name) for name in conversations.__all__)
