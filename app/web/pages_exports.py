"""Exports of list views: CSV of timeline/actors/quotes, an Atom feed and TimelineJS JSON of any timeline filter."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import escape  # quotes too: the values also go into attributes
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.queries.actors import actor_list
from app.queries.common import actors_in_words
from app.queries.exports import export_page
from app.queries.quotes import quote_list
from app.web import urls
from app.web.deps import Limit, PageNumber, SessionDep, Text, TimelineFiltersDep
from app.web.formats import route
from app.web.render import PageJSON, base_url

router = APIRouter()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula (OWASP's list)


def csv_cell(value: Any) -> Any:
    """A cell as written: empty stays empty; text a spreadsheet would read as a formula gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(rows: list[dict[str, Any]], columns: list[str], name: str) -> Response:
    """A CSV download of ``rows`` (None and '' both write an empty cell)."""
    buf = io.StringIO()
    writer = csv.writer(buf)  # lists, not DictWriter: its per-row checks were a third of writing 500 rows
    writer.writerow(columns)
    writer.writerows([csv_cell(row.get(c)) for c in columns] for row in rows)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@route(router, "/timeline.csv", "csv")
def timeline_csv(request: Request, session: SessionDep, filters: TimelineFiltersDep, cursor: Text = None,
                 limit: Limit = 500) -> Response:
    base = base_url(request)
    rows = [{
        "id": e["id"], "first_day": e["first_day"], "last_day": e["last_day"], "precision": e["precision"],
        "date": e["date_label"], "type": e["type"], "modality": e["modality"],
        "source_actor": e["source_actor"]["name"] if e["source_actor"] else "",
        "targets": "; ".join(t["name"] for t in e["targets"]), "place": e["place"] or "",
        "summary": e["summary"], "sources": e["source_count"], "outlet": e["article"]["source"] or "",
        "url": base + urls.event(e["id"], e["slug"]),
    } for e in export_page(session, filters, cursor, limit)["events"]]
    return csv_response(rows, ["id", "first_day", "last_day", "precision", "date", "type", "modality",
                               "source_actor", "targets", "place", "summary", "sources", "outlet", "url"], "timeline")


@route(router, "/actors.csv", "csv")
def actors_csv(request: Request, session: SessionDep, q: Text = None, kind: Text = None, page: PageNumber = 1,
               limit: Limit = 500) -> Response:
    """The actor list's ranking in parts of ``limit`` (like the timeline's CSV); a ``Link: rel="next"`` header
    names the following part, so a corpus of 50,000 actors is never written out in one request."""
    base = base_url(request)
    data = actor_list(session, q or "", kind or "", page=page, limit=limit)
    rows = [{**a, "titles": "; ".join(a["titles"]), "url": base + urls.actor(a["slug"])} for a in data["actors"]]
    response = csv_response(rows, ["id", "slug", "name", "kind", "titles", "events", "url"], "actors")
    if page < data["pages"]:
        params = {"q": q or None, "kind": kind or None, "page": page + 1, "limit": limit}
        response.headers["Link"] = f'<{base}/actors.csv?{urlencode({k: v for k, v in params.items() if v})}>; rel="next"'
    return response


@route(router, "/quotes.csv", "csv")
def quotes_csv(request: Request, session: SessionDep, q: Text = None, speaker: Text = None, since: Text = None,
               until: Text = None, cursor: Text = None) -> Response:
    data = quote_list(session, q or "", speaker or "", since, until, cursor, limit=500)
    base = base_url(request)
    rows = [{"id": x["id"], "date": x["date"], "speaker": x["speaker"]["name"] if x["speaker"] else x["speaker_text"],
             "kind": x["kind"], "text": x["text"], "article_id": x["article_id"],
             "article_url": base + urls.article(x["article_id"]), "url": base + urls.quote(x["id"])}
            for x in data["quotes"]]
    return csv_response(rows, ["id", "date", "speaker", "kind", "text", "article_id", "article_url", "url"],
                        "quotes")


def _event_html(e: dict[str, Any], base: str) -> str:
    """An event as a few lines of HTML (escaped): its evidence, who took part, and who reported it where."""
    who = actors_in_words([e["source_actor"], *e["targets"]])
    article = e["article"]
    outlet = escape(article["source"] or "the article")
    title = escape(article["title"] or f"Article {article['id']}")
    more = f" (and {e['source_count'] - 1} more)" if e["source_count"] > 1 else ""
    parts = [f"<blockquote>{escape(e['sentence'])}</blockquote>" if e["sentence"] else "",
             f"<p>{escape(e['date_label'])} · {escape(e['type_label'] or 'Unclassified')}"
             f"{' · ' + escape(who) if who else ''}{' · in ' + escape(e['place']) if e['place'] else ''}</p>",
             f'<p>Source: {outlet}, <a href="{escape(base + urls.article(article["id"]))}">{title}</a>'
             f"{more}"
             f' · <a href="{escape(base + urls.event(e["id"], e["slug"]))}">Dateline permalink</a></p>']
    return "".join(parts)


def _atom_time(day: dt.date | None) -> str:
    return f"{(day or dt.date(1970, 1, 1)).isoformat()}T00:00:00Z"


def _atom_entry(e: dict[str, Any], base: str) -> str:
    """One entry: published is when the reporting article came out (the event's first day if it has no date)."""
    link = base + urls.event(e["id"], e["slug"])
    published = _atom_time(e["article"]["published"] or e["first_day"])
    category = (f'<category term="{escape(e["type"])}" label="{escape(e["type_label"])}"/>' if e["type"] else "")
    return (f"<entry><id>{escape(link)}</id><title>{escape(e['summary'])}</title>"
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/>'
            f"<published>{published}</published><updated>{published}</updated>"
            f"<summary>{escape(e['date_label'])} · {escape(e['type_label'] or 'Unclassified')}</summary>"
            f'<content type="html">{escape(_event_html(e, base))}</content>{category}</entry>')


@route(router, "/timeline.atom", "atom")
def timeline_atom(request: Request, session: SessionDep, filters: TimelineFiltersDep) -> Response:
    """The newest 50 events of a timeline filter as Atom; the feed id is the filtered timeline's URL."""
    events = export_page(session, filters, None, 50)["events"]
    base = base_url(request)
    query = ("?" + request.url.query) if request.url.query else ""
    self_url = base + urls.timeline(fmt="atom") + query
    page_url = base + urls.timeline() + query
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(page_url)}</id><title>Dateline timeline</title><updated>{now}</updated>"
        f'<link rel="self" href="{escape(self_url)}"/><link rel="alternate" type="text/html" href="{escape(page_url)}"/>'
        f"<author><name>Dateline</name></author>{''.join(_atom_entry(e, base) for e in events)}</feed>"
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _tljs_date(d: dt.date) -> dict[str, str]:
    return {"year": str(d.year), "month": str(d.month), "day": str(d.day)}


def _tljs_slide(e: dict[str, Any], base: str) -> dict[str, Any]:
    slide: dict[str, Any] = {
        "unique_id": f"event-{e['id']}",
        "start_date": _tljs_date(e["first_day"]),
        "text": {"headline": escape(e["summary"]), "text": _event_html(e, base)},
        "group": e["type_label"] or "Unclassified",
        "display_date": e["date_label"],
    }
    if e["last_day"] and e["last_day"] != e["first_day"]:
        slide["end_date"] = _tljs_date(e["last_day"])
    return slide


TIMELINEJS_LIMIT = 500  # events per part; TimelineJS stays responsive with a few hundred slides


@route(router, "/timeline/timelinejs.json", "json")
def timeline_timelinejs(request: Request, session: SessionDep, filters: TimelineFiltersDep, cursor: Text = None,
                        limit: Limit = TIMELINEJS_LIMIT) -> JSONResponse:
    """The view in TimelineJS3's JSON format: every matching event, in parts of ``limit`` (at most 500).

    Each slide has the event's headline, its evidence with actors, date and type, and its source article.
    ``total`` counts the whole filter; when it holds more than one part, ``next`` is the absolute URL of the
    next part (also a Link rel="next" header), and the title slide says which events this part holds.
    """
    data = export_page(session, filters, cursor, limit)
    base = base_url(request)
    events, total = data["events"], data["total"]
    next_url = (base + urls.timelinejs({**filters.params(), "cursor": data["next_cursor"],
                                        "limit": limit if limit != TIMELINEJS_LIMIT else None})
                if data["next_cursor"] else None)
    intro = f"{total:,} event{'' if total == 1 else 's'} matching this view"
    if next_url or cursor:
        intro += f"; this part holds {len(events):,} of them, newest first"
    if next_url:
        intro += f' (<a href="{escape(next_url)}">next part</a>)'
    body = {"title": {"text": {"headline": "Dateline timeline", "text": f"<p>{intro}.</p>"}},
            "events": [_tljs_slide(e, base) for e in events], "total": total, "next": next_url}
    return PageJSON(body, headers={"Link": f'<{next_url}>; rel="next"'} if next_url else None)
