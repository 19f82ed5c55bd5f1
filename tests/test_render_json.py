"""JSON twins are written by the C encoder (app.web.render.PageJSON) with the bytes FastAPI's encoder gave."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from app.web.render import json_response


@dataclasses.dataclass
class Window:
    since: dt.date
    until: dt.date | None


def test_page_json_matches_fastapi_encoding_of_dates_dataclasses_sets_and_text() -> None:
    data = {"day": dt.date(2024, 3, 1), "at": dt.datetime(2024, 3, 1, 12, 30, 5), "window": Window(dt.date(2024, 1, 2), None),
            "ids": [3, 1], "kinds": ("day", "week"), "tags": {"only"}, "name": "Zelensky \u2013 Kyiv", 7: "seven",
            "ratio": 0.25, "none": None}
    body = json_response(data).body
    assert body == JSONResponse(jsonable_encoder(data)).body
    assert json.loads(body)["window"] == {"since": "2024-01-02", "until": None}


def test_page_json_keeps_status_and_vary() -> None:
    response = json_response({"error": {"message": "no"}}, status=404)
    assert response.status_code == 404 and response.headers["vary"] == "HX-Request"
    assert response.headers["content-type"] == "application/json"
