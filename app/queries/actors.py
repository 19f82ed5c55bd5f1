"""Actor pages: the list with activity counts, and one actor's names, activity, events, quotes and partners."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, exists, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from app.keys import normalise_alias
from app.models import Actor, ActorEventCount, ActorRole, Alias, Event, EventTarget, ProductMaker, Quote, live
from app.queries import counters
from app.queries.actor_timeline import actor_event_ids, actor_family
from app.queries.cache import cached
from app.queries.common import MONTHS, actor_ref, event_rows, live_events, newest_first, newest_rows
from app.queries.corrections import history
from app.queries.errors import BadInput, Moved, NotFound
from app.queries.events import quote_ref
from app.queries.timeline import walk_by_date
from app.vocab import ACTOR_KINDS

ROLE_UNSETTLED = ("A role named without its holder. These articles do not settle who held it on their dates, "
                  "so the role as written stands for the speaker and the source.")


ACTOR_PAGE_SIZE = 100


def _ranking(session: Session, q: str, kind: str) -> list[int]:
    """The ids of every live actor matching ``q`` and ``kind``, most events first (then by name).

    One query over the actors joined to their counters (no event is counted); the ranking itself is cached,
    so paging through it costs one query for the page's rows.
    """
    n = func.coalesce(ActorEventCount.events, 0)
    stmt = (select(Actor.id).outerjoin(ActorEventCount, ActorEventCount.actor_id == Actor.id).where(live(Actor))
            .order_by(n.desc(), Actor.name))
    if kind:
        stmt = stmt.where(Actor.kind == kind)
    if q:
        key = f"%{normalise_alias(q)[:100]}%"
        stmt = stmt.where(or_(func.lower(Actor.name).like(key),
                              Actor.id.in_(select(Alias.actor_id).where(Alias.normalized.like(key)))))
    ranked = list(session.scalars(stmt))
    members = _member_groups(session)
    # stable: member groups keep their order among themselves, after every other actor
    return [i for i in ranked if i not in members] + [i for i in ranked if i in members]


def _member_groups(session: Session) -> set[int]:
    """Nominal groups (`United States officials`, `analysts`: a name ending in a common noun) rank after
    every other actor, so they do not swamp the list; they are counted, and listed on their parent's page."""
    rows = session.execute(select(Actor.id, Actor.name).where(Actor.kind == "group", live(Actor))).all()
    return {ident for ident, name in rows if name.split() and name.split()[-1].islower()}


def actor_list(session: Session, q: str = "", kind: str = "", page: int = 1,
               limit: int | None = ACTOR_PAGE_SIZE) -> dict[str, Any]:
    """One page of actors ranked by how many events they take part in; ``q`` matches names and aliases.

    ``total`` counts every live actor that matches, the number ``/index.json`` and ``dateline stats`` give
    when nothing is filtered; ``limit=None`` returns them all (the CSV).
    """
    kind = (kind or "").strip().lower()
    if kind and kind not in ACTOR_KINDS:
        raise BadInput(f"'kind' must be one of {', '.join(ACTOR_KINDS)}, not '{kind}'.")
    q = (q or "").strip()
    ranked = cached(session, ("actor-ranking", q, kind), lambda: _ranking(session, q, kind))
    size = limit or max(1, len(ranked))
    pages = max(1, -(-len(ranked) // size))
    if page < 1 or page > pages:
        raise BadInput(f"'page' must be between 1 and {pages}, not {page}.", hint="Follow the pager's links.")
    chosen = ranked[(page - 1) * size: page * size]
    counts: dict[int, int] = {}
    found: dict[int, Actor] = {}
    for at in range(0, len(chosen), 500):  # bounded IN lists, also for the CSV of every actor
        found.update((a.id, a) for a in session.scalars(select(Actor).where(Actor.id.in_(chosen[at:at + 500]))))
        counts.update(counters.actor_events(session, chosen[at:at + 500]))
    return {"filters": {"q": q, "kind": kind}, "kinds": list(ACTOR_KINDS), "total": len(ranked),
            "page": page, "pages": pages, "first_rank": (page - 1) * size + 1,
            "actors": [{**actor_ref(a), "titles": a.titles or [], "events": counts.get(a.id, 0)}
                       for a in (found[i] for i in chosen if i in found)]}


def actor_suggestions(session: Session, q: str = "", limit: int = 40) -> list[dict[str, Any]]:
    """Actors for the timeline's actor field, most active first: the top ones (on every timeline page: cached by
    data version), or those whose name or alias starts with ``q`` (a word of it: 'putin' finds Vladimir Putin)."""
    q = normalise_alias(q or "")[:100]
    if not q:
        return cached(session, ("actor-suggestions", limit), lambda: _suggestions(session, q, limit))
    return _suggestions(session, q, limit)


def _suggestions(session: Session, q: str, limit: int) -> list[dict[str, Any]]:
    stmt = select(Actor).where(live(Actor))
    if q:
        stmt = stmt.where(or_(func.lower(Actor.name).like(f"{q}%"), func.lower(Actor.name).like(f"% {q}%"),
                              Actor.id.in_(select(Alias.actor_id).where(Alias.normalized.like(f"{q}%")))))
        found = list(session.scalars(stmt.limit(500)))
    else:  # the busiest live ones, read down the counters' index (0015); twice as many asked, merged ones left out
        busiest = [a for a, _ in counters.busiest_actors(session, 2 * limit)]
        found = list(session.scalars(stmt.where(Actor.id.in_(busiest))))
    counts = counters.actor_events(session, [a.id for a in found])
    found.sort(key=lambda a: (-counts.get(a.id, 0), a.name))
    return [{"slug": a.slug, "name": a.name, "events": counts.get(a.id, 0)} for a in found[:limit]]


def activity(session: Session, actor_id: int) -> list[dict[str, Any]]:
    """Events the actor takes part in (the shared membership rule) and its quotes over its whole record, for the
    small chart: per month when they span at most four years, per quarter up to twelve, else per year — so an
    actor whose events reach back to the 1990s gets a chart that does too. ``month`` is each bar's first month."""
    members = actor_event_ids(session, actor_family(session, {actor_id}))
    day = type_coerce(Event.first_day, String).label("d")  # ISO text on SQLite: no ORM date parsing per row
    days = live_events().with_only_columns(day).where(Event.first_day.is_not(None), Event.id.in_(members)).subquery()
    events: Counter[tuple[int, int]] = Counter()
    for row in session.execute(select(days.c.d, func.count()).group_by(days.c.d)):
        events[(int(str(row[0])[:4]), int(str(row[0])[5:7]))] += row[1]
    quotes = Counter((d.year, d.month) for (d,) in session.execute(
        select(Quote.date).where(Quote.speaker_actor_id == actor_id, Quote.date.is_not(None), live(Quote))) if d)
    months = sorted(set(events) | set(quotes))
    if not months:
        return []
    (y0, m0), (y1, m1) = months[0], months[-1]
    span = (y1 - y0) * 12 + m1 - m0 + 1
    step, unit = (1, "month") if span <= 48 else (3, "quarter") if span <= 144 else (12, "year")
    if step > 1:
        m0 = 1 if step == 12 else (m0 - 1) // 3 * 3 + 1
    bars: dict[tuple[int, int], dict[str, Any]] = {}
    y, m = y0, m0
    while (y, m) <= (y1, m1):
        label = (f"{MONTHS[m - 1]} {y}" if unit == "month" else f"Q{(m - 1) // 3 + 1} {y}" if unit == "quarter"
                 else str(y))
        bars[(y, m)] = {"month": f"{y:04d}-{m:02d}", "unit": unit, "label": label, "events": 0, "quotes": 0}
        y, m = (y + (m + step - 1) // 12, (m + step - 1) % 12 + 1)
    for counts, key in ((events, "events"), (quotes, "quotes")):
        for (yy, mm), n in counts.items():
            start_month = 1 if step == 12 else (mm - 1) // step * step + 1
            bars[(yy, start_month)][key] += n
    return list(bars.values())


def live_actor(session: Session, slug: str) -> Actor:
    """The actor at ``slug``; NotFound, or Moved to the survivor when it was merged into another."""
    actor = session.scalar(select(Actor).where(Actor.slug == slug))
    if actor is None:
        raise NotFound(f"There is no actor '{slug}'.", hint="The actor list shows everyone Dateline knows.")
    if actor.merged_into_id:
        survivor = session.get(Actor, actor.merged_into_id)
        if survivor is not None:
            raise Moved("actor", survivor.slug)
    return actor


def actor_counts(session: Session, actor_id: int) -> dict[str, int]:
    """Events it is the source or a target of (the list's ranking rule) and its live quotes: one indexed count,
    cached like the aggregates (the busiest speaker has 37,000 quotes at a million events: 4 ms on PostgreSQL)."""
    quotes = cached(session, ("actor-quotes", actor_id), lambda: session.scalar(
        select(func.count()).select_from(Quote).where(Quote.speaker_actor_id == actor_id, live(Quote))) or 0)
    return {"events": counters.actor_events(session, [actor_id]).get(actor_id, 0), "quotes": quotes}


def actor_card_data(session: Session, slug: str) -> dict[str, Any]:
    """What an actor's preview card shows: names, counts and the summary of its newest event."""
    actor = live_actor(session, slug)
    newest = newest_rows(session, live_events().with_only_columns(Event.summary)
                         .where(Event.source_actor_id == actor.id), Event.first_day, Event.id, 1)
    latest = newest[0][0] if newest else None
    aliases = sorted({a.name for a in actor.aliases if a.name != actor.name})
    return {"actor": {**actor_ref(actor), "titles": actor.titles or [], "aliases": aliases},
            "counts": actor_counts(session, actor.id), "latest": latest}


def actor_page(session: Session, slug: str, limit: int = 12) -> dict[str, Any]:
    actor = live_actor(session, slug)
    did = [r[0] for r in newest_rows(session, live_events().where(Event.source_actor_id == actor.id),
                                     Event.first_day, Event.id, limit)]
    # a busy target's newest events: walk the dates probing its targets (its set of ids is large); a rare one's
    # from that set (see timeline.walk_by_date)
    targeted = (exists().where(EventTarget.event_id == Event.id, EventTarget.actor_id == actor.id)
                if walk_by_date(session, [actor], limit)
                else Event.id.in_(select(EventTarget.event_id).where(EventTarget.actor_id == actor.id)))
    done_to = [r[0] for r in newest_rows(session, live_events().where(targeted), Event.first_day, Event.id, limit)]
    said = newest_rows(session, select(Quote, Actor).outerjoin(Actor, Actor.id == Quote.speaker_actor_id)
                       .where(Quote.speaker_actor_id == actor.id, live(Quote)), Quote.date, Quote.id, limit)
    partners = cached(session, ("partners", actor.id), lambda: _partners(session, actor.id))
    aliases = sorted({a.name for a in actor.aliases if a.name != actor.name})
    family_ids = [actor.id, *session.scalars(select(Actor.id).where(Actor.merged_into_id == actor.id))]
    return {
        "actor": {**actor_ref(actor), "titles": actor.titles or [], "aliases": aliases,
                  "roles": role_periods(session, family_ids),
                  "role_note": ROLE_UNSETTLED if actor.role else None,
                  **_makes(session, family_ids)},
        "counts": (counts := actor_counts(session, actor.id)),
        "partners_among": PARTNER_SAMPLE if counts["events"] > PARTNER_SAMPLE else None,
        "activity": cached(session, ("activity", actor.id), lambda: activity(session, actor.id)),
        "did": event_rows(session, did), "done_to": event_rows(session, done_to),
        "quotes": [quote_ref(q, a) for q, a in said],
        "partners": partners,
        "corrections": history(session, "actor", actor.id),
    }


PARTNER_SAMPLE = 2_000  # partners are counted over the actor's newest this many events (a bounded GROUP BY)


def _partners(session: Session, actor_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """The actors that share most of this one's newest PARTNER_SAMPLE events (the shared membership rule),
    whichever side they are on."""
    family = actor_family(session, {actor_id})
    ids = list(session.scalars(
        live_events().with_only_columns(Event.id).where(Event.id.in_(actor_event_ids(session, family)))
        .order_by(newest_first(session, Event.first_day), Event.id.desc()).limit(PARTNER_SAMPLE)))
    sources = select(Event.source_actor_id.label("a")).where(Event.id.in_(ids))
    targets = select(EventTarget.actor_id.label("a")).where(EventTarget.event_id.in_(ids))
    both = union_all(sources, targets).subquery()
    rows = session.execute(
        select(Actor, func.count().label("n")).join(both, both.c.a == Actor.id).where(Actor.id.not_in(family))
        .group_by(Actor.id).order_by(func.count().desc(), Actor.name).limit(limit)).all()
    return [{**actor_ref(a), "events": n} for a, n in rows]


def role_periods(session: Session, actor_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The roles of an actor (and the actors merged into it), each with the years the articles support."""
    rows = session.scalars(select(ActorRole).where(ActorRole.actor_id.in_(actor_ids))
                           .order_by(ActorRole.first_day, ActorRole.id))
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        item = out.get(r.role)
        if item is None:
            out[r.role] = {"role": r.role, "title": r.title, "first": r.first_day, "last": r.last_day}
        else:
            item["first"], item["last"] = min(item["first"], r.first_day), max(item["last"], r.last_day)
    for item in out.values():
        years = f"{item['first'].year}" if item["first"].year == item["last"].year \
            else f"{item['first'].year}\u2013{item['last'].year}"
        item["text"] = f"{item['title']}, {years} in these articles"
        item["first"], item["last"] = item["first"].isoformat(), item["last"].isoformat()
    return list(out.values())


def _makes(session: Session, ids: Sequence[int]) -> dict[str, Any]:
    """A product's maker and a maker's products, a group's parent and a parent's groups (`United States
    officials` of the United States), as actor references (survivors of merges)."""
    def live_ref(actor_id: int) -> dict[str, Any] | None:
        actor = session.get(Actor, actor_id)
        if actor is not None and actor.merged_into_id:
            actor = session.get(Actor, actor.merged_into_id)
        return actor_ref(actor) if actor is not None else None

    maker = session.scalar(select(ProductMaker.maker_id).where(ProductMaker.product_id.in_(ids)))
    products = session.scalars(select(ProductMaker.product_id).where(ProductMaker.maker_id.in_(ids))
                               .order_by(ProductMaker.product_id))
    refs = list({r["id"]: r for p in products if (r := live_ref(p)) is not None}.values())
    kinds = dict(session.execute(select(Actor.id, Actor.kind).where(Actor.id.in_([*ids, *(r["id"] for r in refs)]))).all())
    group = any(kinds.get(i) == "group" for i in ids)  # a group's link is to its parent (groups.py), not a maker
    parent = live_ref(maker) if maker is not None else None
    return {"maker": None if group else parent, "part_of": parent if group else None,
            "products": [r for r in refs if kinds.get(r["id"]) != "group"],
            "groups": [r for r in refs if kinds.get(r["id"]) == "group"]}
