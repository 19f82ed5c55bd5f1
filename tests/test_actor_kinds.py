"""Actor kinds from the article's own evidence: companies, products with their makers, names kept whole.

Sentences are from the bundled Wikinews samples (text © Wikinews contributors, CC BY 2.5; samples/README.md).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.extract.actors.products import is_designation

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "wikinews-airlines.jsonl"
COMPANIES = ("Ryanair", "Northrop Grumman", "Air Berlin", "Boeing", "Airbus", "EADS")

# wikinews-11714 and wikinews-8951
RYANAIR = ("Ireland's low cost airline, Ryanair, announced today that it is exercising its options with Boeing to "
           "purchase five new 737 aircraft.\nRyanair CEO, Michael O' Leary, justified his choice of Boeing by saying, "
           "\u201cThe Boeing 737-800 has the best technical reliability.\u201d")
A380 = ("The world's largest passenger aircraft, the Airbus A380, has made its maiden flight after lifting off from "
        "Toulouse in France. The A380 landed four hours later.")


def actor_of(record, surface):
    """The actor one of whose mentions reads exactly ``surface``."""
    return next((a for a in record.actors if any(m.text == surface for m in a.mentions)), None)


def test_model_numbers_are_designations_and_years_are_not():
    for text in ("A380", "787", "737s", "A400M", "200LR"):
        assert is_designation(text), text
    for text in ("2008", "1999", "12", "Boeing"):
        assert not is_designation(text), text
    assert is_designation("4", after="iPhone")


@pytest.mark.slow
def test_the_six_companies_of_the_samples_are_organisations_in_every_article(extractor):
    seen: dict[str, set[str]] = {name: set() for name in COMPANIES}
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        record = extractor.extract(article["text"], id=article["id"],
                                   published=dt.date.fromisoformat(article["published"]))
        for actor in record.actors:
            if actor.name in seen:
                seen[actor.name].add(actor.kind)
    assert seen == {name: {"organization"} for name in COMPANIES}


@pytest.mark.slow
def test_an_airline_with_a_ceo_is_an_organisation_and_an_irish_name_stays_whole(extractor):
    record = extractor.extract(RYANAIR, id="ryanair")
    assert actor_of(record, "Ryanair").kind == "organization"
    person = actor_of(record, "Michael O' Leary")
    assert person is not None and person.kind == "person"
    assert actor_of(record, "Leary") is None


@pytest.mark.slow
def test_a_product_is_its_own_actor_linked_to_its_maker_which_is_not_the_one_acting(extractor):
    record = extractor.extract(A380, id="a380")
    product = actor_of(record, "Airbus A380")
    assert product is not None and product.kind == "product" and product.name == "Airbus A380"
    assert [m.text for m in product.mentions] == ["Airbus A380", "A380"]  # the bare model number later
    maker = next(a for a in record.actors if a.id == product.maker)
    assert maker.name == "Airbus" and maker.kind == "organization" and maker.mentions == []
    assert actor_of(record, "Toulouse").kind == "place"
    flight = next(e for e in record.events if e.trigger == "landed")
    assert flight.source_actor == product.id


@pytest.mark.db
@pytest.mark.slow
def test_the_product_page_names_its_maker_and_the_maker_page_its_products(session, extractor, client):
    from app.consolidate import consolidate_article
    from app.store import ArticleMeta, store_article

    record = extractor.extract(A380, id="a380", published=dt.date(2005, 4, 27))
    article = store_article(session, ArticleMeta(text=A380, external_id="a380", published=dt.date(2005, 4, 27)),
                            record)
    consolidate_article(session, article)
    session.flush()
    product = client.get("/actors/airbus-a380.json").json()["actor"]
    assert product["kind"] == "product" and product["maker"]["slug"] == "airbus"
    maker = client.get("/actors/airbus.json").json()["actor"]
    assert maker["kind"] == "organization" and [p["slug"] for p in maker["products"]] == ["airbus-a380"]
    assert "Made by" in client.get("/actors/airbus-a380").text


@pytest.mark.slow
def test_regions_and_named_grounds_of_the_seed_article_are_places(seed_record):
    kinds = {a.name: a.kind for a in seed_record.actors}
    assert kinds["Caucasus"] == "place"      # `the Caucasus and Central Asia`, not a people
    assert kinds["Kadamovskiy"] == "place"   # `the Kadamovskiy training ground`
    assert kinds["Rostov"] == "place"


# wikinews-25501, wikinews-129865, wikinews-82597 and wikinews-87805
ENGINES = ("Citing \u201ca precautionary measure\u201d, Airbus announced that two of the Rolls-Royce Trent 900 engines on "
           "the prototype airliner would be replaced before the tour commenced.")
AIR_FRANCE = ("The United States National Transportation Safety Board is probing two over American soil while earlier "
              "this month another Air France A330 equipped with the new tubes suffered a similar series of problems "
              "enroute from Italy to France.")
TERMINAL = "The 75-billion Terminal 3 will open its doors in January next year."
EUROPEAN = ("Jusman Syafii Djamal, minister of transport for Indonesia, has recommended that local airlines should not "
            "purchase aircraft from European manufacturers, such as Airbus.")


@pytest.mark.slow
def test_a_known_maker_ends_where_its_model_line_begins(extractor):
    record = extractor.extract(ENGINES, id="engines")
    engine = actor_of(record, "Rolls-Royce Trent 900")
    assert engine is not None and engine.kind == "product"
    maker = next(a for a in record.actors if a.id == engine.maker)
    assert maker.name == "Rolls-Royce" and maker.kind == "organization"


@pytest.mark.slow
def test_an_airline_before_a_model_flies_it_and_does_not_make_it(extractor):
    record = extractor.extract(AIR_FRANCE, id="air-france")
    airline = actor_of(record, "Air France")
    assert airline is not None and airline.kind == "organization"
    model = actor_of(record, "A330")
    assert model is not None and model.kind == "product" and model.maker != airline.id
    assert all(a.name != "Air France A330" for a in record.actors)


@pytest.mark.slow
def test_a_numbered_part_is_not_an_actor_and_a_continent_adjective_is_its_continent(extractor):
    assert actor_of(extractor.extract(TERMINAL, id="terminal"), "Terminal") is None
    europe = actor_of(extractor.extract(EUROPEAN, id="european"), "European")
    assert europe is not None and europe.name == "Europe" and europe.kind == "place"


# wikinews-100911
MRO = ("JSA Research defence analysist Paul Nesbit said that Maintenance, Repair and Overhaul (MRO) operations across "
       "the aircraft's fifty-year service life could push the value of the contract as high as US$100 billion.")


@pytest.mark.slow
def test_capitalised_words_spelling_out_an_acronym_are_a_term_not_actors(extractor):
    record = extractor.extract(MRO, id="mro")
    for surface in ("Maintenance", "Repair and Overhaul", "MRO"):
        assert actor_of(record, surface) is None, surface
    assert actor_of(record, "Paul Nesbit").kind == "person"


# meantime-87805 (MEANTIME copy of the Wikinews article, tests/fixtures/meantime-airbus.jsonl, CC BY 4.0)
DETIK = ("`` We do not need to buy aircraft from Europe as long as the flying ban stays unrevoked , '' Detik.com "
         "quoted Djamal as saying , although Xinhua translated the quote as : `` As long as the ban is still in place "
         ", it is better we do not buy aircraft from Europe . ''")


@pytest.mark.slow
def test_a_news_site_named_as_a_source_is_an_organisation_not_a_web_address(extractor):
    record = extractor.extract(DETIK, id="detik")
    site = actor_of(record, "Detik.com")
    assert site is not None and site.kind == "organization"
    assert actor_of(record, "Xinhua").kind == "organization"
