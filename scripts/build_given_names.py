"""Rebuild ``dedupe/rules/data/given_names.tsv.gz`` from nomquamgender's name table.

The table is the data of nomquamgender 0.1.x (Van Buskirk et al., MIT licence, copied in
``dedupe/rules/data/given_names.LICENSE``), reduced to well-attested given names (at least
15 sources and 1,000 observations) with their probability of being a woman's name. dedupe
ships this reduced table instead of depending on the package, whose dependency Unidecode is
GPL-licensed. Developers only: ``pip install nomquamgender && python scripts/build_given_names.py``.
"""

import gzip
import importlib.util
import json
import os
from pathlib import Path

MIN_SOURCES, MIN_COUNTS = 15, 1000
OUT = Path(__file__).resolve().parent.parent / "dedupe" / "rules" / "data" / "given_names.tsv.gz"


def main():
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None:
        raise SystemExit("pip install nomquamgender first")
    path = os.path.join(list(spec.submodule_search_locations)[0], "name_data.json")
    table = json.load(open(path, encoding="utf-8"))
    rows = sorted(
        f"{name}\t{v[0]}\t{v[1]}\t{v[2]:.4f}"
        for name, v in table.items()
        if v[0] >= MIN_SOURCES and v[1] >= MIN_COUNTS
    )
    data = ("name\tsources\tcounts\tp_female\n" + "\n".join(rows) + "\n").encode("utf-8")
    OUT.write_bytes(gzip.compress(data, 9, mtime=0))
    print(f"wrote {OUT} ({len(rows)} names)")


if __name__ == "__main__":
    main()
