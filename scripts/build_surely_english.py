"""Rebuild ``dedupe/rules/data/surely_english.txt``: known English words that no other
language's wordfreq list has much more often, so that they never count as foreign (see
``foreign_fragment.surely_english``).

foreign-fragment's pre-filter counts these words in a sentence before running language
identification; deciding them at run time would load every wordfreq language (about 40 word
lists, seconds of start-up), so the list is computed here once, from the wordfreq the package
depends on. Developers only: ``python scripts/build_surely_english.py`` after a wordfreq
upgrade (``tests/test_foreign_prefilter.py`` checks the shipped list against the installed
wordfreq).
"""

import re
from pathlib import Path

from wordfreq import top_n_list

from dedupe.rules._lex import _wordfreq_languages
from dedupe.rules.foreign_fragment import EN_KNOWN, FREQ_MARGIN, surely_english

OUT = Path(__file__).resolve().parent.parent / "dedupe" / "rules" / "data" / "surely_english.txt"
# the English words considered: ASCII lower case, as the rule's word pattern finds them
CANDIDATES = 60_000
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def main():
    others = sorted(la for la in _wordfreq_languages() if la != "en")
    words = sorted(
        w for w in top_n_list("en", CANDIDATES)
        if _ASCII_WORD.fullmatch(w) and surely_english(w, others)
    )
    header = (f"# English words (wordfreq Zipf >= {EN_KNOWN}, among its {CANDIDATES:,} most frequent) at most {FREQ_MARGIN} Zipf more\n"
              f"# frequent in any other wordfreq language; built by scripts/build_surely_english.py\n")
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(words)} words)")


if __name__ == "__main__":
    main()
