"""Rebuild ``dedupe/rules/data/zipf_floor.tsv``: per language stray-token looks words up in,
the words of wordfreq's full list at exactly ``_lex.COMMON_ZIPF``, which its small list leaves
out. With them, ``_lex.zipf_common`` answers from the small lists (a tenth of the size) exactly
as the full lists would. Developers only: ``python scripts/build_zipf_floor.py`` after a
wordfreq upgrade (``tests/test_zipf_common.py`` checks the shipped file).
"""

from pathlib import Path

from wordfreq import get_frequency_dict, lossy_tokenize, zipf_frequency

from dedupe.rules._lex import COMMON_ZIPF
from dedupe.rules.stray_token import OTHER_LANGS

OUT = Path(__file__).resolve().parent.parent / "dedupe" / "rules" / "data" / "zipf_floor.tsv"


def floor_words(lang: str) -> dict:
    """Words of the full list, their own single token, at COMMON_ZIPF or above but not in the
    small list: {word: Zipf}."""
    small = get_frequency_dict(lang, wordlist="small")
    found = {}
    for word in get_frequency_dict(lang):
        if word not in small and lossy_tokenize(word, lang) == [word]:
            z = zipf_frequency(word, lang)
            if z >= COMMON_ZIPF:
                found[word] = z
    return found


def main():
    rows = [f"{lang}\t{w}\t{z}" for lang in sorted(OTHER_LANGS) for w, z in sorted(floor_words(lang).items())]
    header = ("# language, word, Zipf: wordfreq words at the small lists' floor; scripts/build_zipf_floor.py\n"
              f"# languages: {' '.join(sorted(OTHER_LANGS))}\n")
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} words)")


if __name__ == "__main__":
    main()
