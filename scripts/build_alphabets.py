"""Rebuild ``dedupe/rules/data/wordfreq_alphabets.tsv``: per wordfreq language split by regular
expressions, every character of its full word list. A word whose tokens have a character
outside a language's alphabet is in no entry of its list, so ``_lex.native_spelling`` need not
load that list to know. Developers only: ``python scripts/build_alphabets.py`` after a
wordfreq upgrade (``tests/test_zipf_common.py`` checks the shipped file).
"""

from pathlib import Path

from dedupe.rules._lex import alphabets_of_wordfreq

OUT = Path(__file__).resolve().parent.parent / "dedupe" / "rules" / "data" / "wordfreq_alphabets.tsv"


def main():
    rows = [f"{lang}\t{''.join(sorted(chars))}" for lang, chars in sorted(alphabets_of_wordfreq().items())]
    OUT.write_text("# language, every character of its wordfreq list; scripts/build_alphabets.py\n" + "\n".join(rows) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} languages)")


if __name__ == "__main__":
    main()
