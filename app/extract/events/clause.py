"""What an event's clause says around its trigger: the one record the typer and the type gate read."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token


@dataclass(slots=True)
class Arguments:
    """What the clause says around its trigger."""

    anchor: Token                       # the verb the clause hangs on (the trigger itself for a verb)
    lexical: str | None = None          # the trigger table's type for the trigger word in its context
    frame: str | None = None            # control frame folded in (intent / refuse / request / threaten)
    governor: Token | None = None       # the control verb of that frame
    subject: Token | None = None        # the agent-like subject (or the passive's by-agent)
    patient: Token | None = None        # the passive subject / participle's noun
    source: str | None = None           # the source actor id
    targets: list[str] = field(default_factory=list)
    mood: str = "asserted"
    announced: bool = False             # a will/would clause its own actor announced ("X said it would ...")
    background: bool = False            # a relative clause or participle on a noun ("property seized by ...")
    modality: str = "asserted"
    complement: Token | None = None     # the clause a reporting verb reports ("said that Sudan must return")
    governing_type: str | None = None   # the type of the act this clause is the purpose or manner of
    condition: str | None = None        # the subordinator of a condition on the clause ("unless", "if")
    circumstance: bool = False          # an after/before clause beside another typed act ("after police called")
    machine_agent: bool = False         # the agent is a product or a vehicle ("the airliner will fly to Sydney")
