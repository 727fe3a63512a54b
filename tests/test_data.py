"""Tests of collapse_lib.data: the real data sets shipped with installed packages."""

import sys

import numpy as np
import pytest

import collapse_lib.data as cldata

wordfreq = pytest.importorskip("wordfreq")


def test_english_unigram_is_wordfreq_conditioned_on_the_vocabulary():
    v = cldata.english_unigram(10_000)
    assert len(v.words) == v.probs.size == 10_000
    assert len(set(v.words)) == 10_000
    assert v.probs.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(v.probs) <= 0)  # most frequent first
    assert 0.5 < v.coverage < 1.0
    assert not any(ch.isdigit() for w in v.words for ch in w)
    assert all(any(ch.isalpha() for ch in w) for w in v.words)
    # probabilities are wordfreq's stored frequencies divided by the coverage
    stored = wordfreq.get_frequency_dict("en", "large")
    for i in (0, 10, 500, 9_999):
        assert v.probs[i] * v.coverage == pytest.approx(stored[v.words[i]], rel=1e-12)
    assert v.words[:5] == ("the", "to", "and", "of", "a")
    assert "wordfreq" in v.source


def test_english_unigram_unfiltered_is_wordfreq_order():
    v = cldata.english_unigram(2_000, letters_only=False)
    assert list(v.words) == list(wordfreq.iter_wordlist("en", "large"))[:2_000]
    assert "00" in v.words  # the number classes are kept here


def test_english_unigram_small_list_is_a_prefix_in_frequency():
    v = cldata.english_unigram(500, wordlist="small")
    assert v.probs.size == 500 and v.probs.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        (dict(size=1), ValueError, "size"),
        (dict(size=10.0), TypeError, "size"),
        (dict(size=10**8), ValueError, "size"),
        (dict(size=10, wordlist="huge"), ValueError, "wordlist"),
        (dict(size=10, letters_only=1), TypeError, "letters_only"),
    ],
)
def test_english_unigram_bad_input(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        cldata.english_unigram(**kwargs)


def test_missing_optional_package_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "wordfreq", None)
    with pytest.raises(ImportError, match="pip install wordfreq"):
        cldata.english_unigram(10)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        cldata.wine()


def test_wine_table():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_wine

    t = cldata.wine()
    assert t.data.shape == (178, 13)
    assert t.feature_names[0] == "alcohol" and t.feature_names[-1] == "proline"
    np.testing.assert_array_equal(t.data, load_wine().data)
    assert np.all(np.isfinite(t.data))
    assert "scikit-learn" in t.source
