"""Dateline's one vocabulary: the closed sets every layer (extraction, storage, pages) agrees on."""

from __future__ import annotations

ACTOR_KINDS: tuple[str, ...] = ("person", "organization", "country", "group", "place", "product", "role")
QUOTE_KINDS: tuple[str, ...] = ("direct", "indirect")
MODALITIES: tuple[str, ...] = ("asserted", "planned", "possible", "negated")
NEGATED = MODALITIES[3]  # what the articles say did not happen: on event pages, not on timelines by default
TIMEX_TYPES: tuple[str, ...] = ("DATE", "TIME", "DURATION", "SET")

# PLOVER 0.8 event types, in the ontology's order (cooperation first, material conflict last).
PLOVER_LABELS: dict[str, str] = {
    "AGREE": "Agree", "CONSULT": "Consult", "SUPPORT": "Support", "CONCEDE": "Concede",
    "COOPERATE": "Cooperate", "AID": "Aid", "RETREAT": "Retreat", "REQUEST": "Request",
    "ACCUSE": "Accuse", "REJECT": "Reject", "THREATEN": "Threaten", "PROTEST": "Protest",
    "SANCTION": "Sanction", "MOBILIZE": "Mobilize", "COERCE": "Coerce", "ASSAULT": "Assault",
}
PLOVER_TYPES: tuple[str, ...] = tuple(PLOVER_LABELS)
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
MATERIAL_CONFLICT = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"})
VERBAL = frozenset({"AGREE", "SUPPORT", "REQUEST", "ACCUSE", "REJECT", "THREATEN"})
