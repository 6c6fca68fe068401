"""The purchase flow as a Mermaid diagram, drawn from `flow.PURCHASE`.

`python -m conversations.diagram > conversations/FLOW.md`; a test keeps the file current.
"""

from __future__ import annotations

from itertools import pairwise

from conversations.flow import PURCHASE, Stage

# The steps outside the table and how the purchase reaches them.
AROUND = (
    '    menu(["menu"]) -->|Buy / deep link| solution',
    '    review -->|confirm: PlaceOrder| placing(["placing"])',
    '    placing -->|OrderPlaced| payment(["payment: VNPAY link"])',
    "    placing -.->|OrderRefused / OrderBlocked| review",
    "    payment -->|PaymentStatus paid| menu",
    "    payment -.->|failed: pay again| placing",
    "    review -.->|edit a step, then back| solution",
)


def _node(stage: Stage) -> str:
    name = stage.step.value
    label = name + (" (each)" if stage.per_subject else "") + ("?" if stage.conditional else "")
    return f'    {name}{{{{"{label}"}}}}' if stage.conditional else f'    {name}["{label}"]'


def mermaid() -> str:
    lines = ["flowchart TD"]
    lines += [_node(stage) for stage in PURCHASE]
    lines += [f"    {a.step.value} --> {b.step.value}" for a, b in pairwise(PURCHASE)]
    lines += AROUND
    return "\n".join(lines)


def document() -> str:
    return (
        "# The purchase flow\n\n"
        "Generated from `conversations/flow.py` by `python -m conversations.diagram`; do not edit.\n"
        'A step in braces is asked only when it applies (and passed otherwise); "(each)" is asked\n'
        "once per solution or field. Back and Cancel work at every step.\n\n"
        "```mermaid\n" + mermaid() + "\n```\n"
    )


if __name__ == "__main__":
    print(document(), end="")
