"""The result object (collapse_lib._run.Run): access, summaries, records."""

import numpy as np
import pytest

import collapse_lib as cl


@pytest.fixture(scope="module")
def run():
    return cl.simulate(
        cl.Gaussian(estimator="unbiased"), generations=200, sizes=10, replicates=400, seed=3
    )


def test_rounds_and_generations(run):
    assert run.generations == 200
    assert run.rounds.dtype == np.int64
    assert run.rounds.tolist() == list(range(201))
    thin = cl.simulate(cl.Gaussian(), generations=7, sizes=5, record=3, seed=1)
    assert thin.rounds.tolist() == [0, 3, 6, 7] and thin.generations == 7
    assert thin["mu"].shape == (1, 4)


def test_quantiles(run):
    q = run.quantiles("sigma2", q=(0.1, 0.5, 0.9))
    assert q.shape == (3, 201)
    assert np.all(q[0] <= q[1]) and np.all(q[1] <= q[2])
    np.testing.assert_allclose(q[1], np.median(run["sigma2"], axis=0))
    with pytest.raises(ValueError, match="q must"):
        run.quantiles("sigma2", q=(0.5, 1.5))


def test_first_passage(run):
    fp = run.first_passage("sigma2", below=0.5)
    manual = [next((t for t, v in zip(run.rounds, row) if v < 0.5), -1) for row in run["sigma2"]]
    np.testing.assert_array_equal(fp, manual)
    up = run.first_passage("mu", above=1.0)
    assert up.shape == (400,)
    with pytest.raises(ValueError, match="exactly one"):
        run.first_passage("mu")
    with pytest.raises(TypeError, match="below"):
        run.first_passage("mu", below="low")
    thin = cl.simulate(cl.Gaussian(), generations=60, sizes=4, replicates=50, seed=2, record=20)
    hit = thin.first_passage("sigma2", below=0.5)
    assert set(hit.tolist()) <= {-1, 20, 40, 60}  # recorded rounds only


def test_access_errors_name_the_parameter(run):
    with pytest.raises(KeyError, match="sigma2"):
        run["sigma"]
    cat = cl.simulate(cl.Categorical([0.5, 0.5]), generations=3, sizes=4, seed=1)
    with pytest.raises(ValueError, match="probs"):
        cat.quantiles("probs")


def test_summary_and_repr(run):
    text = run.summary()
    assert "Gaussian" in text and "replace" in text and "sigma2 at round 200" in text
    assert repr(run).startswith("Run(Gaussian(") and "generations=200" in repr(run)
    cat = cl.simulate(cl.Categorical([0.5, 0.5]), generations=300, sizes=4, replicates=20, seed=1)
    assert "fixation_time: by round 300 in 100.0% of replicates" in cat.summary()


def test_records_are_read_only():
    cat = cl.simulate(cl.Categorical([0.5, 0.5]), generations=3, sizes=4, seed=1)
    assert set(cat.records) == {"extinction_time", "fixation_time"}
    with pytest.raises(TypeError):
        cat.records["fixation_time"] = None


def test_seed_reproduces(run):
    again = cl.simulate(
        cl.Gaussian(estimator="unbiased"), generations=200, sizes=10, replicates=400, seed=run.seed
    )
    np.testing.assert_array_equal(again["sigma2"], run["sigma2"])
