"""The book's Sphinx extension, in a small real build (myst-nb executes a notebook page).

* the kernels the build starts see ``COLLAPSE_LIB_EXPLORER=static`` (static explorers);
* ``{eval}`name``` shows the text a code cell published with ``collapse_lib.book.publish``,
  in the prose and in a figure caption, exactly as myst-nb's ``{glue:text}`` would;
* a name the page did not publish is a build warning that names it;
* ``api-module`` documents a module from its ``__all__``: summary table and entries.
"""

from __future__ import annotations

import io
import textwrap

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from collapse_lib import book
from collapse_lib.widgets import MODE_ENV

NOTEBOOK = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
# Numbers

```{code-cell} ipython3
import os

from collapse_lib.book import plt, publish

publish({"ratio": 2 / 3, "replicates": 20_000, "mode": os.environ["COLLAPSE_LIB_EXPLORER"]},
        formats={"ratio": ".3f", "replicates": ","})
```

A ratio of {eval}`ratio` over {eval}`replicates` runs, explorers {eval}`mode`.

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: 'A line of slope {eval}`ratio`.'
    name: fig-line
---
fig, ax = plt.subplots(figsize=(2, 2))
ax.plot([0, 1], [0, 2 / 3])
plt.show()
```

{eval}`unpublished` is shown but never published.
"""

REFERENCE = """\
# Reference

```{eval-rst}
.. api-module:: collapse_lib.book
```
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the two pages once; return (html folder, warnings)."""
    root = tmp_path_factory.mktemp("sphinxext")
    src = root / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(
            """\
            extensions = ["myst_nb", "sphinx.ext.autodoc", "numpydoc",
                          "collapse_lib.sphinxext"]
            autodoc_typehints = "none"
            numpydoc_show_class_members = False
            nb_execution_mode = "force"
            """
        ),
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Test\n\n```{toctree}\nnumbers\nreference\n```\n", encoding="utf-8"
    )
    (src / "numbers.md").write_text(NOTEBOOK, encoding="utf-8")
    (src / "reference.md").write_text(REFERENCE, encoding="utf-8")
    warnings = io.StringIO()
    mode = pytest.MonkeyPatch()
    mode.setenv(MODE_ENV, "live")  # the extension switches it; restored below
    try:
        with docutils_namespace():
            app = Sphinx(
                src,
                src,
                root / "html",
                root / "doctrees",
                "html",
                status=None,
                warning=warnings,
                freshenv=True,
            )
            app.build()
    finally:
        mode.undo()
    return root / "html", warnings.getvalue()


def _text(page) -> str:
    return " ".join(
        BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text().split()
    )


def test_eval_shows_the_published_text(built):
    html, _ = built
    text = _text(html / "numbers.html")
    assert "A ratio of 0.667 over 20,000 runs, explorers static." in text
    soup = BeautifulSoup((html / "numbers.html").read_text(encoding="utf-8"), "html.parser")
    assert [s.get_text() for s in soup.select("span.pasted-text")][:3] == [
        "0.667",
        "20,000",
        "static",
    ]


def test_eval_works_in_figure_captions(built):
    html, _ = built
    soup = BeautifulSoup((html / "numbers.html").read_text(encoding="utf-8"), "html.parser")
    caption = soup.select_one("figure figcaption").get_text(" ", strip=True)
    assert "A line of slope 0.667" in caption


def test_an_unpublished_name_is_a_warning_that_names_it(built):
    _, warnings = built
    lines = [line for line in warnings.splitlines() if "unpublished" in line]
    assert len(lines) == 1 and "WARNING" in lines[0] and "numbers.md" in lines[0], warnings
    assert [line for line in warnings.splitlines() if "WARNING" in line] == lines


def test_api_module_documents_every_public_name(built):
    html, _ = built
    soup = BeautifulSoup((html / "reference.html").read_text(encoding="utf-8"), "html.parser")
    documented = {dt["id"] for dt in soup.select("dt[id]")}
    expected = {f"collapse_lib.book.{name}" for name in book.__all__}
    expected -= {"collapse_lib.book.cl", "collapse_lib.book.np", "collapse_lib.book.plt"}
    assert expected <= documented
    summary = [a.get_text() for a in soup.select("table.autosummary a")]
    assert summary == ["publish", "mean_se", "Published", "read_published", "fill_published"]
