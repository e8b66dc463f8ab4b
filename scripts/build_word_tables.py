"""Rebuild ``dedupe/rules/data/words/places.txt``: the gazetteer's names folded and sorted
(from ``data/gazetteer.tsv.gz``), searched by ``dedupe.rules._lex.place_population``
without folding them all at start. Developers only: ``python scripts/build_word_tables.py``
after the gazetteer changes (``tests/test_word_tables.py`` checks the shipped file against
what this builds). wordfreq's lists are kept as tables too, but never shipped (its data is
CC BY-SA): each is built into the user's cache the first time it is needed
(``_lex._table``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dedupe.rules._lex import place_lines  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "dedupe" / "rules" / "data" / "words"


def main():
    OUT.mkdir(exist_ok=True)
    path = OUT / "places.txt"
    path.write_text("\n".join(place_lines()) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
