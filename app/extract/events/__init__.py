"""Events: who did what to whom, when and where, typed with the PLOVER ontology.

A trigger is a verb or an event noun listed in data/plover_triggers.tsv (see ``triggers``), or an untyped
verb whose subject is a known actor and that carries its own date ("Russian officials presented the draft
treaty on December 15").  Control verbs fold into their complement (see ``frames``): "agreed to withdraw"
is one AGREE event, "refused to release" one REJECT, "urged X to talk" one REQUEST, "vowed to attack" one
THREATEN.  Importing the package registers the spaCy factory ``dateline_events_v1`` (see ``factory``).
"""

from __future__ import annotations

from app.extract.events.factory import DEFAULT_SETTINGS, EventFinder, EventSettings, find_events

__all__ = ["DEFAULT_SETTINGS", "EventFinder", "EventSettings", "find_events"]
