"""Events: who did what to whom, when and where, typed with the PLOVER ontology; one event per clause.

Every content verb whose clause reports what an actor did, will do or had done to it is an event (see
``factory``): its source is the agent (passive by-phrases, coordinated subjects, relative clauses), its targets
the patient, recipient or counterpart (``arguments``); event nouns are events too, typed ones from
data/plover_triggers.tsv on the verb they are an argument of, untyped ones (data/event_nouns.tsv) on their own
actor arguments.  Control verbs fold into their complement (see ``frames``): "agreed to withdraw" is one AGREE
event, "refused to release" one REJECT, "urged X to talk" one REQUEST, "vowed to attack" one THREATEN.  The
clause gives the mood (conditional, demanded, proposed, planned, possible, negated, asserted) and, inside a
quote, the speaker.  The type is decided in one place, ``typer.event_type(trigger, args)``; among several
typed events of one sentence a trained gate (``confidence``, data/type_gate.json) clears the unlikely ones.  A
sentence that names an actor but holds no clause event gets one untyped event on its main content word.
The spaCy factory ``dateline_events_v1`` lives in ``factory`` (the pipeline imports it); the package itself
stays free of spaCy, so consolidation and pages can read its lexicon without loading NLP.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_SETTINGS", "EventFinder", "EventSettings", "find_events"]


def __getattr__(name: str) -> Any:
    """The factory's names, imported (with spaCy) only when one is asked for."""
    if name in __all__:
        from app.extract.events import factory

        return getattr(factory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
