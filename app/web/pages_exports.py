"""Exports of list views: CSV of timeline/actors/quotes, an Atom feed and TimelineJS JSON of any timeline filter."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.queries.actors import actor_list
from app.queries.quotes import quote_list
from app.queries.timeline import TimelineFilters, timeline_page
from app.web import urls
from app.web.deps import Limit, SessionDep, Text, TimelineFiltersDep
from app.web.formats import route
from app.web.render import base_url

router = APIRouter()


def csv_response(rows: list[dict[str, Any]], columns: list[str], name: str) -> Response:
    """A CSV download; formula-looking cells are prefixed so spreadsheets do not execute them."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in row.items()})
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _events(session: Session, filters: TimelineFilters, cursor: str | None, limit: int) -> list[dict[str, Any]]:
    data = timeline_page(session, filters, cursor=cursor, limit=limit, with_density=False)
    return [e for day in data["days"] for e in day["events"]]


@route(router, "/timeline.csv", "csv")
def timeline_csv(session: SessionDep, filters: TimelineFiltersDep, cursor: Text = None, limit: Limit = 500) -> Response:
    rows = [{
        "id": e["id"], "first_day": e["first_day"], "last_day": e["last_day"], "precision": e["precision"],
        "date": e["date_label"], "type": e["type"], "modality": e["modality"],
        "source_actor": e["source_actor"]["name"] if e["source_actor"] else "",
        "targets": "; ".join(t["name"] for t in e["targets"]), "place": e["place"] or "",
        "summary": e["summary"], "sources": e["source_count"], "url": urls.event(e["id"], e["slug"]),
    } for e in _events(session, filters, cursor, limit)]
    return csv_response(rows, ["id", "first_day", "last_day", "precision", "date", "type", "modality",
                               "source_actor", "targets", "place", "summary", "sources", "url"], "timeline")


@route(router, "/actors.csv", "csv")
def actors_csv(session: SessionDep, q: Text = None, kind: Text = None) -> Response:
    rows = [{**a, "titles": "; ".join(a["titles"]), "url": urls.actor(a["slug"])}
            for a in actor_list(session, q or "", kind or "", limit=5000)["actors"]]
    return csv_response(rows, ["id", "slug", "name", "kind", "titles", "events", "url"], "actors")


@route(router, "/quotes.csv", "csv")
def quotes_csv(session: SessionDep, q: Text = None, speaker: Text = None, since: Text = None,
               until: Text = None, cursor: Text = None) -> Response:
    data = quote_list(session, q or "", speaker or "", since, until, cursor, limit=500)
    rows = [{"id": x["id"], "date": x["date"], "speaker": x["speaker"]["name"] if x["speaker"] else x["speaker_text"],
             "kind": x["kind"], "text": x["text"], "article_id": x["article_id"], "url": urls.quote(x["id"])}
            for x in data["quotes"]]
    return csv_response(rows, ["id", "date", "speaker", "kind", "text", "article_id", "url"], "quotes")


@route(router, "/timeline.atom", "atom")
def timeline_atom(request: Request, session: SessionDep, filters: TimelineFiltersDep) -> Response:
    """The newest 50 events of a timeline filter as Atom; the feed id is the filtered timeline's URL."""
    events = _events(session, filters, None, 50)
    base = base_url(request)
    query = ("?" + request.url.query) if request.url.query else ""
    self_url = base + urls.timeline(fmt="atom") + query
    page_url = base + urls.timeline() + query
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = []
    for e in events:
        link = base + urls.event(e["id"], e["slug"])
        updated = f"{(e['last_day'] or e['first_day']).isoformat()}T00:00:00Z"
        who = ", ".join([a["name"] for a in [e["source_actor"], *e["targets"]] if a])
        entries.append(
            f"<entry><id>{escape(link)}</id><title>{escape(e['summary'])}</title>"
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/><updated>{updated}</updated>'
            f"<summary>{escape(e['date_label'])} · {escape(e['type_label'] or 'Event')}"
            f"{' · ' + escape(who) if who else ''}</summary>"
            f'<category term="{escape(e["type"] or "")}"/></entry>')
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(page_url)}</id><title>Dateline timeline</title><updated>{now}</updated>"
        f'<link rel="self" href="{escape(self_url)}"/><link rel="alternate" type="text/html" href="{escape(page_url)}"/>'
        f"<author><name>Dateline</name></author>{''.join(entries)}</feed>"
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _tljs_date(d: dt.date) -> dict[str, str]:
    return {"year": str(d.year), "month": str(d.month), "day": str(d.day)}


@route(router, "/timeline/timelinejs.json", "json")
def timeline_timelinejs(request: Request, session: SessionDep, filters: TimelineFiltersDep, cursor: Text = None,
                        limit: Limit = 200) -> JSONResponse:
    """The view in TimelineJS3's JSON format (events with start/end dates, text and a group per type)."""
    events = _events(session, filters, cursor, limit)
    base = base_url(request)
    out = []
    for e in events:
        link = base + urls.event(e["id"], e["slug"])
        item: dict[str, Any] = {
            "unique_id": f"event-{e['id']}",
            "start_date": _tljs_date(e["first_day"]),
            "text": {"headline": e["summary"],
                     "text": f'{escape(e["date_label"])} — <a href="{escape(link)}">permalink</a>'},
            "group": e["type_label"] or "Event",
            "display_date": e["date_label"],
        }
        if e["last_day"] and e["last_day"] != e["first_day"]:
            item["end_date"] = _tljs_date(e["last_day"])
        out.append(item)
    return JSONResponse({"title": {"text": {"headline": "Dateline timeline", "text": f"{len(out)} events"}},
                         "events": out})
