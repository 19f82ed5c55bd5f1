"""Actor corrections: merge two actors, split an alias off, rename, change the kind, add or remove an alias.

Each ``apply_*`` is idempotent, so re-application after re-extraction (which writes mentions, event actors
and aliases afresh under the extractor's slugs) moves again exactly what the extractor put back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, distinct, func, select, update
from sqlalchemy.orm import Session

from app.corrections.common import (
    Action,
    Args,
    Change,
    FieldError,
    NotApplicable,
    Prepared,
    actor_by_slug,
    actor_view,
    choice_field,
    find_actor,
    text_field,
)
from app.keys import actor_slug, normalise_alias
from app.models import Actor, Alias, Event, EventSource, EventTarget, Mention, MergeRecord, Quote
from app.vocab import ACTOR_KINDS


def _union(previous: dict[str, Any], name: str, ids: list[Any]) -> list[Any]:
    return sorted(set(previous.get(name) or []) | set(ids))


def move_actor_rows(session: Session, source: Actor, target: Actor, previous: dict[str, Any],
                    mention_ids: list[int] | None = None) -> dict[str, Any]:
    """Mentions, event roles and quotes of ``source`` become ``target``'s (only ``mention_ids`` when given, and
    then only the event roles and quotes those mentions carry); returns the ids moved, for undo."""
    mentions = select(Mention.id).where(Mention.actor_id == source.id)
    if mention_ids is not None:
        mentions = mentions.where(Mention.id.in_(mention_ids))
    moved_mentions = list(session.scalars(mentions))
    events = list(session.scalars(select(Event.id).where(Event.source_actor_id == source.id)))
    reported = list(session.scalars(select(Event.id).where(Event.reported_by_id == source.id)))
    targets = list(session.scalars(select(EventTarget.event_id).where(EventTarget.actor_id == source.id)))
    quotes = list(session.scalars(select(Quote.id).where(Quote.speaker_actor_id == source.id)))
    if mention_ids is not None:
        events, targets, quotes = _carried(session, source, moved_mentions, events, targets, quotes)
        reported = []
    have = set(session.scalars(select(EventTarget.event_id).where(EventTarget.actor_id == target.id,
                                                                  EventTarget.event_id.in_(targets))))
    dropped = sorted(have)
    if moved_mentions:
        session.execute(update(Mention).where(Mention.id.in_(moved_mentions)).values(actor_id=target.id))
    if events:
        session.execute(update(Event).where(Event.id.in_(events)).values(source_actor_id=target.id))
    if reported:
        session.execute(update(Event).where(Event.id.in_(reported)).values(reported_by_id=target.id))
    if dropped:
        session.execute(delete(EventTarget).where(EventTarget.actor_id == source.id, EventTarget.event_id.in_(dropped)))
    if moved := [e for e in targets if e not in have]:
        session.execute(update(EventTarget).where(EventTarget.actor_id == source.id, EventTarget.event_id.in_(moved))
                        .values(actor_id=target.id))
    if quotes:
        session.execute(update(Quote).where(Quote.id.in_(quotes)).values(speaker_actor_id=target.id))
    session.expire_all()
    return {"mentions": _union(previous, "mentions", moved_mentions), "events": _union(previous, "events", events),
            "reported": _union(previous, "reported", reported), "quotes": _union(previous, "quotes", quotes),
            "targets": _union(previous, "targets", [e for e in targets if e not in have]),
            "dropped_targets": _union(previous, "dropped_targets", dropped)}


def _carried(session: Session, actor: Actor, mention_ids: list[int], events: list[int], targets: list[int],
             quotes: list[int]) -> tuple[list[int], list[int], list[int]]:
    """The events and quotes whose evidence names the actor only through the moved mentions."""
    rows = session.execute(select(Mention.id, Mention.article_id, Mention.start, Mention.end, Mention.text)
                           .where(Mention.actor_id == actor.id)).all()
    moving = set(mention_ids)

    def only_moved(article_id: int, start: int, end: int) -> bool:
        inside = [m for m in rows if m.article_id == article_id and start <= m.start and m.end <= end]
        return bool(inside) and all(m.id in moving for m in inside)

    spans = {e.id: (e.article_id, e.start, e.end) for e in session.scalars(
        select(Event).where(Event.id.in_(set(events) | set(targets))))}
    keep_events = [e for e in events if e in spans and only_moved(*spans[e])]
    keep_targets = [e for e in targets if e in spans and only_moved(*spans[e])]
    moved_texts = {normalise_alias(m.text) for m in rows if m.id in moving}
    keep_quotes = [q.id for q in session.scalars(select(Quote).where(Quote.id.in_(quotes)))
                   if normalise_alias(q.speaker_text) in moved_texts]
    return keep_events, keep_targets, keep_quotes


def move_back(session: Session, source: Actor, target: Actor, applied: dict[str, Any]) -> None:
    """Undo ``move_actor_rows``: what it moved from ``source`` to ``target`` and still sits there goes back."""
    if ids := applied.get("mentions"):
        session.execute(update(Mention).where(Mention.id.in_(ids), Mention.actor_id == target.id)
                        .values(actor_id=source.id))
    if ids := applied.get("events"):
        session.execute(update(Event).where(Event.id.in_(ids), Event.source_actor_id == target.id)
                        .values(source_actor_id=source.id))
    if ids := applied.get("reported"):
        session.execute(update(Event).where(Event.id.in_(ids), Event.reported_by_id == target.id)
                        .values(reported_by_id=source.id))
    if ids := applied.get("targets"):
        session.execute(update(EventTarget).where(EventTarget.event_id.in_(ids), EventTarget.actor_id == target.id)
                        .values(actor_id=source.id))
    for event_id in applied.get("dropped_targets") or []:
        if session.get(Event, event_id) is not None and session.get(EventTarget, (event_id, source.id)) is None:
            session.add(EventTarget(event_id=event_id, actor_id=source.id))
    if ids := applied.get("quotes"):
        session.execute(update(Quote).where(Quote.id.in_(ids), Quote.speaker_actor_id == target.id)
                        .values(speaker_actor_id=source.id))
    session.flush()
    session.expire_all()


def _alias_keys(session: Session, actor: Actor) -> dict[str, str]:
    return {a.normalized: a.name for a in session.scalars(select(Alias).where(Alias.actor_id == actor.id))}


def _add_aliases(session: Session, actor: Actor, names: dict[str, str]) -> list[str]:
    """Give ``actor`` the aliases (normalised key → name) it lacks; returns the keys added."""
    have = _alias_keys(session, actor)
    added = [key for key in names if key and key not in have]
    session.add_all(Alias(actor_id=actor.id, name=names[key][:300], normalized=key[:300]) for key in added)
    session.flush()
    return added


def _drop_aliases(session: Session, actor: Actor, keys: list[str]) -> None:
    if keys:
        session.execute(delete(Alias).where(Alias.actor_id == actor.id, Alias.normalized.in_(keys)))
        session.expire_all()


# --- merge ----------------------------------------------------------------------------------------------------

def prepare_merge(session: Session, body: Args) -> Prepared:
    keep, other = find_actor(session, body, "keep"), find_actor(session, body, "other")
    if keep.id == other.id:
        raise FieldError("other", f"'{body['other']}' is already {keep.name}.")
    return Prepared({"keep": keep.slug, "other": other.slug}, "actor", keep.slug)


def apply_merge(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """``other`` points at ``keep`` (its page redirects); its aliases, mentions, event roles and quotes move."""
    keep = actor_by_slug(session, args["keep"])
    other = actor_by_slug(session, args["other"], follow=False)
    if other.merged_into_id not in (None, keep.id):
        other = actor_by_slug(session, args["other"])  # merged elsewhere since: its survivor joins keep
    if other.id == keep.id:
        raise NotApplicable(f"actor '{args['other']}' is now {keep.name} itself")
    before = {"keep": {**actor_view(keep), "aliases": sorted(_alias_keys(session, keep).values())},
              "other": {**actor_view(other), "kind": other.kind, "merged_into": None}}
    names = {**_alias_keys(session, other), normalise_alias(other.name): other.name}
    added = _union(previous, "aliases", _add_aliases(session, keep, names))
    children = list(session.scalars(select(Actor.id).where(Actor.merged_into_id == other.id)))
    if children:
        session.execute(update(Actor).where(Actor.id.in_(children)).values(merged_into_id=keep.id))
    titles = [t for t in other.titles or [] if t not in (keep.titles or [])]
    if titles:
        keep.titles = [*(keep.titles or []), *titles]
    was = previous.get("was_merged_into", other.merged_into_id)
    other.merged_into_id = keep.id
    session.flush()
    moved = move_actor_rows(session, other, keep, previous)
    merges_after = previous.get("merges_after", session.scalar(select(func.max(MergeRecord.id))) or 0)
    applied = {**moved, "aliases": added, "children": _union(previous, "children", children),
               "titles": _union(previous, "titles", titles), "was_merged_into": was, "merges_after": merges_after}
    after = {"other": {**actor_view(other), "merged_into": keep.slug},
             "moved": {"aliases": len(added), "mentions": len(moved["mentions"]), "events": len(moved["events"]),
                       "event_targets": len(moved["targets"]) + len(moved["dropped_targets"]),
                       "quotes": len(moved["quotes"])}}
    return Change(keep.id, other.id, before, after, applied)


def revert_merge(session: Session, args: Args, applied: dict[str, Any]) -> None:
    keep = actor_by_slug(session, args["keep"])
    other = actor_by_slug(session, args["other"], follow=False)
    other.merged_into_id = applied.get("was_merged_into")
    if children := applied.get("children"):
        session.execute(update(Actor).where(Actor.id.in_(children), Actor.merged_into_id == keep.id)
                        .values(merged_into_id=other.id))
    if titles := set(applied.get("titles") or []):
        keep.titles = [t for t in keep.titles or [] if t not in titles]
    session.flush()
    _drop_aliases(session, keep, applied.get("aliases") or [])
    move_back(session, other, keep, applied)
    unmerge_caused_events(session, keep, applied)


def unmerge_caused_events(session: Session, keep: Actor, applied: dict[str, Any]) -> None:
    """Take apart the event merges consolidation made because the two actors were one: merges since the
    correction, on a shared actor ``keep``, of an event whose actor it moved. Their evidence goes back to
    the merged event, which stands again (its survivor's own fields are the extractor's at the next re-extraction)."""
    moved = set(applied.get("events") or []) | set(applied.get("targets") or []) | set(applied.get("reported") or [])
    if not moved or "merges_after" not in applied:
        return
    records = session.scalars(select(MergeRecord).where(MergeRecord.kind == "event",
                                                        MergeRecord.id > applied["merges_after"])
                              .order_by(MergeRecord.id.desc()))
    for record in records:
        shared = set((record.reason or {}).get("shared_actors") or [])
        if keep.id not in shared or not {record.survivor_id, record.merged_id} & moved:
            continue
        gone = session.get(Event, record.merged_id)
        if gone is None or gone.merged_into_id != record.survivor_id:
            continue
        for src in session.scalars(select(EventSource).where(EventSource.event_id == record.survivor_id)):
            if (src.reason or {}).get("merged_from") == gone.id:
                src.event_id = gone.id
                src.reason = {k: v for k, v in (src.reason or {}).items() if k == "origin"} or None
        gone.merged_into_id = None
        session.delete(record)
        session.flush()
        for ident in (record.survivor_id, gone.id):
            event = session.get(Event, ident)
            if event is not None:
                event.source_count = session.scalar(select(func.count(distinct(EventSource.article_id)))
                                                    .where(EventSource.event_id == ident)) or 1
    session.flush()


# --- split ----------------------------------------------------------------------------------------------------

def prepare_split(session: Session, body: Args) -> Prepared:
    actor = find_actor(session, body, "actor")
    alias = text_field(body, "alias")
    key = normalise_alias(alias)
    aliases = _alias_keys(session, actor)
    if key == normalise_alias(actor.name):
        raise FieldError("alias", f"'{alias}' is {actor.name}'s own name; rename the actor instead.")
    if key not in aliases:
        raise FieldError("alias", f"{actor.name} has no alias '{alias}' (it has {', '.join(sorted(aliases.values()))}).")
    kind = choice_field(body, "kind", ACTOR_KINDS) if body.get("kind") else actor.kind
    slug, n = actor_slug(aliases[key]), 1
    while (found := session.scalar(select(Actor).where(Actor.slug == slug))) is not None \
            and found.merged_into_id != actor.id:
        n += 1
        slug = f"{actor_slug(aliases[key])}-{n}"
    return Prepared({"actor": actor.slug, "alias": aliases[key], "new": slug, "kind": kind}, "actor", actor.slug)


def apply_split(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The alias becomes an actor of its own with the mentions that use it; the two are kept apart from now on."""
    actor = actor_by_slug(session, args["actor"])
    key = normalise_alias(args["alias"])
    new = session.scalar(select(Actor).where(Actor.slug == args["new"]))
    created = previous.get("created", new is None)
    if new is None:
        new = Actor(slug=args["new"], name=args["alias"], kind=args["kind"], titles=[])
        session.add(new)
        session.flush()
    was = previous.get("was_merged_into", new.merged_into_id)
    new.merged_into_id = None
    _drop_aliases(session, actor, [key])
    _add_aliases(session, new, {key: args["alias"]})
    mention_ids = [m.id for m in session.scalars(select(Mention).where(Mention.actor_id == actor.id))
                   if normalise_alias(m.text) == key]
    moved = move_actor_rows(session, actor, new, previous, mention_ids)
    applied = {**moved, "created": created, "was_merged_into": was}
    before = {"actor": actor_view(actor), "alias": args["alias"]}
    after = {"actor": actor_view(actor), "new": {**actor_view(new), "kind": new.kind},
             "moved": {"mentions": len(moved["mentions"]), "events": len(moved["events"]),
                       "quotes": len(moved["quotes"])}}
    return Change(actor.id, new.id, before, after, applied)


def revert_split(session: Session, args: Args, applied: dict[str, Any]) -> None:
    actor = actor_by_slug(session, args["actor"])
    new = actor_by_slug(session, args["new"], follow=False)
    move_back(session, actor, new, applied)
    key = normalise_alias(args["alias"])
    _drop_aliases(session, new, [key])
    _add_aliases(session, actor, {key: args["alias"]})
    # an actor the split created leaves no dangling page: it points back where its alias came from
    new.merged_into_id = actor.id if applied.get("created") else applied.get("was_merged_into")
    session.flush()


# --- rename, kind, aliases ------------------------------------------------------------------------------------

def prepare_rename(session: Session, body: Args) -> Prepared:
    actor = find_actor(session, body, "actor")
    return Prepared({"actor": actor.slug, "name": text_field(body, "name")}, "actor", actor.slug)


def apply_rename(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The canonical name changes (the slug, and so the permalink, stays); the new name is an alias too."""
    actor = actor_by_slug(session, args["actor"])
    before = {"name": previous.get("was_name", actor.name)}
    added = _union(previous, "aliases", _add_aliases(session, actor, {normalise_alias(args["name"]): args["name"]}))
    actor.name = args["name"]
    session.flush()
    return Change(actor.id, None, before, {"name": actor.name}, {"was_name": before["name"], "aliases": added})


def revert_rename(session: Session, args: Args, applied: dict[str, Any]) -> None:
    actor = actor_by_slug(session, args["actor"])
    actor.name = applied["was_name"]
    _drop_aliases(session, actor, [k for k in applied.get("aliases") or [] if k != normalise_alias(actor.name)])
    session.flush()


def prepare_kind(session: Session, body: Args) -> Prepared:
    actor = find_actor(session, body, "actor")
    return Prepared({"actor": actor.slug, "kind": choice_field(body, "kind", ACTOR_KINDS)}, "actor", actor.slug)


def apply_kind(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    actor = actor_by_slug(session, args["actor"])
    was = previous.get("was_kind", actor.kind)
    actor.kind = args["kind"]
    session.flush()
    return Change(actor.id, None, {"kind": was}, {"kind": actor.kind}, {"was_kind": was})


def revert_kind(session: Session, args: Args, applied: dict[str, Any]) -> None:
    actor_by_slug(session, args["actor"]).kind = applied["was_kind"]
    session.flush()


def prepare_add_alias(session: Session, body: Args) -> Prepared:
    actor = find_actor(session, body, "actor")
    alias = text_field(body, "alias")
    if not normalise_alias(alias):
        raise FieldError("alias", "has no letters or digits.")
    if normalise_alias(alias) in _alias_keys(session, actor):
        raise FieldError("alias", f"{actor.name} is already called '{alias}'.")
    return Prepared({"actor": actor.slug, "alias": alias}, "actor", actor.slug)


def apply_add_alias(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    actor = actor_by_slug(session, args["actor"])
    added = _add_aliases(session, actor, {normalise_alias(args["alias"]): args["alias"]})
    return Change(actor.id, None, {"alias": None}, {"alias": args["alias"]},
                  {"added": bool(added) or previous.get("added", False)})


def revert_add_alias(session: Session, args: Args, applied: dict[str, Any]) -> None:
    if applied.get("added"):
        _drop_aliases(session, actor_by_slug(session, args["actor"]), [normalise_alias(args["alias"])])


def prepare_remove_alias(session: Session, body: Args) -> Prepared:
    actor = find_actor(session, body, "actor")
    alias = text_field(body, "alias")
    aliases = _alias_keys(session, actor)
    key = normalise_alias(alias)
    if key == normalise_alias(actor.name):
        raise FieldError("alias", f"'{alias}' is {actor.name}'s own name; rename the actor instead.")
    if key not in aliases:
        raise FieldError("alias", f"{actor.name} has no alias '{alias}'.")
    return Prepared({"actor": actor.slug, "alias": aliases[key]}, "actor", actor.slug)


def apply_remove_alias(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    actor = actor_by_slug(session, args["actor"])
    _drop_aliases(session, actor, [normalise_alias(args["alias"])])
    return Change(actor.id, None, {"alias": args["alias"]}, {"alias": None}, {})


def revert_remove_alias(session: Session, args: Args, applied: dict[str, Any]) -> None:
    actor = actor_by_slug(session, args["actor"])
    _add_aliases(session, actor, {normalise_alias(args["alias"]): args["alias"]})


ACTIONS = (
    Action("merge_actors", "actor", ("keep", "other"), prepare_merge, apply_merge, revert_merge,
           "merge OTHER into KEEP: OTHER's page redirects, its aliases, mentions, events and quotes move"),
    Action("split_alias", "actor", ("actor", "alias", "kind"), prepare_split, apply_split, revert_split,
           "make ALIAS an actor of its own, with the mentions that use it; never merged back automatically"),
    Action("rename_actor", "actor", ("actor", "name"), prepare_rename, apply_rename, revert_rename,
           "change the canonical name (the address stays)"),
    Action("set_actor_kind", "actor", ("actor", "kind"), prepare_kind, apply_kind, revert_kind,
           f"change the kind ({', '.join(ACTOR_KINDS)})"),
    Action("add_alias", "actor", ("actor", "alias"), prepare_add_alias, apply_add_alias, revert_add_alias,
           "give the actor another name it is known by"),
    Action("remove_alias", "actor", ("actor", "alias"), prepare_remove_alias, apply_remove_alias, revert_remove_alias,
           "take a wrong alias away"),
)
