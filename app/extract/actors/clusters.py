"""Group candidate mentions into one actor per real-world entity and build the records.

A surname joins the full name, an acronym joins the name it abbreviates, a capital or demonym joins
its country, and the same surface form is one actor throughout the article.  Names already found are
then looked for again, so every further occurrence becomes a mention.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from app.extract.actors.mentions import (
    INITIAL,
    LEADING_DROP,
    ORG_WORDS,
    Cand,
    TokenView,
    acronym,
    casekey,
    is_acronym,
    maker_name,
)
from app.extract.actors.titles import is_role_word, titles_of
from app.extract.records import Actor, Mention
from app.keys import actor_slug

__all__ = ["Clusters", "build", "group", "propagate"]

# The closing word of a company's name that its short form leaves out (`AirTran` for `AirTran Airways`).
CORPORATE_TAILS = frozenset({"airways", "airlines", "inc", "inc.", "corp", "corp.", "corporation", "ltd", "ltd.",
                             "plc", "holdings", "group", "company", "co", "co."})


class Clusters:
    """Candidates grouped by the actor they name: ``members[cid]`` are the mentions of cluster ``cid``."""

    def __init__(self) -> None:
        self.members: list[list[Cand]] = []

    def new(self, cand: Cand) -> int:
        """Open a cluster for ``cand``; returns its id."""
        self.members.append([cand])
        cand.cluster = len(self.members) - 1
        return cand.cluster

    def add(self, cid: int, cand: Cand) -> None:
        """Put ``cand`` into cluster ``cid``."""
        self.members[cid].append(cand)
        cand.cluster = cid


def group(doc: Doc, cands: list[Cand], teams: set[str] | None = None) -> Clusters:
    """One cluster per entity: same canonical entry, same text, surname to full name, acronym to name.
    Clusters found only in headlines or tables in capitals are dropped, unless they are ``teams``."""
    cl = Clusters()
    by_entry: dict[str, int] = {}
    by_text: dict[str, int] = {}
    surnames: dict[str, list[int]] = {}   # token (casefolded) of a multi-word person name -> clusters
    people_full: dict[str, int] = {}
    name_words = {t.text.casefold() for c in cands
                  if c.kind == "person" and c.entry is None and c.end - c.start > 1
                  for t in doc[c.start:c.end]}
    _retype_people(doc, cands)
    # Pass 1: lexicon entries and multi-word person names.
    for c in cands:
        if c.entry is not None and c.end - c.start == 1 and not c.entry.demonym \
                and doc[c.start].text.casefold() in name_words and not _used_as_place(doc, c):
            c.entry, c.kind = None, "person"  # `Jordan` in an article about Eddie Jordan
        if c.entry is not None:
            key = c.entry.kind + ":" + c.entry.name + (":dateline" if c.dateline else "")
            if key in by_entry:
                cl.add(by_entry[key], c)
            else:
                by_entry[key] = cl.new(c)
        elif c.kind == "person" and c.end - c.start > 1:
            key = casekey(doc[c.start:c.end].text)
            if key in people_full:
                cl.add(people_full[key], c)
            else:
                cid = people_full[key] = cl.new(c)
                for t in doc[c.start:c.end]:
                    if t.is_alpha and len(t.text) > 1:
                        surnames.setdefault(t.text.casefold(), []).append(cid)
    org_tails, org_heads = _group_organisations(doc, cands, cl, by_text)
    product_words = _group_products(doc, cands, cl)
    # Pass 2: everything else, by text; a single word that is part of a person's name joins that person.
    for c in cands:
        if c.cluster >= 0:
            continue
        text = doc[c.start:c.end].text
        key = casekey(text)
        words = key.split()
        if key in product_words and c.entry is None:
            c.kind = "product"  # `Dreamliner` after `Boeing 787 Dreamliner`
            cl.add(product_words[key], c)
            continue
        person_hits = [cid for cid in surnames.get(words[-1], []) if all(w in surnames for w in words)] \
            if c.kind in ("person", "organization", "place") and len(words) <= 2 else []
        if person_hits and (c.kind == "person" or len(set(person_hits)) == 1):
            # a bare surname shared by two people goes to the one mentioned most so far (the subject)
            hits = list(dict.fromkeys(person_hits))
            before = [k for k in hits if cl.members[k][0].start < c.start] or hits
            cid = max(before, key=lambda k: (sum(m.start < c.start for m in cl.members[k]),
                                             -cl.members[k][0].start))
            cl.add(cid, c)
        elif c.entry is None and c.kind != "person" and len(org_heads.get(key, ())) == 1:
            c.kind = "organization"
            cl.add(next(iter(org_heads[key])), c)
        elif len(words) == 1 and c.kind == "organization" and len(org_tails.get(key, ())) == 1 \
                and key not in ORG_WORDS:
            cl.add(next(iter(org_tails[key])), c)  # `the Post` after `The New York Post`
        elif key in by_text:
            cl.add(by_text[key], c)
        else:
            by_text[key] = cl.new(c)
    _merge_acronyms(doc, cl)
    _drop_weak(doc, cands, cl, teams or set())
    return cl


def _group_organisations(doc: Doc, cands: list[Cand], cl: Clusters,
                         by_text: dict[str, int]) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Multi-word organisations by text; returns their closing words (`Post` of `The New York Post`) and
    their names less a corporate tail (`AirTran` of `AirTran Airways`), each to the clusters ending so."""
    org_tails: dict[str, set[int]] = {}
    org_heads: dict[str, set[int]] = {}
    for c in cands:
        if c.cluster < 0 and c.kind == "organization" and c.end - c.start > 1 and doc[c.end - 1].is_title:
            key = casekey(doc[c.start:c.end].text)
            cid = by_text[key] if key in by_text else by_text.setdefault(key, cl.new(c))
            if c.cluster < 0:
                cl.add(cid, c)
            org_tails.setdefault(doc[c.end - 1].text.casefold(), set()).add(cid)
            if doc[c.end - 1].lower_ in CORPORATE_TAILS:
                org_heads.setdefault(casekey(doc[c.start:c.end - 1].text), set()).add(cid)
    return org_tails, org_heads


def _drop_weak(doc: Doc, cands: list[Cand], cl: Clusters, teams: set[str]) -> None:
    """Clusters found only where casing says nothing (headlines, tables in capitals) go, unless a team."""
    for cid, members in enumerate(cl.members):
        if members and all(c.weak for c in members) and not any(
                casekey(doc[c.start:c.end].text) in teams for c in members):
            cl.members[cid] = []
    for c in cands:
        if c.cluster >= 0 and not cl.members[c.cluster]:
            c.cluster = -1
    cands[:] = [c for c in cands if c.cluster >= 0]


def _used_as_place(doc: Doc, c: Cand) -> bool:
    """`for Indonesia`, `Indonesia 's air carriers`: the country, even if a name here holds the word."""
    prev = doc[c.start - 1].lower_ if c.start > 0 else ""
    nxt = doc[c.end].text if c.end < len(doc) else ""
    return prev in ("in", "of", "for", "to", "from") or nxt in ("'s", "’s")


def _group_products(doc: Doc, cands: list[Cand], cl: Clusters) -> dict[str, int]:
    """One cluster per model designation (`Airbus A380` and `A380`); returns the product's own name words
    (`dreamliner`) by cluster, so a bare `Dreamliner` joins its product."""
    by_model: dict[str, int] = {}
    words: dict[str, int] = {}
    for c in cands:
        if c.kind != "product" or c.cluster >= 0:
            continue
        key = doc[c.maker].text.casefold()
        if key in by_model:
            cl.add(by_model[key], c)
        else:
            by_model[key] = cl.new(c)
        for t in doc[c.maker + 1:c.end]:
            if t.is_alpha and t.is_title:
                words.setdefault(t.text.casefold(), by_model[key])
    return words


def _retype_people(doc: Doc, cands: list[Cand]) -> None:
    """`Wasim Akram` tagged as an organisation is a person when `Akram` or `Wasim` names a person here."""
    firsts: set[str] = set()
    lasts: set[str] = set()
    for c in cands:
        if c.kind == "person" and c.entry is None and not c.weak:
            words = [t.text for t in doc[c.start:c.end]]
            lasts.add(words[-1])
            if len(words) > 1:
                firsts.add(words[0])
    for c in cands:
        if c.kind == "person" or c.entry is not None or not 1 < c.end - c.start <= 3:
            continue
        toks = doc[c.start:c.end]
        if not all(t.is_title or INITIAL.match(t.text) for t in toks) \
                or {t.lower_ for t in toks} & ORG_WORDS:
            continue
        if INITIAL.match(toks[0].text) or toks[-1].text in lasts or toks[0].text in firsts:
            c.kind = "person"


def propagate(doc: Doc, cands: list[Cand], cl: Clusters, view: TokenView) -> None:
    """Every further occurrence of a name already found in the article is a mention too."""
    forms: dict[tuple[str, ...], int] = {}
    ambiguous: set[tuple[str, ...]] = set()
    for cid, members in enumerate(cl.members):
        for c in members:
            if c.entry is not None and c.entry.demonym:
                continue
            toks = doc[c.start:c.end]
            keys = [tuple(t.text for t in toks)]
            if c.kind == "person" and len(toks) > 1 and len(toks[-1].text) > 2 and toks[-1].is_title:
                keys.append((toks[-1].text,))
            if c.kind == "product" and c.maker > c.start:  # `the A380`, `the 787 Dreamliner`
                keys += [tuple(t.text for t in doc[c.maker:c.end]), (doc[c.maker].text,)]
            for key in keys:
                for k in (key, tuple(w.upper() for w in key)):
                    if forms.get(k, cid) != cid:
                        ambiguous.add(k)
                    forms[k] = cid
    for k in ambiguous:
        forms.pop(k, None)
    if not forms:
        return
    longest = max(len(k) for k in forms)
    covered = [False] * len(doc)
    for c in cands:
        for i in range(c.start, c.end):
            covered[i] = True
    n, i = len(doc), 0
    words = view.words
    firsts = {k[0] for k in forms}
    while i < n:
        if covered[i] or words[i] not in firsts:
            i += 1
            continue
        hit = None
        for length in range(min(longest, n - i), 0, -1):
            key = tuple(words[i:i + length])
            if key in forms and not any(covered[i:i + length]):
                hit = (length, forms[key])
                break
        if hit is None:
            i += 1
            continue
        length, cid = hit
        end = i + length
        if _plausible_occurrence(doc, view, i, end, covered):
            cand = Cand(i, end, cl.members[cid][0].kind, None, False)
            cl.add(cid, cand)
            for j in range(i, end):
                covered[j] = True
        i = end


def _plausible_occurrence(doc: Doc, view: TokenView, start: int, end: int, covered: list[bool]) -> bool:
    """A repeat of a known name counts unless it is part of a longer unrecognised name."""
    if view.caps_line(start):
        return True
    prev = doc[start - 1] if start > 0 else None
    nxt = doc[end] if end < len(doc) else None
    # part of a longer, unrecognised name?
    if prev is not None and not doc[start].is_sent_start and prev.is_alpha and prev.text[:1].isupper() \
            and not covered[prev.i] and prev.lower_ not in LEADING_DROP and not is_role_word(prev):
        return False
    if nxt is not None and nxt.is_alpha and nxt.text[:1].isupper() and not covered[nxt.i] \
            and not nxt.is_sent_start:
        return False
    return not (end - start == 1 and doc[start].is_sent_start and doc[start].pos_ != "PROPN")


def _merge_acronyms(doc: Doc, cl: Clusters) -> None:
    """`Center for Strategic and International Studies (CSIS)` and `CSIS` are one organisation."""
    full: dict[str, int] = {}
    for cid, members in enumerate(cl.members):
        for c in members:
            words = doc[c.start:c.end].text.split()
            if len(words) >= 2 and c.kind in ("organization", "group", "place", "country"):
                full.setdefault(acronym(words, False), cid)
                full.setdefault(acronym(words, True).upper(), cid)
    for cid, members in enumerate(cl.members):
        if not members:
            continue
        c = members[0]
        text = doc[c.start:c.end].text
        if (c.end - c.start != 1 and not is_acronym(text)) or not is_acronym(text):
            continue
        target = None
        # `Full Name (ACR)`: the acronym in parentheses right after a name
        if c.start >= 2 and doc[c.start - 1].text == "(":
            for other_cid, other in enumerate(cl.members):
                if other_cid != cid and any(o.end == c.start - 1 for o in other):
                    target = other_cid
        if target is None:
            target = full.get(text.replace(".", ""))
        if target is not None and target != cid and cl.members[target]:
            tgt = cl.members[target][0]
            if tgt.kind == "person" or (tgt.entry is not None and members[0].entry is not None):
                continue
            for m in members:
                m.cluster = target
            cl.members[target].extend(members)
            cl.members[cid] = []


def _kind_of(doc: Doc, members: list[Cand], organisations: set[str]) -> str:
    """A lexicon entry decides (a city the article shows to be a team is one), then a product's designation,
    then the article's evidence that the name is a company or a team (``organisations``, evidence.py); else
    the recogniser's majority, a multi-word person name winning."""
    shown = any(casekey(doc[c.start:c.end].text) in organisations for c in members if not c.dateline)
    for c in members:
        if c.entry is not None:
            return "organization" if shown and c.entry.kind == "place" else c.entry.kind
    if any(c.kind == "product" for c in members):
        return "product"
    if shown:
        return "organization"
    votes = Counter(c.kind for c in members if c.from_ent)
    if not votes:
        votes = Counter(c.kind for c in members)
    if votes.get("person") and any(c.end - c.start > 1 and c.kind == "person" for c in members):
        return "person"
    return votes.most_common(1)[0][0]


def _display(text: str, kind: str) -> str:
    """Title-case a name written in capitals in a headline or dateline (`VLADIMIR PUTIN`, `TIRASPOL`)."""
    if text.isupper() and len(text) > 4 and (" " in text or kind == "place"):
        return " ".join(w.capitalize() if len(w) > 3 else w for w in text.split())
    return text


def _name_of(doc: Doc, original: str, members: list[Cand], kind: str) -> str:
    """The canonical name: the lexicon's, else the fullest form written in the article."""
    for c in members:
        if c.entry is not None:
            return c.entry.name
    forms = [original[doc[c.start].idx:doc[c.end - 1].idx + len(doc[c.end - 1])] for c in members]
    forms = [" ".join(f.split()) for f in forms]
    mixed = [f for f in forms if not f.isupper() or is_acronym(f)] or forms
    if kind == "person":
        best = max(mixed, key=lambda f: (len(f.split()), len(f)))
    else:
        longer = [f for f in mixed if not is_acronym(f)] or mixed
        best = max(longer, key=lambda f: (len(f.split()) > 1, forms.count(f), len(f)))
    return _display(best, kind)


def build(doc: Doc, cl: Clusters, max_appos_tokens: int,
          organisations: set[str] | None = None) -> tuple[list[Actor], list[tuple[int, int, str]]]:
    """One Actor per non-empty cluster (id from its canonical name) and the sorted mention spans."""
    organisations = organisations or set()
    products: list[tuple[list[Cand], Actor]] = []
    original = doc._.dl_original if doc._.dl_original is not None else doc.text
    actors: list[Actor] = []
    spans: list[tuple[int, int, str]] = []
    used: dict[str, str] = {}
    for members in cl.members:
        if not members:
            continue
        members.sort(key=lambda c: c.start)
        kind = _kind_of(doc, members, organisations)
        name = _name_of(doc, original, members, kind)
        slug = actor_slug(name)
        if used.get(slug, kind) != kind:
            slug = f"{slug}-{kind}"
        if slug in used:
            # same name and kind reached by two routes: fold into the existing actor
            actor = next(a for a in actors if a.id == slug)
        else:
            used[slug] = kind
            actor = Actor(id=slug, name=name, kind=kind)
            actors.append(actor)
        if kind == "product":
            products.append((members, actor))
        for c in members:
            s = doc[c.start].idx
            e = doc[c.end - 1].idx + len(doc[c.end - 1])
            text = original[s:e]
            if text != text.strip():
                s += len(text) - len(text.lstrip())
                e -= len(text) - len(text.rstrip())
                text = original[s:e]
            if not text:
                continue
            actor.mentions.append(Mention(s, e, text))
            spans.append((s, e, slug))
            if text != name and text not in actor.aliases:
                actor.aliases.append(text)
            if kind == "person":
                for t in c.titles + titles_of(doc, c.start, c.end, max_appos_tokens):
                    if t not in actor.titles:
                        actor.titles.append(t)
    for actor in actors:
        actor.mentions.sort(key=lambda m: m.start)
    _link_makers(doc, products, actors)
    spans.sort()
    return actors, spans


def _link_makers(doc: Doc, products: list[tuple[list[Cand], Actor]], actors: list[Actor]) -> None:
    """Each product names its maker's actor id; a maker named only inside its products (`Airbus A380`)
    becomes an organisation of the article without mentions of its own, since it is not the one acting."""
    by_form: dict[str, Actor] = {}
    for actor in actors:
        if actor.kind != "product":
            for form in (actor.name, *actor.aliases, *(m.text for m in actor.mentions)):
                by_form.setdefault(casekey(form), actor)
    for members, product in products:
        makers = [maker_name(doc, c) for c in members if c.kind == "product" and c.maker > c.start]
        if not makers:
            continue
        name = Counter(" ".join(m.split()) for m in makers).most_common(1)[0][0]
        maker = by_form.get(casekey(name))
        if maker is None:
            maker = by_form[casekey(name)] = Actor(id=actor_slug(name), name=name, kind="organization")
            actors.append(maker)
        product.maker = maker.id
