"""ActorIndex: the actors of one doc by character position, so quotes and events look them up one way."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc

from app.extract.records import Actor

__all__ = ["ActorIndex"]


class ActorIndex:
    """The actors of one doc by position: built once by the actors component, read by quotes and events."""

    def __init__(self, actors: list[Actor], spans: list[tuple[int, int, str]]) -> None:
        self.actors = actors
        self.spans = spans  # sorted (start, end, actor_id) character spans, one per mention
        self._starts = [s for s, _, _ in spans]
        self._kinds = {a.id: a.kind for a in actors}
        # nominal groups tied to a country or organisation (`Russian troops`): their acts are the parent's
        self._affiliated = {a.id for a in actors if a.kind == "group" and a.maker}

    def kind(self, actor_id: str) -> str | None:
        """The actor's kind (one of app.vocab.ACTOR_KINDS), or None for an id not in this doc."""
        return self._kinds.get(actor_id)

    def at(self, start: int, end: int) -> str | None:
        """The id of the actor whose mention overlaps the character span [start, end) the most."""
        best, best_overlap = None, 0
        for s, e, actor_id in self.spans:
            if s >= end:
                break
            overlap = min(e, end) - max(s, start)
            if overlap > best_overlap:
                best, best_overlap = actor_id, overlap
        return best

    def person_before(self, char_pos: int) -> str | None:
        """The person actor mentioned most recently before ``char_pos`` (for resolving `he` / `she`)."""
        return self.last_before(char_pos, "person")

    def last_before(self, char_pos: int, kind: str, window: int | None = None) -> str | None:
        """The actor of ``kind`` mentioned most recently before ``char_pos``, at most ``window`` characters
        back when given ("the airline" is the organisation named last)."""
        i = bisect_left(self.spans, (char_pos, -1, "")) - 1
        while i >= 0:
            s, e, actor_id = self.spans[i]
            if window is not None and char_pos - s > window:
                return None
            if e <= char_pos and self._kinds.get(actor_id) == kind:
                return actor_id
            i -= 1
        return None

    def spans_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The mention spans lying wholly inside the character range [start, end), in text order."""
        out = []
        for k in range(bisect_left(self._starts, start), len(self.spans)):
            s, e, actor_id = self.spans[k]
            if s >= end:
                break
            if e <= end:
                out.append((s, e, actor_id))
        return out

    def token_actors(self, doc: Doc) -> dict[int, str]:
        """Token index -> actor id for every token a mention span touches (the first mention wins). The phrase
        of a group tied to a parent is left out, so an event of `Russian troops` is Russia's, as event coders
        give it; its quotes stay the group's (the speaker resolver reads ``spans``)."""
        by_token: dict[int, str] = {}
        for start, end, actor_id in self.spans:
            if actor_id in self._affiliated:
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                by_token.setdefault(token.i, actor_id)
        return by_token
