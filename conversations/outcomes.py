"""What a step makes of an input; the machine turns each into the next state and effects."""

from __future__ import annotations

from dataclasses import dataclass

from billing_core.refusals import Refusal
from conversations.effects import Effect
from conversations.positions import At, Step
from conversations.state import State


@dataclass(frozen=True, slots=True)
class Answered:
    """The step is answered: go on to the next step that needs an answer (`note` first)."""

    state: State
    note: str = ""


@dataclass(frozen=True, slots=True)
class Refused:
    """The engine said no: explain each refusal, offer its fix, show the step again."""

    state: State
    refusals: tuple[Refusal, ...]


@dataclass(frozen=True, slots=True)
class Stay:
    """Show the step again (changed, or with a note such as "that is not a phone number")."""

    state: State
    note: str = ""
    effects: tuple[Effect, ...] = ()  # e.g. a setting saved while the screen stays
    understood: bool = True  # False: text the step could not read (counts toward support)


@dataclass(frozen=True, slots=True)
class Ignored:
    """Nothing to show (a tap on a label-only button, a late result)."""


@dataclass(frozen=True, slots=True)
class Wait:
    """Ask the runtime for something; its result event continues the conversation."""

    state: State
    effects: tuple[Effect, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Jump:
    """Go to a position outside the usual order (confirm → placing), with effects."""

    state: State
    to: At
    effects: tuple[Effect, ...] = ()
    remember: bool = True  # Back returns to where the jump started
    show: bool = True  # False: the effects say all there is to say for now


@dataclass(frozen=True, slots=True)
class Back:
    state: State
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True, slots=True)
class Edit:
    """From the review: answer these steps again, then come back to the review."""

    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Finished:
    """The purchase is over (paid or cancelled): a new conversation starts at the menu."""

    note: str
    effects: tuple[Effect, ...] = ()


Outcome = Answered | Refused | Stay | Ignored | Wait | Jump | Back | Edit | Finished
