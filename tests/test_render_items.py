"""app.web.items writes an event's list item as the ``event_item`` macro did, byte for byte.

The macro's text (as it stood before it moved to Python, calling the small macros that are still in
templates/_macros.html) is kept here and rendered by the same environment, so its trim_blocks/lstrip_blocks
whitespace is what the Python is held to.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Event
from app.queries.common import EVENT_ROW_COLUMNS, event_rows
from app.web.items import event_item
from app.web.render import environment

pytestmark = pytest.mark.db

MACRO = '''{% from "_macros.html" import actor_link, type_badge, when %}
{% macro event_item(e, show_date=True, heading=None) %}
<article class="event{% if not e.type %} event-untyped{% endif %}">
  <div class="event-meta">
    {% if show_date %}{{ when(e) }}{% elif e.precision and e.precision != 'day' and e.date_label != heading %}{{ when(e) }}{% endif %}
    {{ type_badge(e) }}
    {% if e.mood_label %}<span class="modality">{{ e.mood_label }}</span>{% endif %}
  </div>
  <h3 class="event-title"><a href="{{ urls.event(e.id, e.slug) }}">{{ e.summary }}</a></h3>
  <p class="event-actors">
    {% if e.source_actor %}{{ actor_link(e.source_actor) }}{% else %}<span class="muted">Unknown actor</span>{% endif %}
    {% if e.targets %}<span class="arrow" aria-hidden="true">→</span><span class="visually-hidden">acting on</span>
      {% for t in e.targets %}{{ actor_link(t) }}{% if not loop.last %}, {% endif %}{% endfor %}
    {% endif %}
    {% if e.place %}<span class="place">in {{ e.place }}</span>{% endif %}
  </p>
  <p class="event-sources">Reported by {{ e.source_count|plural("source") }}{% if e.article.source %} · {{ e.article.source }}{% endif %}</p>
</article>
{% endmacro %}'''


def test_the_python_item_is_the_macros_html_for_every_kind_of_event(session, ids):
    rows = event_rows(session, list(session.execute(select(*EVENT_ROW_COLUMNS).order_by(Event.id))))
    assert len(rows) >= 5
    edited = dict(rows[0], type=None, mood_label="possible", targets=[], place='Kyiv & "Donbas"',
                  summary="<script>alert(1)</script>", source_actor=None, source_count=1234,
                  precision="month", date_label="Dec 2021", article={**rows[0]["article"], "source": None})
    rows.append(edited)
    assert any(r["targets"] for r in rows) and any(r["type"] for r in rows)
    macro = environment().from_string(MACRO).module.event_item  # type: ignore[attr-defined]
    for row in rows:
        for show_date, heading in ((True, None), (False, None), (False, row["date_label"]), (False, "Dec 2021")):
            assert str(event_item(row, show_date, heading)) == str(macro(row, show_date, heading)), row["summary"]
    html = str(event_item(edited, False, "Nov 2021"))
    assert "&lt;script&gt;" in html and "Kyiv &amp; &#34;Donbas&#34;" in html and "1,234 sources" in html
    assert 'class="when when-month"' in html and '<span class="muted">Unknown actor</span>' in html
