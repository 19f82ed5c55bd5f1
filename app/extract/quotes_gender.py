"""Grammatical gender of person actors, for pronoun agreement in the quote-speaker resolver.

No name lists: the evidence is the article itself. Honorifics in a mention ("Mr. Lee", "Mrs. Lee",
"Ms. Lee") and, in one pass over the tokens, the he/his/him or she/her that follows a sentence's only
person mention so far ("Lee said her plan …"). Pronouns resolved later add their own evidence.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc

MALE = frozenset("he him his himself".split())
FEMALE = frozenset("she her hers herself".split())
_HONORIFIC = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f",
              "sir": "m", "lord": "m", "lady": "f", "madam": "f", "dame": "f"}


def pronoun_gender(word: str) -> str | None:
    w = word.lower()
    return "m" if w in MALE else "f" if w in FEMALE else None


class GenderVotes:
    def __init__(self) -> None:
        self.votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, aid: str, g: str, weight: int = 1) -> None:
        self.votes[aid][0 if g == "m" else 1] += weight

    def of(self, aid: str) -> str | None:
        v = self.votes.get(aid)
        if not v or v[0] == v[1]:
            return None
        return "m" if v[0] > v[1] else "f"


def collect(doc: Doc, spans: list[tuple[int, int, str]], person: set[str]) -> GenderVotes:
    gv = GenderVotes()
    text = doc.text
    starts: dict[int, str] = {}
    for s, e, aid in spans:
        if aid not in person:
            continue
        starts.setdefault(s, aid)
        first = text[s:e].split(maxsplit=1)
        g = _HONORIFIC.get(first[0].lower()) if first else None
        if g is None and s >= 4:  # "Mrs. Lee" with the honorific outside the mention
            prev = text[max(0, s - 6):s].split()
            g = _HONORIFIC.get(prev[-1].lower()) if prev else None
        if g is not None:
            gv.add(aid, g, 3)
    if not starts:
        return gv
    seen: set[str] = set()
    for t in doc:
        if t.is_sent_start:
            seen = set()
        aid = starts.get(t.idx)
        if aid is not None:
            seen.add(aid)
            continue
        if len(seen) == 1 and t.pos_ == "PRON":
            g = pronoun_gender(t.text)
            if g is not None:
                gv.add(next(iter(seen)), g)
                seen = set()  # only the first pronoun after the mention counts
    return gv
