"""How often a word is written in a language: wordfreq's word lists, read offline.

`text.soft_hyphen` weighs the joined form of a line-end split (`wellbeing`) against the
hyphenated one (`well-being`) with these numbers. The lists ship inside the `wordfreq`
wheel (`wordfreq/data/large_<lang>.msgpack.gz`, words down to once per hundred million).

They are read here from wordfreq's documented `cBpack` file (gzipped msgpack: a header,
then one alphabetical list of words per centibel of frequency) and not through
`wordfreq.zipf_frequency`, which keeps a dict of every word (about 40 MiB a language) and
imports langcodes, regex and ftfy (17 MiB more) in every reading process: a report asks a
few hundred words, so one sorted array of hashes with their frequency (3 MiB a language)
is enough. Frequencies are the ones `wordfreq.zipf_frequency` gives (tests check it).
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# the low bits of a key hold the word's bucket (centibels below 1: < 2048 in wordfreq's lists)
_BUCKET_BITS = 11
_BUCKET_MASK = (1 << _BUCKET_BITS) - 1


def wordfreq_list(name: str) -> Path | None:
    """The file of wordfreq's list `name` (`large_fr`), found without importing wordfreq;
    None when wordfreq is not installed or has no such list."""
    spec = importlib.util.find_spec("wordfreq")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "data" / f"{name}.msgpack.gz"
        if path.is_file():
            return path
    return None


def _key(word: str) -> str:
    # wordfreq's own preprocessing of a word of these languages: NFC, then case folding
    return unicodedata.normalize("NFC", word).casefold()


class WordFrequencies:
    """Zipf frequencies (log10 of uses per billion words; 0 for a word not in the list)
    of one wordfreq list.

    >>> en = WordFrequencies.load("large_en")
    >>> en.zipf("development") > en.zipf("wellbeing") > en.zipf("naturebased") == 0
    True
    """

    def __init__(self, buckets: Iterable[list[str]] = (), *, name: str = "") -> None:
        """`buckets[i]`: the words used 10**(-i/100) times a word written (cBpack's lists)."""
        # numpy here, not at import: a skipped unchanged file imports `text` but reads no word
        import numpy as np

        self.name = name
        self._search = np.searchsorted
        self._keys = np.sort(np.fromiter(
            ((hash(_key(w)) >> _BUCKET_BITS << _BUCKET_BITS) | i
             for i, bucket in enumerate(buckets) for w in bucket), dtype=np.int64))

    @classmethod
    def load(cls, name: str) -> WordFrequencies:
        """wordfreq's list `name`, one bucket at a time (the whole list decoded at once
        would hold every word as a Python string: tens of MiB at the peak)."""
        path = wordfreq_list(name)
        if path is None:
            raise FileNotFoundError(f"no wordfreq list {name!r}: is wordfreq installed (pyproject.toml)?")
        import msgpack

        with gzip.open(path, "rb") as f:
            unpacker = msgpack.Unpacker(f, raw=False, use_list=True)
            count = unpacker.read_array_header()
            header = unpacker.unpack()
            if header != {"format": "cB", "version": 1}:
                raise ValueError(f"{path}: not a cBpack list of version 1 ({header!r})")
            return cls((unpacker.unpack() for _ in range(count - 1)), name=name)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"WordFrequencies({self.name!r}, {len(self)} words)"

    def _frequency(self, word: str) -> float:
        """Uses per word written (0 when not in the list)."""
        stem = hash(_key(word)) >> _BUCKET_BITS << _BUCKET_BITS
        i = int(self._search(self._keys, stem))
        if i == len(self._keys) or int(self._keys[i]) >> _BUCKET_BITS != stem >> _BUCKET_BITS:
            return 0.0
        return 10.0 ** (-(int(self._keys[i]) & _BUCKET_MASK) / 100)

    def zipf(self, *words: str) -> float:
        """The Zipf frequency of a word, or of words written joined by hyphens as wordfreq
        estimates it (it splits `well-being` into its words: the harmonic sum of theirs),
        rounded to two decimals as `wordfreq.zipf_frequency` does.

        >>> en = WordFrequencies.load("large_en")
        >>> en.zipf("well", "being") > en.zipf("wellbeing")
        True
        """
        freqs = [self._frequency(w) for w in words]
        if not freqs or not all(freqs):
            return 0.0
        return round(math.log10(1 / sum(1 / f for f in freqs)) + 9, 2)
