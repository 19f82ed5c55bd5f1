"""Candidate actor mentions in a parsed Doc: spaCy's entities, trimmed and typed, plus lexicon hits.

Entities lose a leading `the`, possessives, role words and trailing scores; entities that run over
` - ` or a stray lower-case word are split.  The lexicon adds countries, capitals and seats of
government the recogniser missed, acronyms in parentheses and dateline cities.  Mentions found in
headlines (all capitals, Title Case) are marked weak: they count only if they join an actor found
elsewhere in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from app.extract.actors.lexicon import DATA_DIR, Entry, Lexicon
from app.extract.actors.products import find_products, numbered_noun
from app.extract.actors.titles import HONORIFICS, is_role_word, strip_leading_titles, title_before
from app.extract.lexicon import word_set

__all__ = ["CALENDAR", "COMPANY_AFTER", "COMPANY_NOUNS", "ENT_KINDS", "INITIAL", "LEADING_DROP", "ORG_WORDS", "SCORE",
           "SPORT_WORDS", "TEAM_AFTER", "TEAM_VERBS", "Cand", "TokenView", "acronym", "casekey", "collect",
           "is_acronym", "maker_name"]

ENT_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place",
             "NORP": "group"}
LEADING_DROP = frozenset({"the", "a", "an", "'s", "’s"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_DOMAIN = re.compile(r"\.(?:com|net|org|vn|co|uk|ru|cn|info|gov|edu|io)\b", re.IGNORECASE)
# A news site named as a source (`Detik.com quoted Djamal`), not a web address: one capitalised word and its domain.
_SITE_NAME = re.compile(r"^[A-Z][A-Za-z0-9-]*\.(?:com|net|org)$")
_PRONOUNS = frozenset({
    "he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "his", "hers", "its", "their", "our",
    "us"
})
_BAD_NAME = re.compile(r"^[\W\d_]+$")
_WORDS = word_set(DATA_DIR / "name_words.tsv", classes=("organization", "place", "link", "company", "company_after",
                                                        "sport", "team_after", "team_verb"))
# Lower-case words that may sit inside a name (`Council on Foreign Relations`, `Charles de Gaulle`).
_NAME_LINKS = _WORDS["link"]
CALENDAR = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$|"
                       r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day$", re.IGNORECASE)
INITIAL = re.compile(r"^[A-Z]\.$")
_NAME_PREFIX = re.compile(r"^(?:O|D|Mc|Mac)$")  # `O' Leary`, `D' Souza` written with a space
SCORE = re.compile(r"^\d+([-/.:,=]\d+)*[=]?$")
_DATE_TOKEN = re.compile(r"^\d{1,4}([-/.]\d{1,2}){1,2}$")
# Words that make a name an organisation whatever the entity recogniser said.
ORG_WORDS = _WORDS["organization"]
# Nouns after a one-word name that make it a place (`Donetsk region`).
_PLACE_NOUNS = _WORDS["place"]
# Nouns that call a name a company (`airline Ryanair`) and words after a name only a company takes (`Ryanair CEO`).
COMPANY_NOUNS = _WORDS["company"]
COMPANY_AFTER = _WORDS["company_after"]
# What makes a city or county a team in a sports report (evidence.team_names).
SPORT_WORDS, TEAM_AFTER, TEAM_VERBS = _WORDS["sport"], _WORDS["team_after"], _WORDS["team_verb"]


@dataclass(slots=True)
class Cand:
    """A candidate mention: a token span with a kind, later given the cluster (actor) it belongs to."""

    start: int  # token indices [start, end)
    end: int
    kind: str
    entry: Entry | None = None
    from_ent: bool = True
    titles: list[str] = field(default_factory=list)
    cluster: int = -1
    weak: bool = False  # an entity found in an all-capitals line, where casing gives no evidence
    maker: int = -1  # a product's: the token of its designation, where its maker's name ends (`A380`)
    maker_end: int = -1  # where the maker's name ends when a model line follows it (`Rolls-Royce Trent 900`)
    dateline: bool = False  # the place a story is filed from (`NEW YORK 1996-08-30`), even if a team shares its name


def maker_name(doc: Doc, c: Cand) -> str:
    """The maker's name a product candidate opens with (`Rolls-Royce` of `Rolls-Royce Trent 900`), or ''."""
    if c.kind != "product" or c.maker <= c.start:
        return ""
    return doc[c.start:c.maker_end if c.start < c.maker_end <= c.maker else c.maker].text


def casekey(text: str) -> str:
    """The key two spellings of one name share: spacing and case ignored."""
    return " ".join(text.split()).casefold()


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading `the`, possessives, trailing punctuation, numbers and lower-case words."""
    while start < end and (doc[start].lower_ in LEADING_DROP or doc[start].is_punct or doc[start].is_space
                           or doc[start].is_lower or SCORE.match(doc[start].text)
                           or (CALENDAR.match(doc[start].text) and doc[start].ent_type_ != "PERSON")):
        start += 1
    while end > start:
        tok = doc[end - 1]
        if tok.text == "." and end - 1 > start and len(doc[end - 2].text) == 1 and doc[end - 2].is_upper:
            break  # keep the dot of an initial
        if tok.is_punct or tok.is_space or tok.text in _POSSESSIVE or tok.is_lower \
                or SCORE.match(tok.text):
            end -= 1
        else:
            break
    return start, end


def _pieces(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Split an entity that runs over ` - ` or `, ` between names (`Romania - Cosmin Contra`)."""
    out, s = [], start
    for i in range(start + 1, end - 1):
        if doc[i].is_space or "\n" in doc[i - 1].whitespace_:
            out.append((s, i))
            s = i + 1 if doc[i].is_space else i
        elif (doc[i].text in ("-", "--", ",", "(", ")") and doc[i + 1].text[:1].isupper()
              and (doc[i].whitespace_ or doc[i].text in ",()")) or _splits_at_possessive(doc, i) \
                or SCORE.match(doc[i].text) or (doc[i].is_lower and doc[i].lower_ not in _NAME_LINKS
                                                 and doc[i].text not in _POSSESSIVE):
            out.append((s, i))
            s = i + 1
    out.append((s, end))
    return out


def _splits_at_possessive(doc: Doc, i: int) -> bool:
    """A possessive inside an entity ends a name (`Japan 's ANA`), unless it follows a plural common noun
    (`People 's Republic of China`, `Workers ' Party`) or a name prefix (`O' Leary`)."""
    if doc[i].text not in _POSSESSIVE:
        return False
    before = doc[i - 1]
    return not (before.tag_ in ("NNS", "NNPS") or _NAME_PREFIX.match(before.text))


def _skip(text: str, doc: Doc, start: int, end: int) -> bool:
    """Not a name at all: punctuation or digits, a pronoun, a web address, or only lower-case words."""
    if not text or _BAD_NAME.match(text) or text.casefold() in _PRONOUNS:
        return True
    if _SITE_NAME.match(text):
        return False
    if _DOMAIN.search(text):
        return True
    return all(t.is_lower for t in doc[start:end] if t.is_alpha)


def _in_credit(doc: Doc, start_char: int, end_char: int) -> bool:
    """Inside a photo credit or the source line, which name agencies, not actors of the story."""
    layout = doc._.dl_layout
    if layout is None:
        return False
    if layout.in_blanked(start_char, end_char):
        return True
    src = layout.source_span
    return bool(src and start_char < src[1] and src[0] < end_char)


class TokenView:
    """Per-token facts of one doc, read once (token access through spaCy is slow in loops).

    ``caps_share`` is the share of capitalised words that makes a line a headline in capitals."""

    def __init__(self, doc: Doc, caps_share: float) -> None:
        self.caps_share = caps_share
        self.words = [t.text for t in doc]
        self.caps = [False] * len(doc)
        for sent in doc.sents:
            letters = [w for w in self.words[sent.start:sent.end] if w.isalpha()]
            if len(letters) >= 2 and sum(w.isupper() for w in letters) >= caps_share * len(letters):
                for i in range(sent.start, sent.end):
                    self.caps[i] = True

    def caps_line(self, i: int) -> bool:
        """Token ``i`` is on a line written in capitals, where casing says nothing about names."""
        return self.caps[i]


def collect(doc: Doc, lex: Lexicon, view: TokenView) -> list[Cand]:
    """Mentions from entities plus the lexicon, trimmed, typed and non-overlapping, in text order."""
    taken = [False] * len(doc)
    cands: list[Cand] = _dateline_places(doc, lex, taken)
    products = [Cand(s, e, "product", None, True, maker=d, maker_end=m) for s, m, d, e in find_products(doc, taken)]
    cands.extend(products)
    bare_models = {i for c in products if c.start == c.maker for i in range(c.start, c.end)}
    for label, ent_start, ent_end in _joined_entities(doc):
        kind = ENT_KINDS.get(label)
        if kind is None:
            continue
        for start, end in _pieces(doc, ent_start, ent_end):
            while end > start and end - 1 in bare_models:
                end -= 1  # `Air France A330` read as one name: the A330 is the product, Air France flies it
            cand = _from_entity(doc, lex, view, label, kind, start, end)
            if cand is not None and not any(taken[cand.start:cand.end]):
                cands.append(cand)
                for i in range(cand.start, cand.end):
                    taken[i] = True
    cands.extend(_lexicon_scan(doc, lex, view, taken))
    cands.extend(_parenthesised_acronyms(doc, cands, taken))
    cands.extend(_names_before_nationality(doc, cands, taken))
    cands.sort(key=lambda c: c.start)
    return _drop_title_fragments(doc, _drop_spelled_terms(doc, cands))


def _drop_spelled_terms(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """`Maintenance , Repair and Overhaul ( MRO )`: a list of capitalised common words spelling out an
    acronym is a term, not a name (an organisation's expansion has no comma list, or an organisation word
    such as `Command`); its words and the acronym are no actors."""
    drop: set[tuple[int, int]] = set()
    for i in range(2, len(doc) - 1):
        if doc[i - 1].text != "(" or doc[i + 1].text != ")" or not is_acronym(doc[i].text):
            continue
        letters = doc[i].text.replace(".", "")
        words: list[Token] = []
        k, comma = i - 2, False
        while k >= 0 and len(words) < len(letters) and "\n" not in doc[k].whitespace_:
            tok = doc[k]
            if tok.text == ",":
                comma = True
            elif tok.lower_ not in ("and", "&"):
                if not (tok.is_alpha and tok.is_title):
                    break
                words.append(tok)
            k -= 1
        if comma and len(words) == len(letters) and "".join(t.text[0] for t in reversed(words)) == letters \
                and not any(t.lower_ in ORG_WORDS for t in words):
            drop.add((words[-1].i, i + 1))
    if not drop:
        return cands
    return [c for c in cands if not any(s <= c.start and c.end <= e for s, e in drop)]


def _joined_entities(doc: Doc) -> list[tuple[str, int, int]]:
    """The doc's entities as ``(label, start, end)``, with `Air` + a country an airline (`Air China`) and
    names the recogniser cut in two joined again:
    `Lockheed` + `Martin` (an organisation and a lone capitalised word right after it) and `Michael O'` +
    `Leary` (a name ending in an Irish or Norman prefix)."""
    ents = list(doc.ents)
    out: list[tuple[str, int, int]] = []
    k = 0
    while k < len(ents):
        ent = ents[k]
        label, start, end = ent.label_, ent.start, ent.end
        nxt = ents[k + 1] if k + 1 < len(ents) else None
        if label in ("GPE", "LOC", "NORP") and start > 0 and doc[start - 1].text == "Air" \
                and not doc[start - 1].ent_type_ and "\n" not in doc[start - 1].whitespace_:
            out.append(("ORG", start - 1, end))  # `Air China`, `Air India`: an airline, not the country
            k += 1
            continue
        if nxt is not None and nxt.start == end and "\n" not in doc[end - 1].whitespace_:
            if label == "ORG" and nxt.label_ == "PRODUCT" and len(nxt) == 1 and nxt[0].is_alpha and nxt[0].is_title:
                out.append((label, start, nxt.end))
                k += 2
                continue
            if label == "PERSON" and end - start >= 3 and doc[end - 1].text in _POSSESSIVE \
                    and _NAME_PREFIX.match(doc[end - 2].text) and nxt[0].is_title:
                out.append((label, start, nxt.start + 1))
                if len(nxt) > 1:
                    out.append((nxt.label_, nxt.start + 1, nxt.end))
                k += 2
                continue
        out.append((label, start, end))
        k += 1
    return out


def _names_before_nationality(doc: Doc, cands: list[Cand], taken: list[bool]) -> list[Cand]:
    """`Monica Seles ( U.S. )`, `Jan Ullrich (Germany)`: a name followed by a bracketed country is a person."""
    out = []
    for c in cands:
        if c.kind != "country" or c.start < 3 or c.end >= len(doc) or doc[c.start - 1].text != "(" \
                or doc[c.end].text != ")":
            continue
        end = c.start - 1
        start = end
        while start > 0 and end - start < 3 and not taken[start - 1] and doc[start - 1].tag_ == "NNP" \
                and (doc[start - 1].is_title or INITIAL.match(doc[start - 1].text)) \
                and "\n" not in doc[start - 1].whitespace_:
            start -= 1
        if end - start >= 2 and not any(t.lower_ in ORG_WORDS for t in doc[start:end]):
            out.append(Cand(start, end, "person", None, True))
            for i in range(start, end):
                taken[i] = True
    return out


def _drop_title_fragments(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """`Secretary of State Antony Blinken`, `Defense Secretary Lloyd Austin`: `State` and `Defense` are
    parts of a title, not organisations."""
    drop: set[int] = set()
    for k, c in enumerate(cands):
        if c.kind != "person" or not c.from_ent:
            continue
        span = title_before(doc, c.start, c.end)
        if span is None:
            continue
        for j in range(k - 1, -1, -1):
            o = cands[j]
            if o.start < span.start:
                break
            if o.entry is None and o.kind == "organization" and o.end - o.start == 1 and (
                    doc[o.start - 1].lower_ == "of" or is_role_word(doc[o.end])):
                drop.add(j)
    return [c for k, c in enumerate(cands) if k not in drop] if drop else cands


def _from_entity(doc: Doc, lex: Lexicon, view: TokenView, label: str, kind: str, start: int,
                 end: int) -> Cand | None:
    start, end = _trim(doc, start, end)
    if start >= end:
        return None
    titles: list[str] = []
    entry = lex.lookup(doc[start:end].text)
    if doc[start].lower_ in HONORIFICS and end - start > 1 and entry is None:
        label, kind = "PERSON", "person"  # `Ms Diemont` tagged as an organisation
    if label == "ORG" and end - start > 2 and is_role_word(doc[start]) and entry is None \
            and all(t.is_title for t in doc[start + 1:end]) and not {t.lower_ for t in doc[start:end]} & ORG_WORDS:
        label, kind = "PERSON", "person"  # `Spokeswoman Sandy Angers` read as an organisation
    if label == "PERSON":
        new_start, title = strip_leading_titles(doc, start, end)
        if new_start != start:
            start = new_start
            entry = lex.lookup(doc[start:end].text)
            if title:
                titles.append(title)
    if entry is None and end - start > 1 and label == "PERSON":
        # `Russian Vladimir Putin`: a leading demonym is not part of a person's name
        lead = lex.lookup(doc[start].text)
        if lead is not None and lead.demonym:
            titles.append(doc[start].text)
            start += 1
    if end - start > 1 and doc[end - 1].lower_ == "flight" and end < len(doc) and doc[end].like_num:
        end -= 1  # `Air France Flight 447`: the airline, whose flight it is
        label, kind, entry = "ORG", "organization", lex.lookup(doc[start:end].text)
    text = doc[start:end].text
    end_char = doc[end - 1].idx + len(doc[end - 1])
    if _hyphen_prefixed(doc, start) or _skip(text, doc, start, end) or numbered_noun(doc, start, end) \
            or _in_credit(doc, doc[start].idx, end_char):
        return None
    nxt = doc[end] if end < len(doc) else None
    if label == "PERSON" and entry is None and nxt is not None and nxt.lower_ == "administration":
        return Cand(start, end + 1, "organization", None, True)  # `the Biden administration`
    if entry is not None:
        if entry.demonym and nxt is not None and nxt.text[:1].isupper() and not is_role_word(nxt) \
                and not nxt.is_sent_start:
            return None  # `Iraqi Kurds`: the demonym is part of another name
        kind = entry.kind
    elif label == "NORP":
        if end - start == 1 and start > 0 and doc[start - 1].lower_ == "the" and doc[start].tag_ == "NNP":
            kind = "place"  # `the Caucasus`: a region, not a people (`the Kurds` is NNPS)
        elif not (doc[end - 1].tag_ in ("NNPS", "NNS") or text.endswith("s")):
            return None  # an adjective (`Eastern European`), not a group of people
        else:
            kind = "group"
    else:
        words = {t.lower_ for t in doc[start:end]}
        if end - start > 1 and words & ORG_WORDS:
            kind = "organization"
        elif kind == "person" and text in lex.regions and not view.caps_line(start):
            kind = "place"  # `Arbil`, `Michoacan`: a province or state
        elif kind == "person" and end - start == 1 and (
                (start > 0 and doc[start - 1].lower_ in ("in", "near"))
                or (nxt is not None and nxt.lower_ in _PLACE_NOUNS) or _before_its_country(doc, lex, end)):
            kind = "place"
        elif end - start == 1 and doc[start].dep_ == "compound" and doc[start].head.i > start \
                and doc[start].head.lower_ in _PLACE_NOUNS:
            kind = "place"  # `the Kadamovskiy training ground`: the name of a place
    # Weak evidence: a headline in capitals, or a lone capitalised common noun (`Attendance`, `Extras`).
    # Such a mention is kept only if it joins an actor found elsewhere.
    weak = entry is None and (view.caps_line(start) or _in_title(doc, start, view.caps_share) or (
        end - start == 1 and doc[start].tag_ not in ("NNP", "NNPS") and not is_acronym(text)))
    return Cand(start, end, kind, entry, True, titles, weak=weak)


def _before_its_country(doc: Doc, lex: Lexicon, end: int) -> bool:
    """`Toulouse , France`, `from Toulouse in France`: a name followed by its country or state is a place."""
    if end + 1 >= len(doc) or not (doc[end].text == "," or (
            doc[end].lower_ == "in" and end >= 2 and doc[end - 2].pos_ == "ADP")):
        return False
    nxt = doc[end + 1]
    entry = lex.lookup(nxt.text)
    return (entry is not None and entry.kind == "country" and not entry.demonym) or nxt.text in lex.regions


def _in_title(doc: Doc, start: int, caps_share: float) -> bool:
    """Headlines capitalise every word, so the entity recogniser over-fires there."""
    layout = doc._.dl_layout
    span = layout.title_span if layout is not None else None
    if not span or not span[0] <= doc[start].idx < span[1]:
        return False
    words = [w for w in (layout.title or "").split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= caps_share * len(words)


def _hyphen_prefixed(doc: Doc, start: int) -> bool:
    """`pro-Moscow`, `anti-American`: a name inside a hyphenated modifier."""
    return start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ \
        and not doc[start - 1].whitespace_ and doc[start - 2].is_lower


def _parenthesised_acronyms(doc: Doc, cands: list[Cand], taken: list[bool]) -> list[Cand]:
    """`Kurdistan Democratic Party ( KDP )`: the acronym is a mention of the name before it."""
    out = []
    ends = {c.end: c for c in cands if c.kind != "person"}
    for c in list(ends.values()):
        i = c.end
        if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and not taken[i + 1] \
                and is_acronym(doc[i + 1].text):
            out.append(Cand(i + 1, i + 2, c.kind if c.kind != "country" else "organization", None, True))
            taken[i + 1] = True
    return out


def _dateline_places(doc: Doc, lex: Lexicon, taken: list[bool]) -> list[Cand]:
    """`BONN 1996-08-30`, `MOSCOW, Dec 17`: the capitalised words opening a dateline are a place."""
    out = []
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        k = 0
        while k < len(toks) and k < 4 and toks[k].is_alpha and toks[k].is_upper:
            k += 1
        if not 0 < k < len(toks) or any(taken[t.i] for t in toks[:k]):
            continue
        first = toks[0].i
        if first > 0 and "\n" not in doc[first - 1].text + doc[first - 1].whitespace_:
            continue  # a dateline opens a line
        nxt = toks[k]
        after = toks[k + 1] if k + 1 < len(toks) else None
        if _DATE_TOKEN.match(nxt.text) or nxt.ent_type_ == "DATE" or (
                nxt.text == "," and after is not None and after.ent_type_ == "DATE"):
            s, e = toks[0].i, toks[k - 1].i + 1
            entry = lex.lookup(doc[s:e].text)
            out.append(Cand(s, e, entry.kind if entry else "place", entry, True, dateline=True))
            for i in range(s, e):
                taken[i] = True
    return out


def _lexicon_scan(doc: Doc, lex: Lexicon, view: TokenView, taken: list[bool]) -> list[Cand]:
    """Countries, capitals and seats of government the entity recogniser missed."""
    out: list[Cand] = []
    n = len(doc)
    words = view.words
    first_words = lex.first_words
    i = 0
    while i < n:
        if taken[i] or words[i] not in first_words or not words[i][:1].isupper():
            i += 1
            continue
        tok = doc[i]
        found = None
        for length in range(min(lex.max_words, n - i), 0, -1):
            if any(taken[i:i + length]) or not words[i + length - 1].strip():
                continue
            entry = lex.lookup(doc[i:i + length].text)
            if entry is not None and not entry.demonym:
                found = (length, entry)
                break
        if found is None:
            i += 1
            continue
        length, entry = found
        end = i + length
        caps = view.caps_line(i)
        if not caps:
            # part of a longer name (`George Washington`, `Moscow State University`)?
            prev = doc[i - 1] if i > 0 else None
            prev_cap = prev is not None and prev.text[:1].isupper() and not doc[i].is_sent_start and \
                prev.lower_ not in LEADING_DROP and not prev.is_punct and \
                not (prev.is_sent_start and prev.pos_ != "PROPN")
            next_cap = end < n and doc[end].text[:1].isupper() and doc[end].pos_ == "PROPN" \
                and not is_role_word(doc[end])
            if prev_cap or next_cap:
                i = end
                continue
        elif len(doc[i:end].text) <= 3:
            i = end
            continue
        end_char = doc[end - 1].idx + len(doc[end - 1])
        if not _in_credit(doc, tok.idx, end_char) and not _hyphen_prefixed(doc, i):
            out.append(Cand(i, end, entry.kind, entry, False))
            for k in range(i, end):
                taken[k] = True
        i = end
    return out


def acronym(words: list[str], keep_small: bool) -> str:
    """The initials of a name (`Kurdistan Democratic Party` -> `KDP`); ``keep_small`` keeps `of`, `and`..."""
    return "".join(w[0] for w in words if w[:1].isupper() or (keep_small and w not in ("&",)))


def is_acronym(text: str) -> bool:
    """Two to seven capitals, dots allowed (`NATO`, `U.N.`): a name that may stand for a longer one."""
    core = text.replace(".", "")
    return 2 <= len(core) <= 7 and core.isalpha() and core.isupper()
