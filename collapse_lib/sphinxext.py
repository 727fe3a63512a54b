"""Sphinx extension: build the book with static explorers.

Listed in the book's ``_config.yml`` under ``sphinx: extra_extensions``. It sets
``os.environ[collapse_lib.widgets.MODE_ENV] = "static"`` in the build process,
so every kernel the build starts to execute a chapter inherits it and
:func:`collapse_lib.widgets.explore` precomputes its frames for the HTML page.

In a LaTeX (PDF) build, where widgets cannot run, each explorer appears as its
starting frame followed by a caption that gives its starting values and points to
the page of the HTML edition where its controls work (:class:`_PrintedExplorers`).
The caption names the page by its path in the HTML book, prefixed by the config
value ``explorer_html_baseurl`` when one is set (the address the book is published at).
"""

import os

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from collapse_lib.widgets import MODE_ENV

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_NOSCRIPT_CLASS = "collapse-explorer-noscript"


def setup(app):
    """Register the extension (Sphinx entry point)."""
    os.environ[MODE_ENV] = "static"
    app.add_config_value("explorer_html_baseurl", "", "env", types=[str])
    app.add_post_transform(_PrintedExplorers)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


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
