"""Sphinx extension of the book (not of the library): edition metadata and page fixes.

Loaded from ``_config.yml`` (``sphinx: local_extensions``). It provides

* the version of the book, which is ``collapse_lib.__version__`` (Sphinx ``version``
  and ``release``; the PDF's title page shows it), and a footer on every HTML page with
  that version, the licences, and links to the PDF edition and to the page "How to
  cite";
* the directive ``{citation-bibtex}``: the recommended citation and its BibTeX entry,
  generated from ``CITATION.cff``, whose version must equal the library's;
* the directive ``{run-time-table}``: for every page with code, what this build did
  (executed it, or reused the execution cache) and how long the execution took;
* the directive ``{instructor-only}``: notes for instructors (where the solutions are,
  how to mark), shown in the instructor edition and removed from the student edition
  with the solutions (``tools/student_edition.py``);
* two fixes of the HTML pages: every inline script once (Sphinx 7.4 writes a script
  added after the builder starts twice, which redeclares ``THEBE_JS_URL``), and the
  MathJax 2 call of the Jupyter widget manager (``MathJax.Hub.Queue``) mapped onto
  the MathJax 3 the book serves;
* the structure of the PDF (LaTeX builder): the Preface as an unnumbered chapter, one
  LaTeX part per part of ``_toc.yml``, lettered appendices, and exercise references
  with the numbers of the HTML book.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import escape as latex_escape

import collapse_lib

STATIC = Path(__file__).resolve().parent / "bookext_static"
#: The script that maps MathJax 2's ``MathJax.Hub.Queue`` onto MathJax 3.
MATHJAX2_SHIM = "mathjax2-hub.js"
CC_BY = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
#: The page that carries the citation (its docname, for the footer link).
CITE_PAGE = "chapters/cite"

#: What the run-time table says a build did with a page.
EXECUTED = "executed in this build"
FROM_CACHE = "reused from the execution cache"
UNCHANGED = "unchanged, not re-read by this build"
NOT_EXECUTED = "not executed"


def setup(app):
    """Sphinx entry point."""
    app.add_config_value("book_pdf", "", "env", types=[str])
    app.connect("config-inited", _set_version)
    app.connect("builder-inited", _start_build)
    app.connect("builder-inited", _latex_settings)
    app.connect("env-before-read-docs", _note_read_docs)
    app.connect("env-get-outdated", _reread_run_time_tables)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("doctree-read", _note_code_cells)
    app.connect("html-page-context", _footer)
    app.connect("html-page-context", _mathjax2_shim, priority=900)
    app.connect("html-page-context", _one_copy_of_each_script, priority=950)
    app.connect("doctree-resolved", _latex_book_structure)
    app.add_node(RunTimeTable)
    app.add_directive("run-time-table", RunTimeTableDirective)
    app.add_post_transform(RunTimeTableTransform)
    app.add_directive("citation-bibtex", CitationDirective)
    app.add_directive("instructor-only", InstructorOnlyDirective)
    app.add_post_transform(_LaTeXExerciseReferences)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------- version


def _set_version(app, config):
    """The book's version is the library's."""
    config.version = config.release = collapse_lib.__version__


def _latex_settings(app):
    """LaTeX: the PDF's file name and the title of its table of contents.

    The PDF is written under the name ``book_pdf``, the one the HTML pages link to.
    This is done when the builder starts: by then the root document is known, and
    Jupyter Book changes only the title of ``latex_documents`` afterwards. Sphinx
    would title the table of contents with the caption of the first part.
    """
    config = app.config
    if app.builder.name != "latex":
        return
    if config.book_pdf and config.latex_documents:
        start, _, *rest = config.latex_documents[0]
        target = str(Path(config.book_pdf).with_suffix(".tex"))
        config.latex_documents = [(start, target, *rest), *config.latex_documents[1:]]
    elements = config.latex_elements
    elements["preamble"] = (
        elements.get("preamble", "")
        + "\n\\addto\\captionsenglish{\\renewcommand{\\contentsname}{Contents}}\n"
    )


def citation(root: Path) -> dict:
    """The citation metadata of ``CITATION.cff`` in ``root``, checked against the library.

    Raises
    ------
    ExtensionError
        If the file is missing a field the book shows, or its version is not
        ``collapse_lib.__version__``.
    """
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    missing = [k for k in ("title", "authors", "version", "date-released") if not cff.get(k)]
    if missing:
        raise ExtensionError(f"CITATION.cff lacks {', '.join(missing)}")
    if str(cff["version"]) != collapse_lib.__version__:
        raise ExtensionError(
            f"CITATION.cff has version {cff['version']!r} but collapse_lib.__version__ is "
            f"{collapse_lib.__version__!r}: update CITATION.cff (version and date-released)"
        )
    return cff


def _author_names(cff: dict) -> list[str]:
    return [
        a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p)
        for a in cff["authors"]
    ]


def bibtex(cff: dict) -> str:
    """The BibTeX entry (``@book``) of the citation metadata ``cff``."""
    date = datetime.strptime(str(cff["date-released"]), "%Y-%m-%d")
    # A project as author goes in braces, so BibTeX does not split it into names.
    authors = " and ".join(
        "{" + n + "}" if "name" in a else n for a, n in zip(cff["authors"], _author_names(cff))
    )
    fields = {
        "author": authors,
        "title": "{" + cff["title"] + "}",
        "year": str(date.year),
        "month": str(date.month),
        "edition": f"Version {cff['version']}",
        "url": cff.get("url") or cff.get("repository-code", ""),
    }
    key = "model_collapse_book_" + str(date.year)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@book{{{key},\n{body}\n}}"


def plain_citation(cff: dict) -> str:
    """The citation as one line of text."""
    year = str(cff["date-released"])[:4]
    url = cff.get("url") or cff.get("repository-code", "")
    return (
        f"{', '.join(_author_names(cff))} ({year}). {cff['title']}, version {cff['version']}. {url}"
    ).strip()


class CitationDirective(SphinxDirective):
    """``{citation-bibtex}``: the recommended citation and its BibTeX entry."""

    def run(self):
        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / "CITATION.cff"))
        cff = citation(root)
        text = nodes.paragraph(classes=["book-citation"])
        text += nodes.Text(plain_citation(cff))
        block = nodes.literal_block(bibtex(cff), bibtex(cff), language="bibtex")
        block["classes"].append("book-bibtex")
        return [text, block]


#: Class of the container of ``{instructor-only}`` (the student edition removes it).
INSTRUCTOR_ONLY = "instructor-only"


class InstructorOnlyDirective(SphinxDirective):
    """``{instructor-only}``: content for instructors only, titled "For instructors"."""

    has_content = True

    def run(self):
        box = nodes.admonition(classes=[INSTRUCTOR_ONLY, "note"])
        box += nodes.title(text="For instructors")
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


# --------------------------------------------------------------------------- footer


def _footer(app, pagename, templatename, context, doctree):
    """Version, licences, PDF edition and citation in the footer of every page."""
    pathto = context.get("pathto")
    if pathto is None:
        return
    links = []
    if app.config.book_pdf:
        links.append(f'<a href="{pathto(app.config.book_pdf, 1)}">PDF edition</a>')
    if CITE_PAGE in app.env.found_docs:
        links.append(f'<a href="{pathto(CITE_PAGE)}">How to cite</a>')
    name, url = CC_BY
    context["theme_extra_footer"] = (
        f'<p class="book-version">Version {app.config.release}'
        + "".join(f" &middot; {link}" for link in links)
        + "</p>"
        + f'<p class="book-licence">Text and figures: <a href="{url}">{name}</a>; '
        "code: MIT licence.</p>"
    )


# --------------------------------------------------------------------------- scripts


def _mathjax2_shim(app, pagename, templatename, context, doctree):
    """After MathJax 3 on a page, define the MathJax 2 call the widget manager makes."""
    scripts = context.get("script_files", [])
    if any((js.filename or "").endswith(app.config.mathjax_path) for js in scripts):
        app.builder.add_js_file(MATHJAX2_SHIM, priority=501, defer="defer")


def _one_copy_of_each_script(app, pagename, templatename, context, doctree):
    """Drop repeated scripts (same source or body and attributes) from a page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        key = (js.filename or "", tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def _start_build(app):
    app.bookext_started = time.time()
    app.bookext_read = set()
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))


def _note_read_docs(app, env, docnames):
    app.bookext_read = set(docnames)


# --------------------------------------------------------------------------- run-time table


class RunTimeTable(nodes.General, nodes.Element):
    """Placeholder of ``{run-time-table}``, replaced once every page is executed."""


class RunTimeTableDirective(SphinxDirective):
    """``{run-time-table}``: what this build did with each page that has code."""

    def run(self):
        _doc_data(self.env, "run_time_table").add(self.env.docname)
        return [RunTimeTable()]


def _doc_data(env, key) -> set:
    data = env.__dict__.setdefault("bookext", {})
    return data.setdefault(key, set())


def _note_code_cells(app, doctree):
    """Remember which pages have code cells (only those appear in the run-time table)."""
    cells = [n for n in doctree.findall(nodes.container) if n.get("nb_element") == "cell_code"]
    if cells:
        _doc_data(app.env, "has_code").add(app.env.docname)


def _purge_doc(app, env, docname):
    for key in ("has_code", "run_time_table"):
        _doc_data(env, key).discard(docname)


def _merge_info(app, env, docnames, other):
    for key in ("has_code", "run_time_table"):
        _doc_data(env, key).update(_doc_data(other, key) & set(docnames))


def _reread_run_time_tables(app, env, added, changed, removed):
    """Re-read the pages with a run-time table on every build: it reports this build."""
    return sorted(_doc_data(env, "run_time_table") - set(added) - set(changed))


def run_time_status(app, docname: str) -> tuple[str, float | None]:
    """What this build did with the page ``docname``, and its execution time in seconds."""
    data = app.env.__dict__.get("nb_metadata", {}).get(docname, {}).get("exec_data")
    if not data:
        return NOT_EXECUTED, None
    runtime = data.get("runtime")
    if docname not in getattr(app, "bookext_read", ()):
        return UNCHANGED, runtime
    executed = (data.get("mtime") or 0) >= app.bookext_started
    return (EXECUTED if executed else FROM_CACHE), runtime


def _toc_order(env) -> list[str]:
    """Every document in reading order (root first, then the toctrees depth first)."""
    order = []

    def walk(docname):
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return order


class RunTimeTableTransform(SphinxPostTransform):
    """Fill every run-time table with the data of this build."""

    default_priority = 8  # before references are resolved (the page links)

    def run(self, **kwargs):
        for node in list(self.document.findall(RunTimeTable)):
            node.replace_self(self._table())

    def _table(self):
        app = self.app
        code = _doc_data(self.env, "has_code")
        rows = []
        for docname in [d for d in _toc_order(self.env) if d in code]:
            status, runtime = run_time_status(app, docname)
            ok = self.env.__dict__.get("nb_metadata", {}).get(docname, {}).get("exec_data")
            result = "" if not ok else ("ok" if ok.get("succeeded") else "failed")
            seconds = "-" if runtime is None else f"{runtime:.1f}"
            rows.append((docname, status, seconds, result))
        return _table_node(self.env.docname, ["Page", "This build", "Run time (s)", "Result"], rows)


def _table_node(fromdoc, header, rows):
    table = nodes.table(classes=["run-time-table", "colwidths-auto"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in header)
    head = nodes.thead()
    group += head
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=h)) for h in header))
    body = nodes.tbody()
    group += body
    for docname, *cells in rows:
        link = addnodes.pending_xref(
            "",
            refdoc=fromdoc,
            refdomain="std",
            reftype="doc",
            reftarget="/" + docname,
            refexplicit=False,  # the link shows the page's title
            refwarn=True,
        )
        link += nodes.inline(text=docname)
        first = nodes.entry("", nodes.paragraph("", "", link))
        body += nodes.row("", first, *(nodes.entry("", nodes.paragraph(text=c)) for c in cells))
    return table


# --------------------------------------------------------------------------- the PDF


def _toc_parts(env) -> list[tuple[str | None, bool, str]]:
    """The parts of the book: (caption, numbered, first document) per root toctree."""
    parts = []
    for toctree in env.get_doctree(env.config.root_doc).findall(addnodes.toctree):
        if toctree["includefiles"]:
            parts.append(
                (toctree.get("caption"), bool(toctree.get("numbered")), toctree["includefiles"][0])
            )
    return parts


def _raw_latex(text):
    return nodes.raw("", text, format="latex")


def _latex_book_structure(app, doctree, docname):
    """Give the PDF the structure of the book (LaTeX builder, on the assembled tree).

    The root page (the Preface) becomes an unnumbered chapter whose sections are its
    own sections, so that the first chapter of the book is chapter 1 as in the HTML
    book; each part of ``_toc.yml`` with a caption starts a LaTeX part; the unnumbered
    parts after the numbered ones (the appendix) are lettered.
    """
    if app.builder.name != "latex" or docname != app.config.root_doc:
        return
    _name_chapters_by_title(app.env, doctree)
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    files = [n for n in top.children if list(n.findall(addnodes.start_of_file))]
    own = [n for n in top.children if n not in files and not isinstance(n, nodes.title)]
    if own:
        preface = nodes.section("", ids=list(top["ids"]), names=list(top["names"]))
        top["ids"], top["names"] = [], []
        preface += top.next_node(nodes.title).deepcopy()
        for node in own:
            top.remove(node)
            preface += node
        top.insert(1, preface)
        top.insert(
            1,
            _raw_latex(
                r"\edef\booksecnumdepth{\the\value{secnumdepth}}"
                r"\setcounter{secnumdepth}{-1}"
            ),
        )
    starts = {sof["docname"]: sof for sof in doctree.findall(addnodes.start_of_file)}
    numbering_on, numbered_seen = not own, False
    for caption, numbered, first in _toc_parts(app.env):
        sof = starts.get(first)
        if sof is None:
            continue
        latex = []
        if caption:
            latex.append(rf"\part{{{latex_escape(caption)}}}")
        if numbered:
            numbered_seen = True
        elif numbered_seen:
            latex.append(r"\appendix")
        if not numbering_on and (numbered or numbered_seen):
            latex.insert(0, r"\setcounter{secnumdepth}{\booksecnumdepth}")
            numbering_on = True
        if latex:
            sof.parent.insert(sof.parent.index(sof), _raw_latex("\n".join(latex) + "\n"))


def _name_chapters_by_title(env, doctree):
    """Give each chapter's section its title as a name, as sphinx-proof expects.

    sphinx-proof finds the chapter of a theorem (for its number and label) by the
    section whose names contain the chapter's title in lower case; a title with a
    typographic apostrophe ("don't" becomes "don’t") is otherwise not found.
    """
    for section in doctree.findall(nodes.section):
        docname = section.get("docname")
        if docname in env.titles:
            title = env.titles[docname].astext().lower()
            if title not in section["names"]:
                section["names"].append(title)


class _LaTeXExerciseReferences(SphinxPostTransform):
    """LaTeX: ``{numref}`` to an exercise shows the exercise's number of the HTML book.

    LaTeX would number the reference with its own counters, for which sphinx-exercise
    sets no label; its own reference node links to the label it does set.
    """

    default_priority = 21  # after references are resolved, before sphinx-exercise's (22)
    builders = ("latex",)

    def run(self, **kwargs):
        from sphinx_exercise.nodes import exercise_latex_number_reference

        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in list(self.document.findall(addnodes.number_reference)):
            if isinstance(node, exercise_latex_number_reference):
                continue
            target = (node.get("refuri") or "").rpartition("#")[2] or node.get("refid")
            if target in registry:
                new = exercise_latex_number_reference(refid=target)
                new += nodes.Text(node.astext())
                node.replace_self(new)
