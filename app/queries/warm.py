"""Start-up warm-up: the cached aggregates the first visitors would otherwise pay for, computed before they come.

A fresh web process has an empty aggregate cache (app.queries.cache) and a cold SQLite page cache, so the first
request of the home page, the timeline, the map or a busy actor's page ran seconds of aggregates at a million
events. ``warm_up`` computes the default views' aggregates through the same page functions that serve them,
in order of how often they are visited, and stops starting new steps once its time budget is spent.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Actor, ActorEventCount, live
from app.queries import counters
from app.queries.actors import actor_list, actor_page
from app.queries.facets import timeline_facets
from app.queries.home import home_page
from app.queries.map import map_page
from app.queries.quotes import quote_list
from app.queries.timeline import TimelineFilters, timeline_page

log = logging.getLogger("dateline.warm")
BUSIEST_ACTORS = 3  # the actor pages most linked from the home page and the actor list
WARM_FROM_EVENTS = 20_000  # below this every aggregate takes milliseconds: nothing worth warming


def steps(session: Session) -> list[tuple[str, Callable[[], Any]]]:
    """(name, page function) of each default view, most visited first; the busiest actors' pages and the
    busiest one's timeline last."""
    everything = TimelineFilters()
    out: list[tuple[str, Callable[[], Any]]] = [
        ("home", lambda: home_page(session)),
        ("timeline", lambda: (timeline_page(session, everything), timeline_facets(session, everything))),
        ("actors", lambda: actor_list(session)),
        ("quotes", lambda: quote_list(session)),
        ("map", lambda: map_page(session, everything)),
    ]
    busiest = list(session.scalars(select(Actor.slug).join(ActorEventCount, ActorEventCount.actor_id == Actor.id)
                              .where(live(Actor)).order_by(ActorEventCount.events.desc()).limit(BUSIEST_ACTORS)))
    out += [(f"actor {slug}", functools.partial(actor_page, session, slug)) for slug in busiest]
    if busiest:  # the busiest actor's timeline (linked from its page): its density strip and facets
        theirs = TimelineFilters(actor=[busiest[0]])
        out.append((f"timeline of {busiest[0]}",
                    lambda: (timeline_page(session, theirs), timeline_facets(session, theirs))))
    return out


def warm_up(factory: sessionmaker[Session], budget_s: float, min_events: int = WARM_FROM_EVENTS) -> list[str]:
    """Run the steps until ``budget_s`` seconds have passed; the names of the steps done (none for a database
    of fewer than ``min_events`` dated events). A step that fails is logged and skipped, and so is the whole
    warm-up on an unmigrated database: warming never stops a server from starting."""
    deadline = time.monotonic() + budget_s
    done: list[str] = []
    with factory() as session:
        try:
            if counters.dated_events(session, negated=None) < min_events:
                return done
            plan = steps(session)
        except Exception as exc:  # no tables yet: nothing to warm
            log.warning("warm-up skipped: %s", str(exc).splitlines()[0])
            return done
        for name, step in plan:
            if time.monotonic() > deadline:
                log.info("warm-up stopped after %s: its %.0f s budget is spent", done[-1] if done else "nothing", budget_s)
                break
            try:
                step()
                done.append(name)
            except Exception as exc:
                session.rollback()
                log.warning("warm-up of %s failed: %s", name, str(exc).splitlines()[0])
    return done
