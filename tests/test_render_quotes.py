"""Split quotes show the speaker's words apart from the attribution between them."""

from app.web.render import quote_html, quote_parts

SPLIT = ("Russia has already weighed its concerns against US and NATO activities,” White House national security "
         "adviser Jake Sullivan said at an event on December 17. “We will weigh our concerns.")


def test_split_quote_separates_attribution():
    parts = quote_parts(SPLIT)
    assert [spoken for spoken, _ in parts] == [True, False, True]
    assert "Jake Sullivan said" in parts[1][1]
    assert parts[2][1] == "We will weigh our concerns."


def test_indirect_and_plain_quotes_stay_whole():
    assert quote_parts("that Russia should not expect the US to accept", "indirect") == [
        (True, "that Russia should not expect the US to accept")]
    assert quote_parts("We hit a home run.") == [(True, "We hit a home run.")]


def test_html_is_escaped_and_attribution_marked():
    html = str(quote_html('<b>bold</b>,” she said. “next'))
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<span class="attribution"> — she said. — </span>' in html
