"""Sphinx extension of the book: static explorers, published numbers, API reference.

Listed in the book's ``_config.yml`` under ``sphinx: extra_extensions`` (after
myst-nb, which Jupyter Book loads first). It does four things:

* it sets ``os.environ[collapse_lib.widgets.MODE_ENV] = "static"`` in the build
  process, so every kernel the build starts to execute a chapter inherits it and
  :func:`collapse_lib.widgets.explore` precomputes its frames for the HTML page;
* it replaces myst-nb's ``eval`` role: ``{eval}`name``` shows the text of the number
  that the chapter published as ``name`` (:func:`collapse_lib.book.publish`), read
  from the glued outputs of the executed notebook, so no kernel is needed when the
  page is written and the execution cache is kept. It works in the prose and in
  figure captions; a name the notebook did not publish is a build warning (an error
  with ``-W``) that names it;
* it adds the directive ``api-module`` (use it in an ``{eval-rst}`` block): the
  reference page of a module from its ``__all__``, with the module docstring, a
  summary table and the documentation of every public name, so that a page follows
  the module without listing its names by hand;
* in a LaTeX (PDF) build, where widgets cannot run, it prints each explorer as its
  starting frame followed by a caption that gives its starting values and points to
  the page of the HTML edition where its controls work (:class:`_PrintedExplorers`).
  The caption names the page by its path in the HTML book, prefixed by the config
  value ``explorer_html_baseurl`` when one is set (the address the book is published
  at).
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.pycode import ModuleAnalyzer, PycodeError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from collapse_lib.widgets import MODE_ENV

_logger = logging.getLogger(__name__)
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_NOSCRIPT_CLASS = "collapse-explorer-noscript"


class PublishedNumberRole:
    """The ``eval`` role of the book: ``{eval}`name``` is the published text of ``name``.

    The text comes from myst-nb's store of glued outputs of the page's executed
    notebook (:func:`collapse_lib.book.publish` glues every number it publishes). The
    node is the one myst-nb's ``{glue:text}`` role makes (an inline with the class
    ``pasted-text``), so pages render as they did with glue roles.
    """

    def __call__(self, name, rawtext, text, lineno, inliner, options=None, content=()):
        from myst_nb.core.variables import RetrievalError
        from myst_nb.ext.glue.utils import retrieve_glue_data

        key = text.strip()
        source, line = inliner.reporter.get_source_and_line(lineno)
        try:
            data = retrieve_glue_data(inliner.document, key).data
        except RetrievalError:
            data = {}
        if "text/plain" not in data:
            node = nodes.literal(rawtext, rawtext)
            node.source, node.line = source, line
            _logger.warning(
                "{eval}`%s`: no number named %r was published by this page's notebook "
                "(collapse_lib.book.publish must publish it in a code cell)",
                key,
                key,
                location=node,
                type="collapse_lib",
                subtype="eval",
            )
            return [node], []
        shown = data["text/plain"]
        node = nodes.inline(shown, shown, classes=["pasted-text"])
        node.source, node.line = source, line
        return [node], []


class ApiModule(SphinxDirective):
    """``.. api-module:: NAME``: the reference of module ``NAME`` from its ``__all__``.

    Generates, in this order: the module docstring (``automodule``), a summary table
    (``autosummary``) of the public classes, functions and submodules, and the
    documentation of each name in the order of ``__all__``: ``autoclass`` (with members)
    for a class, ``autofunction`` for a function, and for a constant its ``#:`` comment
    (constants are left out of the table, which would show their type's docstring).
    Submodules in ``__all__`` appear in the table only (each has its own page); other
    modules (re-exported ``np``...) are left out.
    """

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise self.error(f"api-module: cannot import {name!r}: {exc}") from None
        public = getattr(module, "__all__", None)
        if public is None:
            raise self.error(f"api-module: module {name!r} has no __all__")
        table, body = [], []
        for member in public:
            obj = getattr(module, member)
            full = f"{name}.{member}"
            if inspect.ismodule(obj):
                if obj.__name__ == full:
                    table.append(member)
            elif inspect.isclass(obj):
                table.append(member)
                body += [f".. autoclass:: {full}", "   :members:", ""]
            elif callable(obj):
                table.append(member)
                body += [f".. autofunction:: {full}", ""]
            else:
                body += self._constant(name, member, obj)
        lines = [f".. automodule:: {name}", ""]
        lines += [".. autosummary::", "", *(f"   {entry}" for entry in table), ""]
        lines += body
        container = nodes.container()
        source = f"<api-module {name}>"
        nested_parse_with_titles(self.state, StringList(lines, source=source), container)
        return container.children

    def _constant(self, name, member, obj):
        """``py:data`` for a module constant, with the ``#:`` comment that documents it."""
        comment = _attribute_comment(name, member, obj)
        if comment is None:
            _logger.warning(
                "api-module: %s.%s has no '#:' comment where it is defined",
                name,
                member,
                location=self.get_location(),
                type="collapse_lib",
                subtype="api",
            )
            comment = []
        value = repr(obj)
        lines = [f".. py:data:: {member}"]
        if len(value) <= 60:
            lines.append(f"   :value: {value}")
        return [*lines, "", *(f"   {line}" for line in comment), ""]


def _attribute_comment(name, member, obj):
    """The ``#:`` comment of ``member`` in module ``name``, or in the module defining it."""
    package = name.split(".")[0]
    others = sorted(m for m in sys.modules if m.startswith(package + ".") and m != name)
    candidates = [name, *others]
    for candidate in candidates:
        if getattr(sys.modules.get(candidate), member, None) is not obj:
            continue
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except PycodeError:
            continue
        if ("", member) in docs:
            return list(docs["", member])
    return None


def _mime_children(bundle):
    """The rendered nodes of each mime type of a myst-nb output bundle."""
    return {child["mime_type"]: child for child in bundle.children}


def _is_explorer_frame(mimes):
    html = mimes.get("text/html")
    return (
        html is not None
        and "image/png" in mimes
        and "text/plain" in mimes
        and _NOSCRIPT_CLASS in html.astext()
    )


def _printed_frame(mimes, page_url):
    """The starting frame as an image with its caption (no float, no figure number)."""
    images = list(mimes["image/png"].findall(nodes.image))
    description = mimes["text/plain"].astext().strip()
    caption = nodes.paragraph(classes=["collapse-explorer-caption"])
    caption += nodes.emphasis(
        text=f"{description} In the HTML edition of this book its controls change the figure: "
    )
    caption += nodes.reference(text=page_url, refuri=page_url)
    caption += nodes.emphasis(text=".")
    frame = nodes.container(classes=["collapse-explorer-frame"])
    frame.extend(images)
    frame += caption
    return frame


class _PrintedExplorers(SphinxPostTransform):
    """LaTeX: each explorer becomes its starting frame with a caption; widgets are dropped.

    Runs on myst-nb's output bundles before it picks one mime type per output
    (``SelectMimeType``, priority 4): the bundle of an explorer's starting frame
    (``<noscript>`` HTML, PNG and description, see ``collapse_lib.widgets``) becomes
    the printed frame, and widget views, which a PDF cannot show, are removed.
    """

    default_priority = 3
    builders = ("latex",)

    def run(self, **kwargs):
        bundles = [
            node
            for node in self.document.findall(nodes.container)
            if node.get("nb_element") == "mime_bundle"
        ]
        for bundle in bundles:
            mimes = _mime_children(bundle)
            if _is_explorer_frame(mimes):
                bundle.replace_self(_printed_frame(mimes, self._page_url(bundle)))
            elif _WIDGET_VIEW in mimes:
                bundle.parent.remove(bundle)

    def _page_url(self, node):
        """Where the HTML edition shows the page holding ``node``."""
        docname = self.env.path2doc(node.source) if node.source else None
        page = f"{docname or self.env.docname}.html"
        base = self.config.explorer_html_baseurl
        return f"{base.rstrip('/')}/{page}" if base else page


def setup(app):
    """Register the extension (Sphinx entry point)."""
    os.environ[MODE_ENV] = "static"
    app.setup_extension("myst_nb")  # its own eval role is registered first, then replaced
    app.add_role("eval", PublishedNumberRole(), override=True)
    app.add_directive("api-module", ApiModule)
    app.add_config_value("explorer_html_baseurl", "", "env", types=[str])
    app.add_post_transform(_PrintedExplorers)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
