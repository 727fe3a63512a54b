"""collapse_lib.book: published numbers (formats, kernel namespace, glue, read back), mean_se.

The glue outputs are checked in a real IPython shell (the kernel case); the rendering of
``{eval}`` in the book is tested in ``test_sphinxext`` and in JupyterLab's way (kernel
user expressions) on every chapter in ``test_chapters``.
"""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from collapse_lib.book import Published, fill_published, mean_se, publish, read_published


@pytest.mark.parametrize(
    "value, spec, text",
    [
        (2 / 3, ".3f", "0.667"),
        (np.float64(2 / 3), ".3f", "0.667"),
        (np.array(0.5), "", "0.5"),
        (20_000, ",", "20,000"),
        (np.int64(20_000), ",", "20,000"),
        (12345.6, ",.0f", "12,346"),
        (1234.5, ",", "1,234.5"),
        (3.0, "d", "3"),  # an integer type prints the value as an int, as glue did
        (7, ".2f", "7.00"),
        (0.000123, ".2e", "1.23e-04"),
        (0.25, ".0%", "25%"),
        ("alcohol", "", "alcohol"),
        (True, "", "True"),
        (1e-05, "", "1e-05"),
    ],
)
def test_published_text_is_the_format_of_the_value(value, spec, text):
    number = Published(value, spec)
    assert repr(number) == str(number) == f"{number}" == text
    assert number.spec == spec and not isinstance(number.value, np.generic)


@pytest.mark.parametrize(
    "value, spec, exc, words",
    [
        (float("nan"), ".3f", ValueError, "finite"),
        (np.inf, "", ValueError, "finite"),
        ([1.0, 2.0], "", TypeError, "single number"),
        (np.ones(2), "", TypeError, "single number"),
        (None, "", TypeError, "single number"),
        (1.0, 3, TypeError, "spec"),
        ("text", ".2f", ValueError, "'.2f'"),
        (1.0, "?", ValueError, "'?'"),
    ],
)
def test_published_rejects_bad_input(value, spec, exc, words):
    with pytest.raises(exc, match=words):
        Published(value, spec)


def test_publish_binds_formatted_numbers_in_the_namespace():
    namespace = {"unrelated": 1}
    publish({"ratio": np.float64(2 / 3), "n": 20}, {"ratio": ".3f"}, namespace=namespace)
    assert [repr(namespace[k]) for k in ("ratio", "n")] == ["0.667", "20"]
    assert namespace["unrelated"] == 1
    publish({"ratio": 0.5}, {"ratio": ".1f"}, namespace=namespace)  # republishing is fine
    assert repr(namespace["ratio"]) == "0.5"


@pytest.mark.parametrize(
    "numbers, formats, exc, words",
    [
        ([("a", 1)], None, TypeError, "numbers must be a mapping"),
        ({"a": 1}, [("a", ".1f")], TypeError, "formats must be a mapping"),
        ({"a": 1}, {"b": ".1f"}, ValueError, r"formats names \['b'\]"),
        ({1: 1.0}, None, TypeError, "names of numbers must be strings"),
        ({"a b": 1.0}, None, ValueError, "'a b' is not a plain variable name"),
        ({"class": 1.0}, None, ValueError, "'class' is not a plain variable name"),
        ({"a": float("nan")}, {"a": ".3f"}, ValueError, r"numbers\['a'\] .*finite"),
        ({"a": "text"}, {"a": ".3f"}, ValueError, r"numbers\['a'\] with format '.3f'"),
        ({"a": [1, 2]}, None, TypeError, r"numbers\['a'\]"),
    ],
)
def test_publish_rejects_bad_input(numbers, formats, exc, words):
    with pytest.raises(exc, match=words):
        publish(numbers, formats, namespace={})


def test_publish_refuses_to_overwrite_a_variable():
    namespace = {"n": 20}
    with pytest.raises(ValueError, match=r"\['n'\] already name variables"):
        publish({"n": 20, "m": 1}, namespace=namespace)
    assert namespace == {"n": 20}  # nothing bound when refused


def test_publish_outside_ipython_binds_nothing_and_displays_nothing(capsys):
    InteractiveShell.clear_instance()  # no shell left by another test: plain Python
    publish({"ratio": 0.5})
    assert capsys.readouterr().out == ""


@pytest.fixture
def shell():
    """A real IPython shell, as in a notebook kernel (cleared afterwards)."""
    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def test_publish_in_ipython_glues_for_the_book_and_binds_for_jupyterlab(shell):
    with capture_output() as captured:
        shell.run_cell(
            "from collapse_lib.book import publish\n"
            "publish({'ratio': 2 / 3, 'R': 20000}, {'ratio': '.3f', 'R': ','})\n"
        )
    assert captured.outputs and not captured.stdout
    glued = {o.metadata["scrapbook"]["name"]: o.data for o in captured.outputs}
    prefix = "application/papermill.record/"
    assert glued == {
        "ratio": {prefix + "text/plain": "0.667"},
        "R": {prefix + "text/plain": "20,000"},
    }
    # what jupyterlab-myst asks the kernel for {eval}`ratio`: the text/plain form
    result = shell.user_expressions({"0": "ratio", "1": "R"})
    assert result["0"]["data"] == {"text/plain": "0.667"}
    assert result["1"]["data"] == {"text/plain": "20,000"}


def _executed(tmp_path, shell):
    """An executed notebook with two publishing cells, as nbclient leaves it."""
    nb = nbformat.v4.new_notebook()
    for code in ("publish({'a': 0.5, 'b': 3}, {'a': '.2f'})", "publish({'a': 0.25, 'c': 'x'})"):
        with capture_output() as captured:
            shell.run_cell("from collapse_lib.book import publish\n" + code)
        outputs = [
            nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata)
            for o in captured.outputs
        ]
        nb.cells.append(nbformat.v4.new_code_cell(code, outputs=outputs))
    nb.cells.append(nbformat.v4.new_markdown_cell("{eval}`a` and {eval}`b`"))
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    return path


def test_read_published_from_a_path_a_notebook_or_json(tmp_path, shell):
    path = _executed(tmp_path, shell)
    expected = {"a": "0.25", "b": "3", "c": "x"}  # the later publication of 'a' wins
    assert read_published(path) == expected
    assert read_published(str(path)) == expected
    assert read_published(nbformat.read(path, as_version=4)) == expected
    assert read_published(json.loads(path.read_text())) == expected


def test_read_published_from_the_glue_file_of_a_book_build(tmp_path):
    # as myst-nb writes _build/jupyter_execute/chapters/NAME.glue.json (prefix removed)
    record = {"name": "a", "mime_prefix": "application/papermill.record/"}
    glued = {
        "a": {
            "output_type": "display_data",
            "metadata": {"scrapbook": record},
            "data": {"text/plain": "0.25"},
        }
    }
    path = tmp_path / "chapter.glue.json"
    path.write_text(json.dumps(glued))
    assert read_published(path) == {"a": "0.25"}


def test_read_published_rejects_what_is_not_a_notebook():
    with pytest.raises(TypeError, match="notebook"):
        read_published({"no": "cells"})
    with pytest.raises(TypeError, match="notebook"):
        read_published(42)


def test_fill_published_writes_the_numbers_in_and_names_missing_ones():
    text = "ratio {eval}`a`, count {eval}`b`, again {eval}`a`."
    assert fill_published(text, {"a": "0.25", "b": "3"}) == "ratio 0.25, count 3, again 0.25."
    assert fill_published("no roles", {}) == "no roles"
    with pytest.raises(KeyError, match="'b'"):
        fill_published(text, {"a": "0.25"})


def test_mean_se_is_the_sample_mean_and_its_standard_error():
    rng = np.random.default_rng(np.random.SeedSequence(7))
    x = rng.standard_normal((500, 3))
    mean, se = mean_se(x)
    np.testing.assert_array_equal(mean, x.mean(axis=0))
    np.testing.assert_array_equal(se, x.std(axis=0, ddof=1) / np.sqrt(500))
    mean1, se1 = mean_se(x, axis=1)
    assert mean1.shape == se1.shape == (500,)
    mean_all, se_all = mean_se(x, axis=None)
    assert mean_all == x.mean() and se_all == x.std(ddof=1) / np.sqrt(x.size)
    hits = np.array([True, False, True, True])
    assert mean_se(hits) == (0.75, np.std([1.0, 0.0, 1.0, 1.0], ddof=1) / 2)


@pytest.mark.parametrize(
    "x, axis, exc, words",
    [
        ([1.0], 0, ValueError, "at least 2 observations"),
        (np.ones((1, 5)), 0, ValueError, "at least 2 observations"),
        ([1.0, np.nan], 0, ValueError, "finite"),
        (["a", "b"], 0, TypeError, "numeric"),
        ([1.0, 2.0], 1, ValueError, "axis = 1"),
        ([1.0, 2.0], 0.5, TypeError, "axis"),
        ([1.0, 2.0], True, TypeError, "axis"),
    ],
)
def test_mean_se_rejects_bad_input(x, axis, exc, words):
    with pytest.raises(exc, match=words):
        mean_se(x, axis=axis)
