"""Actors: one actor per entity, with aliases, titles and every mention (app/extract/actors/)."""

from __future__ import annotations

import pytest

from app.extract.actors import actor_at, person_before
from app.extract.actors.lexicon import Lexicon, lexicon, read_table, slugify


def by_name(record, name):
    return next((a for a in record.actors if a.name.casefold() == name.casefold()), None)


def actor_of(record, surface):
    """The actor one of whose mentions reads exactly ``surface``."""
    return next((a for a in record.actors if any(m.text == surface for m in a.mentions)), None)


# --------------------------------------------------------------------------- lexicon (no model)

def test_slugs_are_stable_ascii_ids():
    assert slugify("Vladimir Putin") == "vladimir-putin"
    assert slugify("Côte d'Ivoire") == "cote-divoire"
    assert slugify("U.S. Virgin Islands") == "us-virgin-islands"
    assert slugify("Vladimir Putin") == slugify(" Vladimir  Putin ")


def test_country_names_are_the_common_short_forms():
    lex = lexicon()
    assert lex.lookup("Russian Federation").name == "Russia"
    assert lex.lookup("Korea, Republic of").name == "South Korea"
    assert lex.lookup("Iran, Islamic Republic of").name == "Iran"
    assert lex.lookup("Iran").name == "Iran"
    assert lex.lookup("United Kingdom").kind == "country"


def test_capitals_metonyms_and_short_forms_resolve_to_their_country():
    lex = lexicon()
    for form in ("Moscow", "Kremlin"):
        assert lex.lookup(form).name == "Russia"
    for form in ("US", "U.S.", "Washington", "United States", "White House", "America"):
        assert lex.lookup(form).name == "United States", form
    assert lex.lookup("Downing Street").name == "United Kingdom"
    assert lex.lookup("UKRAINE").name == "Ukraine"  # headline capitals


def test_demonyms_come_from_rules_and_the_table():
    lex = lexicon()
    for form, country in (("Russian", "Russia"), ("Ukrainian", "Ukraine"), ("Chinese", "China"),
                          ("Iranian", "Iran"), ("Polish", "Poland"), ("French", "France"),
                          ("American", "United States"), ("South Korean", "South Korea")):
        entry = lex.lookup(form)
        assert entry is not None and entry.name == country and entry.demonym, form
    assert lex.lookup("Moscow").demonym is False


def test_alias_table_is_small_and_extensible(tmp_path):
    rows = read_table(Lexicon.__init__.__globals__["ALIASES_PATH"])
    assert 50 < len(rows) < 400
    custom = tmp_path / "aliases.tsv"
    custom.write_text("# mine\nFoggy Bottom\tUnited States\tcountry\nThe Hague Court\tICC\torganization\n",
                      encoding="utf-8")
    lex = Lexicon(custom)
    assert lex.lookup("Foggy Bottom").name == "United States"
    assert lex.lookup("The Hague Court").kind == "organization"
    assert lex.lookup("Russian Federation").name == "Russian Federation"  # no rename without the table


# --------------------------------------------------------------------------- the seed article

@pytest.mark.slow
def test_seed_article_actors(seed_record):
    expect = {
        "Vladimir Putin": "person", "Jake Sullivan": "person", "Andrew Lohsen": "person",
        "Jeffrey Edmonds": "person", "Russia": "country", "United States": "country",
        "NATO": "organization", "Ukraine": "country",
        "Center for Strategic and International Studies": "organization",
        "Council on Foreign Relations": "organization",
    }
    for name, kind in expect.items():
        actor = by_name(seed_record, name)
        assert actor is not None, name
        assert actor.kind == kind, name
        assert actor.id == slugify(name)


@pytest.mark.slow
def test_seed_article_aliases_and_titles(seed_record):
    russia = by_name(seed_record, "Russia")
    assert {"Moscow", "Kremlin"} <= set(russia.aliases)
    assert "Russian" in russia.aliases  # the demonym adds mentions, not a separate actor
    assert "US" in by_name(seed_record, "United States").aliases
    assert "CSIS" in by_name(seed_record, "Center for Strategic and International Studies").aliases
    assert any("President" in t for t in by_name(seed_record, "Vladimir Putin").titles)
    assert any("national security adviser" in t for t in by_name(seed_record, "Jake Sullivan").titles)
    lohsen = by_name(seed_record, "Andrew Lohsen")
    assert any(t.startswith("a fellow in the Europe, Russia and Eurasia Program") for t in lohsen.titles)
    assert not any("(" in t for t in lohsen.titles)
    edmonds = by_name(seed_record, "Jeffrey Edmonds")
    assert [m.text for m in edmonds.mentions] == ["Jeffrey Edmonds", "Edmonds"]


@pytest.mark.slow
def test_seed_article_has_no_credit_or_source_actors(seed_record, seed_text):
    names = {a.name for a in seed_record.actors}
    assert not names & {"AP", "Photo", "Baonghean.vn"}
    for actor in seed_record.actors:
        assert len({a.id for a in seed_record.actors if a.id == actor.id}) == 1
        for m in actor.mentions:
            assert seed_text[m.start:m.end] == m.text
            assert m.text.casefold() not in {"he", "she", "they", "it", "we"}


# --------------------------------------------------------------------------- own sentences

NEWS = (
    "Russian President Vladimir Putin met German Chancellor Olaf Scholz in Moscow on Tuesday.\n"
    "Putin's spokesman Dmitry Peskov said the Kremlin was ready to talk to Washington. "
    "He added that the U.S. had ignored Russia's proposals.\n"
    "Prime Minister Rishi Sunak spoke to reporters in Downing Street. Sunak said Britain would act.\n"
    "The International Atomic Energy Agency said its inspectors would return, and the IAEA asked Iran "
    "for access. \"We are worried,\" said Maria Lopez, a senior analyst at the Brookings Institution, "
    "adding that Iranian officials had not answered.\n"
)


@pytest.fixture(scope="module")
def news(extractor):
    return extractor.extract(NEWS, id="news")


@pytest.mark.slow
def test_surname_and_possessive_join_the_full_name(news):
    putin = by_name(news, "Vladimir Putin")
    assert putin is not None and putin.kind == "person"
    assert [m.text for m in putin.mentions] == ["Vladimir Putin", "Putin"]
    assert "Russian President" in putin.titles
    assert not any(a.name.startswith(("President", "Russian President")) for a in news.actors)


@pytest.mark.slow
def test_title_words_stay_out_of_names(news):
    sunak = actor_of(news, "Rishi Sunak")
    assert sunak is not None and sunak.name == "Rishi Sunak"
    assert "Prime Minister" in sunak.titles
    assert "Sunak" in [m.text for m in sunak.mentions]
    scholz = actor_of(news, "Olaf Scholz")
    assert scholz is not None and any("Chancellor" in t for t in scholz.titles)


@pytest.mark.slow
def test_capitals_and_seats_of_power_are_their_country(news):
    russia = by_name(news, "Russia")
    assert {"Moscow", "Kremlin", "Russian"} <= {m.text for m in russia.mentions}
    us = by_name(news, "United States")
    assert {"Washington", "U.S."} <= {m.text for m in us.mentions}
    uk = by_name(news, "United Kingdom")
    assert {"Downing Street", "Britain"} <= {m.text for m in uk.mentions}
    assert by_name(news, "Moscow") is None and by_name(news, "Kremlin") is None


@pytest.mark.slow
def test_acronym_from_the_capitals_of_a_full_name(news):
    iaea = by_name(news, "International Atomic Energy Agency")
    assert iaea is not None and iaea.kind == "organization"
    assert "IAEA" in iaea.aliases
    assert by_name(news, "IAEA") is None


@pytest.mark.slow
def test_appositive_title_and_demonym(news):
    lopez = by_name(news, "Maria Lopez")
    assert lopez is not None
    assert any(t.startswith("a senior analyst at the Brookings Institution") for t in lopez.titles)
    assert actor_of(news, "Iranian").name == "Iran"


@pytest.mark.slow
def test_mentions_are_exact_sorted_and_without_pronouns(extractor, news):
    doc = extractor.nlp(NEWS)
    spans = doc._.dl_actor_spans
    assert spans == sorted(spans)
    assert all(NEWS[s:e].strip() == NEWS[s:e] and NEWS[s:e] for s, e, _ in spans)
    assert all(NEWS[s:e] not in ("He", "he", "its") for s, e, _ in spans)
    ids = {a.id for a in doc._.dl_actors}
    assert {aid for _, _, aid in spans} == ids


@pytest.mark.slow
def test_same_name_same_id_across_articles(extractor, news):
    other = extractor.extract("Vladimir Putin spoke in Moscow. The Kremlin declined to comment.", id="b")
    assert by_name(other, "Vladimir Putin").id == by_name(news, "Vladimir Putin").id == "vladimir-putin"
    assert by_name(other, "Russia").id == "russia"


@pytest.mark.slow
def test_actor_at_and_person_before(extractor):
    doc = extractor.nlp(NEWS)
    start = NEWS.index("Kremlin")
    assert actor_at(doc, start, start + len("Kremlin")) == "russia"
    assert actor_at(doc, start - 4, start + 2) == "russia"  # partial overlap
    assert actor_at(doc, 0, 0) is None
    he = NEWS.index("He added")
    assert person_before(doc, he) == "dmitry-peskov"
    assert person_before(doc, 5) is None


@pytest.mark.slow
def test_photo_credit_is_not_an_actor(extractor):
    text = ("Talks stall in Geneva\n"
            "(Reuters) - Ukraine and Russia failed to agree on Monday.\n"
            "![]() |\n"
            "Delegates arrive in Geneva. Photo: AP |\n"
            "Ukrainian officials said talks would continue.\n")
    rec = extractor.extract(text, id="credit")
    names = {a.name for a in rec.actors}
    assert "AP" not in names and "Reuters" not in names and "Photo" not in names
    assert by_name(rec, "Ukraine") is not None
    assert "Ukrainian" in by_name(rec, "Ukraine").aliases


@pytest.mark.slow
def test_administration_named_after_a_president_is_an_organisation(extractor):
    rec = extractor.extract("The Biden administration is preparing to respond to Russia next week, "
                            "US officials said.", id="adm")
    adm = by_name(rec, "Biden administration")
    assert adm is not None and adm.kind == "organization"
    assert by_name(rec, "Russia").kind == "country"


@pytest.mark.slow
def test_dateline_city_in_capitals_is_a_place(extractor):
    text = ("TIRASPOL 2021-08-15\n"
            "Local officials in the breakaway region said on Sunday that Moldova had refused.\n")
    rec = extractor.extract(text, id="dl")
    place = actor_of(rec, "TIRASPOL")
    assert place is not None and place.kind == "place"
    assert place.name == "Tiraspol" and place.id == "tiraspol"
    rec = extractor.extract("KABUL 2021-08-15\nFighters entered the city on Sunday, witnesses said.\n",
                            id="dl2")
    assert actor_of(rec, "KABUL").name == "Afghanistan"


@pytest.mark.slow
def test_initial_and_surname_is_a_person(extractor):
    rec = extractor.extract("Somerset were bowled out for 174, with J. Adams taking four wickets. "
                            "Adams later said the pitch had helped him.", id="init")
    adams = actor_of(rec, "J. Adams")
    assert adams is not None and adams.kind == "person"
    assert "Adams" in [m.text for m in adams.mentions]


@pytest.mark.slow
def test_titles_with_of_and_possessives(extractor):
    rec = extractor.extract("Secretary of State Antony Blinken met Defense Secretary Lloyd Austin on Monday. "
                            "Ukraine's President Volodymyr Zelensky thanked Sen. Lindsey Graham.", id="titles")
    assert "Secretary of State" in by_name(rec, "Antony Blinken").titles
    assert "Defense Secretary" in by_name(rec, "Lloyd Austin").titles
    assert "Ukraine's President" in by_name(rec, "Volodymyr Zelensky").titles
    assert "Sen." in by_name(rec, "Lindsey Graham").titles
    assert by_name(rec, "State") is None and by_name(rec, "Defense") is None  # title words, not actors
    assert by_name(rec, "Ukraine").kind == "country"
    rec = extractor.extract("Russia's foreign minister, Sergei Lavrov, rejected the plan.", id="appos")
    assert "Russia's foreign minister" in by_name(rec, "Sergei Lavrov").titles


@pytest.mark.slow
def test_name_with_bracketed_nationality_is_a_person(extractor):
    rec = extractor.extract("Results of the women's final: Mirela Tusnady (Hungary) beat Oona Kettunen (Finland).",
                            id="nat")
    for name in ("Mirela Tusnady", "Oona Kettunen"):
        person = actor_of(rec, name)
        assert person is not None and person.kind == "person", name
    assert by_name(rec, "Hungary").kind == "country"
