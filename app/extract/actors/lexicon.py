"""Names of countries and well-known actors: pycountry plus the small curated table data/aliases.tsv.

``Lexicon.lookup`` answers "which actor does this surface form name?" for country names, short forms,
capitals, seats of government, demonyms and a few acronyms, so that `Moscow`, `the Kremlin` and
`Russian` all land on Russia.  The word lists the other actor modules read live next to it in data/.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from app.extract.lexicon import Row, read_tsv, word_set
from app.keys import actor_slug
from app.vocab import ACTOR_KINDS

__all__ = ["ALIASES_PATH", "DATA_DIR", "REFERENCE_NOUNS", "Entry", "Lexicon", "lexicon", "read_aliases", "read_table",
           "slugify"]

DATA_DIR = Path(__file__).resolve().parent / "data"
ALIASES_PATH = DATA_DIR / "aliases.tsv"
ALIAS_COLUMNS = ("alias", "name", "kind", "demonym")
KINDS = ACTOR_KINDS
# "the airline" -> organization, "the country" -> country, "the plane" -> product: a bare definite noun of these
# stands for the actor of that kind named last (events' arguments, quote speakers)
REFERENCE_NOUNS: dict[str, str] = {w: kind for kind, words in word_set(
    DATA_DIR / "reference_nouns.tsv", classes=("country", "organization", "product")).items() for w in words}

# The actor id of a canonical name (kept under this name for callers of the old actors_lexicon).
slugify = actor_slug

# Suffix rules that turn a country name into its demonym: (ending to drop, ending to add), most
# productive first (a clash between two countries goes to the earlier rule).  Irregular demonyms
# (French, Dutch, American...) live in aliases.tsv.
DEMONYM_RULES = (
    ("ia", "ian"),    # Russia -> Russian, Syria -> Syrian, Nigeria -> Nigerian
    ("a", "an"),      # Cuba -> Cuban, Kenya -> Kenyan, South Korea -> South Korean
    ("e", "ian"),     # Ukraine -> Ukrainian
    ("y", "ian"),     # Italy -> Italian, Hungary -> Hungarian
    ("o", "an"),      # Mexico -> Mexican, Morocco -> Moroccan
    ("a", "ian"),     # Canada -> Canadian
    ("ium", "ian"),   # Belgium -> Belgian
    ("", "ian"),      # Iran -> Iranian, Egypt -> Egyptian, Brazil -> Brazilian
    ("a", "ese"),     # China -> Chinese
    ("", "ese"),      # Japan -> Japanese, Sudan -> Sudanese
    ("on", "ese"),    # Lebanon -> Lebanese
    ("", "i"),        # Pakistan -> Pakistani, Kuwait -> Kuwaiti
    ("ey", "ish"),    # Turkey -> Turkish
    ("and", "ish"),   # Poland -> Polish
    ("ain", "anish"),  # Spain -> Spanish
    ("en", "ish"),    # Sweden -> Swedish
    ("e", "ean"),     # Chile -> Chilean
    ("", "n"),        # Zimbabwe -> Zimbabwean
    ("", "an"),       # Mali -> Malian
)

AliasRow = tuple[str, str, str, bool]  # (alias, canonical name, kind, is_demonym)


@dataclass(frozen=True, slots=True)
class Entry:
    """What a surface form names: the canonical name, its kind, and whether the form is a demonym."""

    name: str
    kind: str
    demonym: bool = False


def _check_alias(row: Row) -> None:
    if row["kind"] not in ACTOR_KINDS:
        raise row.fail(f"kind {row['kind']!r} is not one of {', '.join(ACTOR_KINDS)}")
    if row["demonym"] not in ("", "demonym"):
        raise row.fail(f"the demonym column is 'demonym' or empty, not {row['demonym']!r}")


def read_aliases(path: Path = ALIASES_PATH) -> list[AliasRow]:
    """The shipped alias table, validated: a bad row raises LexiconError naming the file and line."""
    return [(row["alias"], row["name"], row["kind"], row["demonym"] == "demonym")
            for row in read_tsv(path, ALIAS_COLUMNS, required=("alias", "name", "kind"), check=_check_alias)]


def read_table(path: Path) -> list[AliasRow]:
    """A user's alias table, read leniently (no header needed; a missing file or malformed line is skipped)."""
    rows: list[AliasRow] = []
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) >= 3 and parts[0] and parts[1] and parts[2] in KINDS:
            rows.append((parts[0], parts[1], parts[2], len(parts) > 3 and parts[3] == "demonym"))
    return rows


def _short_country_name(country: object) -> str:
    name = getattr(country, "common_name", None) or country.name  # type: ignore[attr-defined]
    name = re.sub(r"\s*\(.*?\)", "", name)
    return name.split(", ")[0].strip()


def _demonyms(name: str) -> list[tuple[int, str]]:
    if len(name) < 4 or not name.replace(" ", "").isalpha():
        return []
    return [(rank, name[: len(name) - len(drop)] + add)
            for rank, (drop, add) in enumerate(DEMONYM_RULES) if name.endswith(drop)]


def _countries(renames: dict[str, str]) -> dict[str, Entry]:
    """Every pycountry name form -> its country, under the table's canonical name where it renames one."""
    countries: dict[str, Entry] = {}
    for c in pycountry.countries:
        common = getattr(c, "common_name", None)
        short = _short_country_name(c)
        canon = renames.get(c.name) or (renames.get(common) if common else None) or short
        entry = Entry(canon, "country")
        for form in (c.name, common, getattr(c, "official_name", None), short, canon):
            if form:
                countries[form] = entry
    return countries


def _generated_demonyms(countries: dict[str, Entry], known: dict[str, Entry]) -> dict[str, Entry]:
    """Demonyms by rule; a form that already names something, or that two countries share, is left out."""
    generated: dict[str, tuple[int, Entry | None]] = {}
    for entry in set(countries.values()):
        for rank, form in _demonyms(entry.name):
            if form in known:
                continue
            old = generated.get(form)
            if old is None or rank < old[0]:
                generated[form] = (rank, entry)
            elif rank == old[0] and old[1] != entry:
                generated[form] = (rank, None)
    return {form: Entry(found.name, "country", demonym=True)
            for form, (_, found) in generated.items() if found is not None}


class Lexicon:
    """Surface form -> Entry: exact case first, then the UPPER-CASE form (headlines)."""

    def __init__(self, path: Path = ALIASES_PATH) -> None:
        rows = read_aliases(path) if path == ALIASES_PATH else read_table(path)
        self._regions: frozenset[str] | None = None
        renames = {alias: canon for alias, canon, kind, _ in rows if kind == "country"}
        countries = _countries(renames)
        self.exact: dict[str, Entry] = dict(countries)
        for alias, canon, kind, demonym in rows:
            target = countries.get(canon) if kind == "country" else None
            self.exact[alias] = Entry(target.name if target else canon, kind, demonym)
        for form, entry in _generated_demonyms(countries, self.exact).items():
            self.exact[form] = entry
            self.exact.setdefault(form + "s", Entry(entry.name, "country", demonym=True))
        self.upper = {k.upper(): v for k, v in self.exact.items() if len(k) > 3 and not v.demonym}
        self.max_words = max(len(k.split()) for k in self.exact)
        self.first_words = {k.split()[0] for k in self.exact} | {k.split()[0].upper() for k in self.exact}

    @property
    def regions(self) -> frozenset[str]:
        """Names of provinces, states and regions (pycountry subdivisions), ASCII-folded."""
        if self._regions is None:
            fold = unicodedata.normalize
            self._regions = frozenset(
                fold("NFKD", sub.name).encode("ascii", "ignore").decode("ascii")
                for sub in pycountry.subdivisions)
        return self._regions

    def lookup(self, text: str) -> Entry | None:
        """The entry a surface form names (spacing ignored; headline capitals tried second), or None."""
        text = " ".join(text.split()).replace(" 's ", "'s ")  # `People 's Republic of China`, tokenised
        entry = self.exact.get(text)
        if entry is None and text.isupper():
            entry = self.upper.get(text)
        return entry


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon, loaded once per process."""
    return Lexicon()
