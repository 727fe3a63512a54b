"""Tests of the n-gram family cl.NGram: real counts in round 1, unbiased generation,
the schemes as the engine defines them, the held-out perplexity, bad input, memory."""

import time
from collections import Counter

import numpy as np
import pytest
from helpers import assert_mean_matches

import collapse_lib as cl
import collapse_lib.data as cldata
from collapse_lib._rng import CHUNK, _BlockRNG
from collapse_lib._simulate import _rounds

SMALL = [["a", "b"], ["a", "a", "b"], ["b"], ["b", "a", "c"], ["c", "c"]]


def _ngrams(sentences, order):
    """Counter of the n-grams of padded sentences, as tuples of words ('</s>' = boundary)."""
    out = Counter()
    for s in sentences:
        padded = ["</s>"] * (order - 1) + list(s) + ["</s>"]
        out.update(tuple(padded[i : i + order]) for i in range(len(s) + 1))
    return out


def _decoded(family, table):
    """The counts of a fitted table as a Counter of word tuples."""
    out = Counter()
    for key, count in zip(table.keys.tolist(), table.counts.tolist()):
        symbols = []
        for _ in range(family.order):
            key, symbol = divmod(key, len(family.words))
            symbols.append(family.words[symbol])
        out[tuple(reversed(symbols))] = count
    return out


def _block(family, replicates, seed=0):
    chunks = list(range(-(-replicates // CHUNK)))
    bounds = [(i * CHUNK, min((i + 1) * CHUNK, replicates)) for i in chunks]
    return _BlockRNG(np.random.SeedSequence(seed), chunks, bounds, family._roles)


@pytest.mark.parametrize("order", [2, 3])
def test_round_one_fit_is_the_real_counts(order):
    family = cl.NGram(SMALL, order=order)
    fit = family._fit(family._first_batch(2))
    expected = _ngrams(SMALL, order)
    for r in range(2):
        assert _decoded(family, fit["table"][r]) == expected
    run = cl.simulate(family, generations=3, sizes=5, replicates=2, seed=1)
    assert run["ngrams"][:, :2].tolist() == [[len(expected)] * 2] * 2
    assert run["words"][:, :2].tolist() == [[3.0, 3.0]] * 2
    assert run["tokens"][:, :2].tolist() == [[11.0, 11.0]] * 2


def test_round_one_fit_on_brown_is_the_real_bigram_counts():
    sentences = cldata.brown_sentences()[:3000]
    family = cl.NGram(sentences)
    table = family._fit(family._first_batch(1))["table"][0]
    assert _decoded(family, table) == _ngrams(sentences, 2)
    truth = family.truth()
    assert truth["words"] == len({w for s in sentences for w in s})
    assert truth["tokens"] == sum(map(len, sentences))


def test_generated_counts_are_unbiased_for_the_model_probabilities():
    """E c(h, w) = m v_h p(w | h), with v_h the expected visits of context h per sentence
    of the absorbing chain (fundamental matrix), for m generated sentences."""
    family = cl.NGram(SMALL)
    fit = family._fit(family._first_batch(1))
    table = fit["table"][0]
    V = len(family.words)
    P = np.zeros((V, V))  # P[h, w] = p(w | h), symbol 0 = boundary
    for (h, w), c in _decoded(family, table).items():
        P[family.words.index(h), family.words.index(w)] = c
    P /= P.sum(axis=1, keepdims=True)
    visits = np.r_[1.0, P[0, 1:] @ np.linalg.inv(np.eye(V - 1) - P[1:, 1:])]
    m, R = 7, 3000
    expected = m * visits[:, None] * P  # (V, V)
    stats = family._sample(
        {k: np.repeat(v[:1], R) for k, v in fit.items()}, m, _block(family, R, seed=3)
    )
    counts = np.zeros((R, V, V))
    for r in range(R):
        h, w = np.divmod(stats["keys"][r], V)
        counts[r, h, w] = stats["counts"][r]
        assert stats["sentences"][r] == m
        assert stats["tokens"][r] == stats["counts"][r].sum() - m
    assert_mean_matches(counts.reshape(R, -1), expected.ravel())
    # and the fitted probabilities pooled over replicates are the model's
    pooled = counts.sum(axis=0)
    seen = pooled.sum(axis=1) > 0
    np.testing.assert_allclose(
        pooled[seen] / pooled[seen].sum(axis=1, keepdims=True), P[seen], atol=0.02
    )


def test_schemes_as_the_engine_defines_them():
    family = cl.NGram(SMALL)
    for scheme in ("replace", "accumulate"):
        rng = _block(family, 3, seed=5)
        fits, batches = [], []
        for _t, fit, batch in _rounds(family, np.full(8, 5), rng, scheme, 0.0, False, {"text": []}):
            fits.append(fit)
            batches.append(batch)
        for r in range(3):
            for t in range(8):
                table = fits[t]["table"][r]
                used = batches[t : t + 1] if scheme == "replace" else batches[: t + 1]
                total = Counter()
                for b in used:
                    total.update(dict(zip(b["keys"][r].tolist(), b["counts"][r].tolist())))
                assert dict(zip(table.keys.tolist(), table.counts.tolist())) == total
    run_r = cl.simulate(family, generations=30, sizes=5, replicates=20, seed=2)
    run_a = cl.simulate(family, generations=30, sizes=5, replicates=20, seed=2, scheme="accumulate")
    # without fresh data the support only shrinks under replace ...
    assert np.all(np.diff(run_r["ngrams"], axis=1) <= 0)
    assert np.all(np.diff(run_r["words"], axis=1) <= 0)
    assert run_r["words"][:, -1].min() < 3
    # ... and never changes under accumulate (the real corpus stays in the data)
    assert np.all(run_a["ngrams"] == run_a["ngrams"][:, :1])
    assert np.all(np.diff(run_a["tokens"], axis=1)[:, 1:] > 0)
    # a fresh fraction brings real sentences back into a model that lost words
    run_f = cl.simulate(family, generations=30, sizes=5, replicates=20, seed=2, fresh=0.5)
    assert np.any(np.diff(run_f["words"], axis=1) > 0)


def test_same_seed_same_text():
    family = cl.NGram(SMALL, examples=2)
    a = cl.simulate(family, generations=4, sizes=5, replicates=2, seed=9, fresh=0.3)
    b = cl.simulate(family, generations=4, sizes=5, replicates=2, seed=9, fresh=0.3)
    assert a.records["text"].tolist() == b.records["text"].tolist()
    assert np.array_equal(a["ngrams"], b["ngrams"])
    text = a.records["text"][0]
    assert len(text) == 4 and text[0] == ("a b", "a a b")  # entry 0: the real corpus
    words = {w for entry in text for sentence in entry for w in sentence.split()}
    assert words <= {"a", "b", "c"}


def test_heldout_perplexity_is_the_stated_interpolation():
    heldout = [["a", "c"], ["d", "b"], ["c", "a", "b"]]
    lam = (0.6, 0.3, 0.1)
    family = cl.NGram(SMALL, heldout=heldout, smoothing=lam)
    big, uni = _ngrams(SMALL, 2), Counter()
    for (_, w), c in big.items():
        uni[w] += c
    ctx = Counter()
    for (h, _), c in big.items():
        ctx[h] += c
    V = 5  # a, b, c, d and the boundary
    logs = []
    for h, w in (g for s in heldout for g in _ngrams([s], 2).elements()):
        pu = uni[w] / sum(uni.values())
        if ctx[h]:
            q = lam[0] * big[(h, w)] / ctx[h] + lam[1] * pu + lam[2] / V
        else:
            q = (lam[0] + lam[1]) * pu + lam[2] / V
        logs.append(np.log(q))
    assert family.truth()["perplexity"] == pytest.approx(np.exp(-np.mean(logs)), rel=1e-12)
    run = cl.simulate(family, generations=2, sizes=5, replicates=2, seed=1)
    assert run["perplexity"][:, 1] == pytest.approx(family.truth()["perplexity"])


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        (dict(sentences=[]), ValueError, "sentences"),
        (dict(sentences="a b"), TypeError, "sentences"),
        (dict(sentences=[["a", 1]]), ValueError, r"sentences\[0\]"),
        (dict(sentences=[["a"], []]), ValueError, r"sentences\[1\]"),
        (dict(sentences=[["a"], "ab"]), TypeError, r"sentences\[1\]"),
        (dict(sentences=SMALL, order=1), ValueError, "order"),
        (dict(sentences=SMALL, order=2.0), TypeError, "order"),
        (dict(sentences=[[str(i)] for i in range(200)], order=9), ValueError, "order=9"),
        (dict(sentences=SMALL, heldout=[[]]), ValueError, r"heldout\[0\]"),
        (dict(sentences=SMALL, smoothing=(0.5, 0.5)), ValueError, "smoothing"),
        (dict(sentences=SMALL, smoothing=(0.5, 0.6, -0.1)), ValueError, "smoothing"),
        (dict(sentences=SMALL, smoothing=(0.5, 0.4, 0.2)), ValueError, "sum to 1"),
        (dict(sentences=SMALL, smoothing=1.0), TypeError, "smoothing"),
        (dict(sentences=SMALL, examples=-1), ValueError, "examples"),
    ],
)
def test_bad_input(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        cl.NGram(**kwargs)


def test_refuses_a_run_too_large_before_allocating():
    family = cl.NGram(cldata.brown_sentences()[:2000])
    assert family._extra_bytes("replace", 10) >= 2 * 80 * family._truth.keys.size
    start = time.perf_counter()
    with pytest.raises(ValueError, match="max_bytes"):
        cl.simulate(family, generations=5, sizes=2000, replicates=100_000, seed=0)
    with pytest.raises(ValueError, match="max_bytes"):
        cl.simulate(family, generations=5, sizes=2000, replicates=3, seed=0, max_bytes=1e5)
    assert time.perf_counter() - start < 1.0
