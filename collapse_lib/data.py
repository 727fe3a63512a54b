r"""Real data sets used by the book, loaded from packages that ship them (no download).

Two loaders, each importing its optional package only when called:

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

Both return plain NumPy arrays with their provenance, so the rest of the library
never depends on the optional packages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import _check_choice, _check_int

__all__ = ["Table", "WordFrequencies", "english_unigram", "wine"]


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
    """

    words: tuple
    probs: np.ndarray
    coverage: float
    source: str


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
