"""Grammatical gender of person actors, for pronoun agreement in the quote-speaker resolver.

No name lists: the evidence is the article itself. Honorifics in a mention ("Mr. Lee", "Mrs. Lee",
"Ms. Lee") and, in one pass over the tokens, the he/his/him or she/her that follows a sentence's only
person mention so far ("Lee said her plan …"). Pronouns resolved later add their own evidence.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc

from app.extract.actors.index import ActorIndex
from app.extract.quotes.lexicon import FEMALE, HONORIFICS, MALE

HONORIFIC_WEIGHT = 3  # an honorific outweighs a few pronouns read off the parse


def pronoun_gender(word: str) -> str | None:
    """"m" or "f" for a gendered pronoun, else None."""
    w = word.lower()
    return "m" if w in MALE else "f" if w in FEMALE else None


class GenderVotes:
    """Male/female evidence per actor id; a tie (or no evidence) is unknown."""

    def __init__(self) -> None:
        self.votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, actor_id: str, gender: str, weight: int = 1) -> None:
        self.votes[actor_id][0 if gender == "m" else 1] += weight

    def of(self, actor_id: str) -> str | None:
        v = self.votes.get(actor_id)
        if not v or v[0] == v[1]:
            return None
        return "m" if v[0] > v[1] else "f"


def _honorific_gender(text: str, start: int, end: int) -> str | None:
    first = text[start:end].split(maxsplit=1)
    gender = HONORIFICS.get(first[0].lower()) if first else None
    if gender is None and start >= 4:  # "Mrs. Lee" with the honorific outside the mention
        prev = text[max(0, start - 6):start].split()
        gender = HONORIFICS.get(prev[-1].lower()) if prev else None
    return gender


def collect(doc: Doc, index: ActorIndex) -> GenderVotes:
    """The gender evidence the article gives for each of its person actors."""
    votes = GenderVotes()
    text = doc.text  # built anew on every access
    person_at: dict[int, str] = {}
    for start, end, actor_id in index.spans:
        if index.kind(actor_id) != "person":
            continue
        person_at.setdefault(start, actor_id)
        gender = _honorific_gender(text, start, end)
        if gender is not None:
            votes.add(actor_id, gender, HONORIFIC_WEIGHT)
    if not person_at:
        return votes
    seen: set[str] = set()
    for t in doc:
        if t.is_sent_start:
            seen = set()
        mentioned = person_at.get(t.idx)
        if mentioned is not None:
            seen.add(mentioned)
            continue
        if len(seen) == 1 and t.pos_ == "PRON":
            gender = pronoun_gender(t.text)
            if gender is not None:
                votes.add(next(iter(seen)), gender)
                seen = set()  # only the first pronoun after the mention counts
    return votes
