"""Actors across articles: `Putin` in one article joins `Vladimir Putin` from another, with the evidence.

The store already gives one actor per canonical slug. Here names that differ but denote the same entity
meet through the indexed alias table: a shared alias, a name that is another actor's alias, a surname,
an acronym. Persons with different first names never merge, and a bare surname shared by several known
people stays apart: without evidence two people are two people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.corrections.guards import kept_apart
from app.db import one_of
from app.keys import normalise_alias
from app.models import Actor, Alias, MergeRecord

COMPATIBLE = {
    frozenset({"organization", "group"}),
    frozenset({"country", "place"}),
}
GENERIC = frozenset({"president", "minister", "government", "company", "group", "the company", "officials"})


def compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE


def acronym(name: str) -> str | None:
    """'European Aeronautic Defence and Space' -> 'eads' (capitalised words only)."""
    parts = [w for w in name.replace("-", " ").split() if w[:1].isupper()]
    return "".join(w[0] for w in parts).lower() if len(parts) >= 3 else None


def family(session: Session, ids: set[int]) -> dict[int, int]:
    """Merged actor id -> surviving actor id, for the actors ``ids`` (an article's) and their whole families.

    Merges are kept one level deep, so two indexed queries suffice whatever the corpus size.
    """
    rows = session.execute(select(Actor.id, Actor.merged_into_id).where(one_of(session, Actor.id, ids)))
    roots = {a: (b if b is not None else a) for a, b in rows}
    children = session.execute(
        select(Actor.id, Actor.merged_into_id).where(one_of(session, Actor.merged_into_id, set(roots.values())))
    )
    out = {a: b for a, b in roots.items() if a != b}
    out.update({a: b for a, b in children if b is not None})
    return out


def _first_name_clash(a: Actor, b: Actor) -> bool:
    pa, pb = a.name.split(), b.name.split()
    return (a.kind == b.kind == "person" and len(pa) > 1 and len(pb) > 1
            and pa[0].rstrip(".").lower() != pb[0].rstrip(".").lower()
            and not (len(pa[0].rstrip(".")) == 1 or len(pb[0].rstrip(".")) == 1))


def _keys(actor: Actor, aliases: list[str]) -> dict[str, str]:
    """Lookup keys for an actor (given its normalised aliases), each with the evidence it stands for."""
    keys: dict[str, str] = {}
    for alias in aliases:
        if alias and alias not in GENERIC and len(alias) >= 3:
            keys.setdefault(alias, "shared alias")
    keys[normalise_alias(actor.name)] = "name is an alias"
    if actor.kind in ("organization", "group") and (short := acronym(actor.name)):
        keys.setdefault(short, "acronym")
    return keys


def merge_article_actors(session: Session, ids: list[int]) -> int:
    """Merge the actors an article mentions (``ids``) into older actors that denote the same entity.

    Three queries whatever the number of actors: the actors, their aliases, and every actor holding one of
    their lookup keys; merges made along the way are followed in memory, so the order of the ids still decides.
    """
    actors = session.scalars(select(Actor).where(one_of(session, Actor.id, ids)).order_by(Actor.id)).all()
    if not actors:
        return 0
    aliases: dict[int, list[str]] = defaultdict(list)
    for actor_id, key in session.execute(select(Alias.actor_id, Alias.normalized).where(one_of(session, Alias.actor_id, ids))
                                         .order_by(Alias.id)):
        aliases[actor_id].append(key)
    keys = {a.id: _keys(a, aliases[a.id]) for a in actors}
    wanted = sorted({k for ks in keys.values() for k in ks})
    holders: dict[str, list[Actor]] = defaultdict(list)
    for key, cand in session.execute(select(Alias.normalized, Actor).join(Actor, Alias.actor_id == Actor.id)
                                     .where(one_of(session, Alias.normalized, wanted)).order_by(Actor.id)):
        holders[key].append(cand)
    merged = 0
    apart = kept_apart(session)  # actors an editor split stay two
    for actor in actors:
        if actor.merged_into_id is not None:
            continue
        found = _best_candidate(session, actor, keys[actor.id], holders, apart)
        if found is not None:
            merge_actor(session, found[0], actor, found[1])  # later look-ups reach it through merged_into_id
            merged += 1
    merged += _merge_short_forms(session, actors, apart)
    session.flush()
    return merged


def _tokens(name: str) -> list[str]:
    return [w for w in normalise_alias(name).replace(".", "").split() if w]


CORPORATE_TAIL = frozenset(["airlines", "airline", "airways", "inc", "corp", "corporation", "company", "co", "group", "ltd", "plc", "holdings", "nv", "sa", "ag", "llc"])


def short_form_of(short: str, long: str) -> bool:
    """'Air Force' is the short form of 'United States Air Force' (its closing words, two or more), and
    'China Eastern' of 'China Eastern Airlines' (its opening words, less a corporate tail)."""
    return _short_tokens_of(_tokens(short), _tokens(long))


def _short_tokens_of(a: list[str], b: list[str]) -> bool:
    if not 2 <= len(a) < len(b):
        return False
    return b[-len(a):] == a or (b[:len(a)] == a and all(w in CORPORATE_TAIL for w in b[len(a):]))


def _merge_short_forms(session: Session, actors: Sequence[Actor], apart: set[frozenset[int]]) -> int:
    """A short name used in the same article as exactly one longer name ending with it is that entity."""
    tokens = {a.id: _tokens(a.name) for a in actors}  # once per actor: the pairs below are quadratic
    merged = 0
    for short in actors:
        if len(tokens[short.id]) < 2:
            continue
        pairs = [b for b in actors if b.id != short.id and compatible(short.kind, b.kind)
                 and _short_tokens_of(tokens[short.id], tokens[b.id])]
        if not pairs:
            continue  # the common case: no names to resolve, no look-ups
        roots = {a.id: (session.get(Actor, a.merged_into_id) if a.merged_into_id else a) for a in [short, *pairs]}
        longer = {r.id: r for b in pairs if (r := roots[b.id]) is not None}
        root = roots[short.id]
        if root is None or len(longer) != 1:
            continue
        target = next(iter(longer.values()))
        if target is None or target.id == root.id or frozenset((target.id, root.id)) in apart:
            continue
        merge_actor(session, target, root, {"evidence": ["short form in the same article"],
                                            "confidence": 0.75, "matched": [short.name]})
        merged += 1
    return merged


def _best_candidate(session: Session, actor: Actor, keys: dict[str, str], holders: dict[str, list[Actor]],
                    apart: set[frozenset[int]]) -> tuple[Actor, dict[str, Any]] | None:
    by_actor: dict[int, tuple[Actor, list[str]]] = {}
    rows = sorted(((key, cand) for key in keys for cand in holders.get(key, ()) if cand.id != actor.id),
                  key=lambda r: r[1].id)
    for key, cand in rows:
        root = cand if cand.merged_into_id is None else session.get(Actor, cand.merged_into_id)
        if root is None or root.id == actor.id or not compatible(actor.kind, root.kind):
            continue
        if frozenset((actor.id, root.id)) in apart:
            continue
        if _first_name_clash(actor, root):
            continue
        by_actor.setdefault(root.id, (root, []))[1].append(key)
    if not by_actor:
        return None
    single_token = len(actor.name.split()) == 1
    people = [a for a, _ in by_actor.values() if a.kind == "person"]
    if actor.kind == "person" and single_token and len(people) > 1:
        return None  # a bare surname shared by several known people: no evidence which one
    scored = []
    for root, matched in by_actor.values():
        evidence = sorted({keys[k] for k in matched})
        similarity = fuzz.token_set_ratio(actor.name, root.name) / 100.0
        confidence = 0.6 + 0.2 * ("name is an alias" in evidence) + 0.1 * ("shared alias" in evidence) \
            + 0.1 * similarity
        scored.append((confidence, -root.id, root, {"matched": sorted(matched), "evidence": evidence,
                                                     "name_similarity": round(similarity, 3),
                                                     "confidence": round(confidence, 3)}))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None  # two equally good entities: leave it to a person
    confidence, _, root, reason = scored[0]
    return (root, reason) if confidence >= 0.7 else None


def merge_actor(session: Session, survivor: Actor, merged: Actor, reason: dict[str, Any]) -> Actor:
    """The older actor survives; the other keeps its rows and points at it, its names become aliases."""
    if merged.id < survivor.id:
        survivor, merged = merged, survivor
    known = {a.normalized for a in survivor.aliases}
    for alias in merged.aliases:
        if alias.normalized not in known:
            known.add(alias.normalized)
            session.add(Alias(actor_id=survivor.id, name=alias.name, normalized=alias.normalized))
    for child in session.scalars(select(Actor).where(Actor.merged_into_id == merged.id)):
        child.merged_into_id = survivor.id
    merged.merged_into_id = survivor.id
    if merged.titles:
        survivor.titles = list(dict.fromkeys([*(survivor.titles or []), *merged.titles]))
    session.add(MergeRecord(kind="actor", survivor_id=survivor.id, merged_id=merged.id,
                            reason={**reason, "names": [survivor.name, merged.name]}))
    session.flush()
    session.expire(survivor, ["aliases"])
    return survivor
