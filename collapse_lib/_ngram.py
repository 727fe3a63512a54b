r"""The n-gram language model :class:`NGram`, trained on a real corpus and then on its own text."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ._families import Family
from ._validate import _check_int, _check_real

#: Bytes per stored n-gram type of one model or one set of statistics (keys, counts,
#: cumulative counts, indices) and per symbol of the vocabulary (unigram counts).
_BYTES_PER_NGRAM = 80
_BYTES_PER_SYMBOL = 32
#: Largest total count for which a model keeps a table of the n-gram of every running
#: word (4 bytes each), so that a draw is one lookup instead of a binary search.
_LOOKUP_MAX = 1 << 22


class _Table:
    """The n-gram counts of a corpus, sorted by key, with what sampling and scoring need.

    A key is ``context * (V + 1) + word``, where ``context`` encodes the ``order - 1``
    previous symbols in base ``V + 1`` (symbol 0 marks the sentence boundary).
    """

    def __init__(self, keys, counts, base, order):
        self.keys, self.counts = keys, counts
        self.cum = np.cumsum(counts)
        context = keys // base
        first = np.flatnonzero(np.r_[True, context[1:] != context[:-1]])
        self.contexts = context[first]
        self.start = np.r_[0, self.cum][first]
        self.total = np.add.reduceat(counts, first) if keys.size else counts
        self.unigram = np.bincount(keys % base, weights=counts, minlength=base)
        self.base, self.order = base, order
        self._row, self._lookup = None, None

    def rows(self, context):
        """Row (index into ``contexts``) of every context code in ``context``."""
        if self.order > 2:
            return np.searchsorted(self.contexts, context)
        if self._row is None:  # order 2: the context is one symbol, a dense table
            self._row = np.zeros(self.base, dtype=np.int64)
            self._row[self.contexts] = np.arange(self.contexts.size)
        return self._row[context]

    def index(self, r):
        """Index of the n-gram holding running position ``r`` (0 <= r < total count)."""
        if self.cum.size and self.cum[-1] <= _LOOKUP_MAX:
            if self._lookup is None:
                self._lookup = np.repeat(np.arange(self.keys.size, dtype=np.int32), self.counts)
            return self._lookup[r]
        order = np.argsort(r)  # sorted queries make the binary searches several times faster
        k = np.empty(r.size, dtype=np.int64)
        k[order] = np.searchsorted(self.cum, r[order], "right")
        return k

    def words(self) -> int:
        """Number of word types the model can produce (the boundary symbol excluded)."""
        return int(np.count_nonzero(self.unigram[1:]))


def _repeat(value, B):
    """An object array of ``B`` references to ``value``."""
    out = np.empty(B, dtype=object)
    for r in range(B):
        out[r] = value
    return out


def _merge(keys_a, counts_a, keys_b, counts_b):
    """Sorted keys and summed counts of two sets of n-gram counts."""
    keys, inverse = np.unique(np.concatenate([keys_a, keys_b]), return_inverse=True)
    return keys, np.bincount(inverse, weights=np.concatenate([counts_a, counts_b])).astype(np.int64)


class NGram(Family):
    r"""An n-gram language model fitted by maximum likelihood, first on a real corpus.

    The model of order :math:`k` gives every word :math:`w` after the context
    :math:`h` of the :math:`k - 1` previous words the probability
    :math:`p(w \mid h) = c(h, w) / c(h)`, the relative frequency of the n-gram in the
    training text. Sentences are padded with a boundary symbol: the first context is
    :math:`k - 1` boundaries and a sentence ends when the model produces the boundary,
    so sentence lengths are part of the model. A context never seen has no
    probabilities; the model never produces one, because every generated context was
    followed by a symbol in the training text.

    In :func:`collapse_lib.simulate` round 1 is the fit on the real ``sentences``
    themselves (the same corpus for every replicate, ``Family._first_batch``), so
    the truth :math:`\theta^*` recorded at round 0 and the fit of round 1 under replace
    are the same model. Every later round generates ``sizes[t - 1]`` sentences, each
    from the previous model or, with probability ``fresh``, drawn at random (with
    replacement) from the real corpus, and refits on them (replace) or on all sentences
    so far (accumulate). Without fresh data the support can only shrink: a model
    produces only n-grams it has seen.

    Parameters
    ----------
    sentences : sequence of sequence of str
        The real training corpus: at least one sentence, each a non-empty sequence of
        words (e.g. :func:`collapse_lib.data.brown_sentences`).
    order : int
        The order :math:`k \ge 2` (2: bigram model).
    heldout : sequence of sequence of str, optional
        Real sentences not in the corpus. When given, every round records the
        perplexity of this text under the model, smoothed for the evaluation only (see
        Notes).
    smoothing : tuple of three floats
        Weights :math:`(\lambda_k, \lambda_1, \lambda_0)`, positive and summing to 1,
        of the n-gram, unigram and uniform parts of the evaluation model.
    examples : int
        Number of sentences of every round's generated text kept as ``run.records``.

    Notes
    -----
    Recorded parameters: ``"words"`` (word types the model can produce), ``"ngrams"``
    (n-gram types with positive probability), ``"tokens"`` (running words in the
    training text of the round, boundaries excluded) and, with ``heldout``,
    ``"perplexity"``. The held-out text is scored with the interpolated model

    .. math::

        q_t(w \mid h) = \lambda_k\, p_t(w \mid h) + \lambda_1\, p_t(w) + \lambda_0 / |V|,

    where :math:`p_t(w)` is the unigram model of the same training text (the boundary
    counted as a word), :math:`V` the vocabulary of corpus and held-out text with the
    boundary, and :math:`\lambda_k` moves to the unigram part for a context the model
    has never seen. The perplexity is :math:`\exp(-\frac1N \sum \ln q_t)` over the
    :math:`N` held-out words and sentence ends; the smoothing changes nothing in
    training or generation.

    Attributes ``words`` (the vocabulary, index 0 the boundary ``"</s>"``),
    ``word_counts`` (their counts in the real corpus, entry 0 the number of sentences)
    and ``ngram_counts`` (the count of every n-gram type of the real corpus) describe
    the corpus.

    Generation is vectorised over the sentences of a round: at each position every
    unfinished sentence draws its next word by inverting the cumulative counts of its
    context (an integer uniform draw and a binary search), so the cost is a few NumPy
    calls per position, not per word.

    **Records** ``run.records["text"]``: an object array with, for every replicate, a
    list whose entry :math:`s` holds the first ``examples`` sentences produced by the
    model of round :math:`s` (the text of round :math:`s + 1`; entry 0: the real
    corpus), as strings.

    Examples
    --------
    >>> import collapse_lib as cl
    >>> corpus = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]] * 4
    >>> family = cl.NGram(corpus, examples=2)
    >>> run = cl.simulate(family, generations=10, sizes=12, replicates=3, seed=1)
    >>> run["words"][:, 0].tolist(), run["ngrams"][:, 0].tolist()  # the real corpus
    ([6.0, 6.0, 6.0], [10.0, 10.0, 10.0])
    >>> bool((run["words"][:, 1] == 6).all())  # round 1 is the fit on the real corpus
    True
    >>> bool((run["words"][:, 1:].min(axis=1) >= 1).all())
    True
    >>> run.records["text"][0][0]
    ('the cat sat', 'the dog sat')
    >>> family.words[:3], family.word_counts[:3].tolist(), sorted(family.ngram_counts.tolist())
    (('</s>', 'cat', 'sat'), [12, 8, 8], [4, 4, 4, 4, 4, 4, 4, 4, 8, 8])
    """

    _roles = ("tokens", "sentences", "fresh")

    def __init__(self, sentences, *, order=2, heldout=None, smoothing=(0.7, 0.2, 0.1), examples=0):
        self.order = _check_int("order", order, minimum=2)
        self.examples = _check_int("examples", examples, minimum=0)
        corpus = _check_sentences("sentences", sentences)
        held = None if heldout is None else _check_sentences("heldout", heldout)
        self.smoothing = _check_smoothing(smoothing)
        tally = Counter(w for s in corpus for w in s)
        words = [w for w, _ in sorted(tally.items(), key=lambda item: (-item[1], item[0]))]
        if held is not None:
            words += sorted({w for s in held for w in s} - tally.keys())
        #: the vocabulary: index 0 is the sentence boundary
        self.words = ("</s>", *words)
        self._base = len(self.words)
        if float(self._base) ** self.order >= 2.0**62:
            raise ValueError(
                f"order={self.order} is too large for a vocabulary of {self._base - 1} words "
                "(n-gram keys must fit in 64 bits)"
            )
        index = {w: i for i, w in enumerate(self.words)}
        keys, self._offsets = self._encode([[index[w] for w in s] for s in corpus])
        self._sentence_keys = keys
        uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        self._truth = _Table(uniq, counts.astype(np.int64), self._base, self.order)
        self._key_index = inverse  # position of every corpus n-gram in the truth's keys
        #: counts of the n-gram types of the real corpus (one entry per type)
        self.ngram_counts = self._truth.counts.copy()
        #: counts of the words of ``words`` in the real corpus (entry 0: sentence ends)
        self.word_counts = self._truth.unigram.astype(np.int64)
        self._corpus = {
            "keys": uniq,
            "counts": self._truth.counts,
            "sentences": len(corpus),
            "tokens": int(keys.size - len(corpus)),
            "text": tuple(" ".join(s) for s in corpus[: self.examples]),
        }
        self._held = None
        if held is not None:
            # sorted: the binary searches of the scoring run faster on sorted queries
            self._held = np.sort(self._encode([[index[w] for w in s] for s in held])[0])
        self.params = ("words", "ngrams", "tokens") + (("perplexity",) if held is not None else ())

    def __repr__(self):
        return (
            f"NGram(order={self.order}, sentences={self._corpus['sentences']}, "
            f"words={self._base - 1})"
        )

    # -- encoding and scoring --------------------------------------------------------------
    def _encode(self, sentences):
        """The n-gram keys of padded sentences (one per word and one per sentence end),
        concatenated, and the offsets of every sentence's keys."""
        base, k = self._base, self.order
        lengths = np.array([len(s) + 1 for s in sentences], dtype=np.int64)
        padded = np.concatenate([np.r_[np.zeros(k - 1, np.int64), s, 0] for s in sentences])
        # position j of sentence i is padded[start_i + j : start_i + j + k]
        starts = np.r_[0, np.cumsum(lengths + k - 1)[:-1]]
        pos = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(
            lengths.sum()
        )
        keys = np.zeros(pos.size, dtype=np.int64)
        for j in range(k):
            keys = keys * base + padded[pos + j]
        return keys, np.r_[0, np.cumsum(lengths)]

    def _record_table(self, table, tokens):
        out = {
            "words": float(table.words()),
            "ngrams": float(table.keys.size),
            "tokens": float(tokens),
        }
        if self._held is not None:
            out["perplexity"] = self._perplexity(table)
        return out

    def _perplexity(self, table):
        """Perplexity of the held-out text under the smoothed evaluation model."""
        lam_k, lam_1, lam_0 = self.smoothing
        keys = self._held
        base = self._base
        i = np.minimum(np.searchsorted(table.keys, keys), table.keys.size - 1)
        c_hw = np.where(table.keys[i] == keys, table.counts[i], 0)
        j = np.minimum(np.searchsorted(table.contexts, keys // base), table.contexts.size - 1)
        seen = table.contexts[j] == keys // base
        c_h = np.where(seen, table.total[j], 1)
        uni = table.unigram[keys % base] / table.counts.sum()
        q = np.where(seen, lam_k * c_hw / c_h + lam_1 * uni, (lam_k + lam_1) * uni) + lam_0 / base
        return float(np.exp(-np.mean(np.log(q))))

    # -- the truth ------------------------------------------------------------------------
    def truth(self):
        """The recorded parameters of the model fitted on the real corpus."""
        return self._record_table(self._truth, self._corpus["tokens"])

    def _initial(self, B):
        fit = {"table": _repeat(self._truth, B), "real": np.ones(B, bool)}
        fit.update({k: np.full(B, v) for k, v in self.truth().items()})
        fit["text"] = _repeat((), B)
        return fit

    def _first_batch(self, B):
        return {name: _repeat(value, B) for name, value in self._corpus.items()}

    def _state_bytes(self):
        return (
            _BYTES_PER_NGRAM * self._truth.keys.size
            + _BYTES_PER_SYMBOL * self._base
            + 4 * min(_LOOKUP_MAX, self._sentence_keys.size)
        )

    def _extra_bytes(self, scheme, total):
        # a model, its statistics and a round's temporaries; no model ever holds an
        # n-gram the real corpus does not, whatever the scheme
        return 2 * self._state_bytes() + 32 * self._sentence_keys.size

    # -- statistics -----------------------------------------------------------------------
    def _sample(self, fit, size, rng):
        sizes = np.broadcast_to(np.asarray(size, dtype=np.int64), (rng.size,))

        def per_chunk(gen, rows, m, real, table):
            out = np.empty((len(rows), 5), dtype=object)
            for i in range(len(rows)):
                if real[i]:
                    out[i] = self._resample(gen, int(m[i]))
                else:
                    out[i] = self._generate(gen, table[i], int(m[i]))
            return out

        parts = rng.apply(
            "tokens",
            per_chunk,
            {"rows": np.arange(rng.size), "m": sizes, "real": fit["real"], "table": fit["table"]},
        )
        return dict(zip(("keys", "counts", "sentences", "tokens", "text"), parts.T))

    def _resample(self, gen, m):
        """Statistics of ``m`` sentences drawn at random, with replacement, from the corpus."""
        pick = gen.integers(0, self._corpus["sentences"], size=m)
        lo, hi = self._offsets[pick], self._offsets[pick + 1]
        length = hi - lo
        pos = np.repeat(lo - np.r_[0, np.cumsum(length)[:-1]], length) + np.arange(length.sum())
        counts = np.bincount(self._key_index[pos], minlength=self._truth.keys.size)
        keep = counts > 0
        text = tuple(
            " ".join(self.words[w] for w in self._sentence_keys[lo[i] : hi[i] - 1] % self._base)
            for i in range(min(m, self.examples))
        )
        return self._truth.keys[keep], counts[keep], m, int(length.sum() - m), text

    def _generate(self, gen, table, m):
        """Statistics of ``m`` sentences generated by the model ``table``, all at once."""
        base = self._base
        width = base ** (self.order - 1)
        context = np.zeros(m, dtype=np.int64)
        alive = np.arange(m)
        drawn = []  # the table index of every n-gram produced, position by position
        kept = [[] for _ in range(min(m, self.examples))]
        while alive.size:
            j = table.rows(context)
            k = table.index(table.start[j] + gen.integers(0, table.total[j]))
            drawn.append(k)
            word = table.keys[k] % base
            for i in np.flatnonzero(alive < len(kept)):
                if word[i]:
                    kept[alive[i]].append(self.words[word[i]])
            going = word != 0
            alive, context = alive[going], (context[going] * base + word[going]) % width
        index = np.concatenate(drawn) if drawn else np.zeros(0, np.int64)
        counts = np.bincount(index, minlength=table.keys.size)
        keep = counts > 0
        return table.keys[keep], counts[keep], m, int(index.size - m), tuple(map(" ".join, kept))

    def _combine(self, a, b):
        out = {name: np.empty(len(a["keys"]), dtype=object) for name in a}
        for r in range(len(a["keys"])):
            out["keys"][r], out["counts"][r] = _merge(
                a["keys"][r], a["counts"][r], b["keys"][r], b["counts"][r]
            )
            out["sentences"][r] = a["sentences"][r] + b["sentences"][r]
            out["tokens"][r] = a["tokens"][r] + b["tokens"][r]
            out["text"][r] = b["text"][r]  # the newest generated text
        return out

    def _fit(self, stats):
        B = len(stats["keys"])
        tables = np.empty(B, dtype=object)
        records = {name: np.empty(B) for name in self.params}
        for r in range(B):
            tables[r] = _Table(stats["keys"][r], stats["counts"][r], self._base, self.order)
            for name, value in self._record_table(tables[r], stats["tokens"][r]).items():
                records[name][r] = value
        return {"table": tables, "real": np.zeros(B, bool), "text": stats["text"], **records}

    # -- records --------------------------------------------------------------------------
    def _new_records(self, B):
        text = np.empty(B, dtype=object)
        for r in range(B):
            text[r] = []
        return {"text": text}

    def _track(self, records, t, fit):
        for r, entry in enumerate(records["text"]):
            entry.append(fit["text"][r])


def _check_sentences(name, sentences):
    """A list of non-empty tuples of str, or raise naming ``name``."""
    if isinstance(sentences, (str, bytes)) or not hasattr(sentences, "__iter__"):
        raise TypeError(
            f"{name} must be a sequence of sentences (sequences of str), got {sentences!r}"
        )
    out = []
    for i, s in enumerate(sentences):
        if isinstance(s, (str, bytes)) or not hasattr(s, "__iter__"):
            raise TypeError(f"{name}[{i}] must be a sequence of words (str), got {s!r}")
        s = tuple(s)
        if not s or not all(isinstance(w, str) and w for w in s):
            raise ValueError(
                f"{name}[{i}] must be a non-empty sequence of non-empty str, got {s!r}"
            )
        out.append(s)
    if not out:
        raise ValueError(f"{name} must hold at least one sentence, got {sentences!r}")
    return out


def _check_smoothing(smoothing):
    """Three positive weights summing to 1, or raise naming ``smoothing``."""
    try:
        weights = tuple(smoothing)
    except TypeError:
        raise TypeError(f"smoothing must be three weights, got {smoothing!r}") from None
    if len(weights) != 3:
        raise ValueError(f"smoothing must be three weights, got {smoothing!r}")
    weights = tuple(_check_real("smoothing", w, low=0.0, low_open=True) for w in weights)
    if abs(sum(weights) - 1) > 1e-9:
        raise ValueError(f"smoothing must sum to 1, got {smoothing!r}")
    return weights
