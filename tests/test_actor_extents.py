"""Noun-phrase extents (app/extract/actors/extents.py): `German airline Lufthansa`, `Toulouse , France`.

Sentences are from the MEANTIME copies of the Wikinews airline articles (tests/fixtures/meantime-airbus.jsonl:
text © Wikinews contributors, CC BY 2.5; MEANTIME corpus CC BY 4.0, © 2015 FBK, VU Amsterdam, UPV/EHU), tokens
joined by spaces as the corpus ships them.
"""

from __future__ import annotations

import pytest

# meantime-149731, meantime-71526, meantime-62929
DESCRIPTORS = ("The glitch only became public attention this weekend , when German magazine Der Spiegel cited "
               "confidential documents from engine maker Europrop in a report .\n"
               "Russian flag carrier Aeroflot has negotiated the purchase of 22 new Boeing 787 Dreamliners .\n"
               "Most will be staff of Airbus and German airline Lufthansa .")
# meantime-102977 (headline and first sentence), meantime-106653
PARENT = ("Airbus parent EADS wins # 13 billion UK RAF airtanker contract\n"
          "European Aeronautic Defence & Space NV ( EADS ) , the parent company of European airframer Airbus , has "
          "won a # 13 billion contract to supply the United Kingdom 's Royal Air Force ( RAF ) with aerial refueling "
          "tankers .\n"
          "Spokeswoman Sandy Angers said that the team had been merged into the parent product development team .")
# meantime-100911, meantime-82548
PLACES = ("The first four aircraft will be assembled at the main Airbus factory in Toulouse , France but by 2010-11 "
          "production of the remainder will be carried out at a facility in Mobile , Alabama .\n"
          "After the plane was delivered in Singapore , it was flown to Toulouse , France for the ceremony .")


def mentions_of(record, name):
    actor = next(a for a in record.actors if a.name == name)
    return actor, [m.text for m in actor.mentions]


@pytest.mark.slow
def test_a_company_noun_before_a_name_gives_the_noun_phrase_as_a_second_mention(extractor):
    record = extractor.extract(DESCRIPTORS, id="descriptors")
    for name, phrase in (("Der Spiegel", "German magazine Der Spiegel"), ("Europrop", "engine maker Europrop"),
                         ("Aeroflot", "Russian flag carrier Aeroflot"), ("Lufthansa", "German airline Lufthansa")):
        actor, texts = mentions_of(record, name)
        assert actor.kind == "organization"
        assert phrase in texts and name in texts, (name, texts)
        assert phrase not in actor.aliases  # the name stays the name
        start = DESCRIPTORS.index(phrase)
        assert any(m.start == start and m.end == start + len(phrase) for m in actor.mentions)
    _, texts = mentions_of(record, "Germany")
    assert texts == ["German", "German"]  # the nationality inside the phrase is still Germany's


@pytest.mark.slow
def test_a_descriptor_stops_at_a_preposition_and_a_persons_title_is_left_alone(extractor):
    record = extractor.extract(PARENT, id="parent")
    _, airbus = mentions_of(record, "Airbus")
    assert "European airframer Airbus" in airbus
    assert not any(t.startswith("the parent company") for t in airbus)
    _, eads = mentions_of(record, "EADS")
    assert "Airbus parent EADS" in eads  # a company's name before `parent` belongs to the phrase
    _, angers = mentions_of(record, "Sandy Angers")
    assert angers == ["Sandy Angers"]


@pytest.mark.slow
def test_a_place_with_its_state_or_country_after_a_comma_is_a_second_mention(extractor):
    record = extractor.extract(PLACES, id="places")
    _, toulouse = mentions_of(record, "Toulouse")
    assert toulouse == ["Toulouse", "Toulouse , France", "Toulouse", "Toulouse , France"]
    _, mobile = mentions_of(record, "Mobile")
    assert "Mobile , Alabama" in mobile
    _, france = mentions_of(record, "France")
    assert france == ["France", "France"]  # the country keeps its own mentions
    _, singapore = mentions_of(record, "Singapore")
    assert not any("," in t for t in singapore)  # `Singapore , it was flown`: no region after the comma


@pytest.mark.slow
def test_an_extent_is_a_mention_but_arguments_are_found_on_names(extractor):
    """Wikinews (CC BY 2.5), 'Northrop Grumman and Airbus parent EADS defeat Boeing for $40 billion US airtanker
    contract', 2008-03-01: 'Airbus parent company … EADS' is a mention of EADS in the record, but the act of
    'Northrop Grumman and Airbus parent company … EADS' is Northrop Grumman's (with EADS beside it), not that of
    the longest phrase."""
    import datetime as dt

    text = ("Northrop Grumman and Airbus parent company European Aeronautic Defence and Space Company EADS N.V. "
            "(EADS) have unexpectedly defeated Boeing for a US$40 billion (GB #20.1 billion) contract to supply the "
            "United States Air Force (USAF) with 179 new aerial refueling tankers at a rate of 15 a year.")
    rec = extractor.extract(text, published=dt.date(2008, 3, 1))
    defeated = next(e for e in rec.events if e.lemma == "defeat")
    assert defeated.source_actor == "northrop-grumman"
    assert any(m.text.startswith("Airbus parent company European") for a in rec.actors for m in a.mentions)
