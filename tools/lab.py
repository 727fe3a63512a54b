"""Start JupyterLab on the chapters with the book's Lab configuration (``make lab``).

The configuration lives in the repository, in ``jupyter/``, and is added in front of
the Jupyter configuration path (``JUPYTER_CONFIG_PATH``), so it applies to this Lab
only and leaves the reader's own settings in place:

* ``jupyter/labconfig/default_setting_overrides.json`` makes jupytext's notebook view
  the default viewer of Markdown and MyST files: double-clicking ``chapters/NAME.md``
  opens the chapter as a notebook (paired with ``NAME.ipynb``), not as text.

MyST directives, roles and math are rendered by the ``jupyterlab-myst`` extension and
the interactive explorers by the widget extension, both installed by ``make lab``
(``requirements/lab.txt``).

Command line (from the book's root folder; extra arguments go to ``jupyter lab``)::

    python tools/lab.py [--port=8888 --no-browser ...]

:func:`running_lab` and :class:`LabPage` drive such a Lab from a program (Playwright and
Chromium): the Lab test (``tests/test_lab.py``) and the latency benchmark
(``benchmarks/lab_latency.py``) open chapters with them as a reader would.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The book's Jupyter configuration folder (``labconfig/`` inside it).
CONFIG = ROOT / "jupyter"


def lab_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """``environ`` (default: this process's) with the book's configuration path in front."""
    env = dict(os.environ if environ is None else environ)
    paths = [str(CONFIG), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def lab_command(args: list[str], root: Path = ROOT / "chapters") -> list[str]:
    """The ``jupyter lab`` command line serving ``root`` (default: the chapters), then ``args``."""
    command = [str(Path(sys.executable).parent / "jupyter"), "lab"]
    command.append(f"--ServerApp.root_dir={root}")
    if hasattr(os, "getuid") and os.getuid() == 0:
        command.append("--allow-root")
    return command + list(args)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_lab(
    chapters: list[str] | None = None, *, timeout: float = 120
) -> Iterator[tuple[str, Path]]:
    """A JupyterLab of the book on 127.0.0.1 (free port, no token); yields (URL, its root).

    The chapters (``chapters``: stems, default all) are copied into a temporary folder
    that the server serves, so nothing a session saves (Lab autosaves) reaches the
    repository. Lab's user settings and workspaces are temporary too, with one setting
    for a program reading the page: every cell stays in the page
    (``windowingMode: none``), not only those in view. The server is stopped on exit.

    Raises
    ------
    RuntimeError
        If the server exits or does not answer within ``timeout`` seconds (the message
        holds the end of its log).
    """
    with tempfile.TemporaryDirectory(prefix="collapse-lab-") as tmp:
        tmp = Path(tmp)
        root = tmp / "chapters"
        root.mkdir()
        for path in sorted((ROOT / "chapters").iterdir()):
            if path.suffix in (".md", ".ipynb") and (chapters is None or path.stem in chapters):
                shutil.copy2(path, root / path.name)
        settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
        env = lab_environment()
        env |= {
            "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
        }
        env.pop("COLLAPSE_LIB_EXPLORER", None)  # explorers live, as for a reader
        port = _free_port()
        command = lab_command(
            [
                f"--port={port}",
                "--ServerApp.ip=127.0.0.1",
                "--no-browser",
                "--IdentityProvider.token=",
                "--ServerApp.password=",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            root,
        )
        log_path = tmp / "lab.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/lab"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"JupyterLab did not start ({command}):\n{tail}")
                try:
                    with urllib.request.urlopen(f"{url}/api/settings", timeout=2):
                        break
                except OSError:
                    time.sleep(0.3)
            yield url, root
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


#: JavaScript run in the page before an input event: ``window.__collapseFigure`` becomes
#: a promise of the milliseconds from the next click or key press (the event's own time
#: stamp) until the image ``img`` shows a new picture (``src`` changed, picture decoded,
#: next frame painted), or of -1 if nothing changed within ``timeout`` milliseconds.
_WATCH_FIGURE = """([img, timeout]) => {
  let t0 = null;
  const start = (event) => { if (t0 === null) t0 = event.timeStamp; };
  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, start, true);
  const old = img.src;
  window.__collapseFigure = new Promise((resolve) => {
    const done = () => requestAnimationFrame(() => {
      for (const type of ["pointerdown", "keydown"])
        document.removeEventListener(type, start, true);
      resolve(performance.now() - t0);
    });
    const observer = new MutationObserver(() => {
      if (img.src === old) return;
      observer.disconnect();
      img.decode().then(done, done);
    });
    observer.observe(img, {attributes: true, attributeFilter: ["src"]});
    setTimeout(() => { observer.disconnect(); resolve(-1); }, timeout);
  });
}"""


#: The execution indicator of the notebook in view, once its kernel is idle.
_KERNEL_IDLE = (
    ".jp-MainAreaWidget:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']"
)


#: An error output (a traceback) in the notebook in view.
_ERROR_OUTPUT = (
    ".jp-MainAreaWidget:not(.lm-mod-hidden) "
    ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
)


class LabPage:
    """A Playwright page on a running Lab: open a chapter, run it, move its explorers."""

    #: Seconds to wait for a whole chapter to run.
    RUN_TIMEOUT = 600

    def __init__(self, page, url: str):
        self.page = page
        self.url = url

    def open_by_double_click(self, name: str) -> None:
        """Open ``name`` from the file browser by double-clicking it, as a reader does."""
        self.page.goto(f"{self.url}?reset")  # no tabs restored from an earlier page
        item = self.page.locator(f'.jp-DirListing-item[title^="Name: {name}"]')
        item.wait_for(timeout=60_000)
        item.dblclick()
        self.page.locator(".jp-MainAreaWidget:not(.lm-mod-hidden) .jp-Notebook").wait_for(
            timeout=60_000
        )
        # a notebook opened through jupytext may ask which kernel to start: its own
        dialog = self.page.locator('.jp-Dialog button:has-text("Select")')
        with contextlib.suppress(Exception):
            dialog.click(timeout=5_000)
        self.page.locator(_KERNEL_IDLE).wait_for(state="attached", timeout=120_000)

    def notebook(self):
        return self.page.locator(".jp-MainAreaWidget:not(.lm-mod-hidden) .jp-Notebook")

    def run_all(self) -> float:
        """Run every cell (menu Run > Run All Cells); return the seconds it took.

        Raises
        ------
        RuntimeError
            If a cell fails (Lab stops there); the message holds the error's text.
        """
        start = time.monotonic()
        self.page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
        self.page.locator('.lm-Menu-itemLabel:text-is("Run All Cells")').click()
        # every code cell has run when each prompt holds a number (none "[*]" or "[ ]");
        # a failing cell stops the run
        self.page.wait_for_function(
            f"""() => {{
              // the kernel dialog may come late on a loaded machine: accept its kernel
              const accept = document.querySelector('.jp-Dialog .jp-mod-accept');
              if (accept && /Select Kernel/.test(document.querySelector('.jp-Dialog').textContent))
                accept.click();
              if ([...document.querySelectorAll({_ERROR_OUTPUT!r})].some(
                  e => /Traceback|^\\w+(Error|Exception)\\b/m.test(e.textContent))) return true;
              const prompts = [...document.querySelectorAll(
                '.jp-MainAreaWidget:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
              return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }}""",
            timeout=self.RUN_TIMEOUT * 1000,
        )
        errors = self.page.locator(_ERROR_OUTPUT).filter(
            has_text=re.compile(r"Traceback|^\w+(Error|Exception)\b", re.M)
        )
        if errors.count():
            raise RuntimeError(f"a cell failed in JupyterLab:\n{errors.first.inner_text()[-3000:]}")
        self.page.locator(_KERNEL_IDLE).wait_for(state="attached", timeout=self.RUN_TIMEOUT * 1000)
        return time.monotonic() - start

    def explorers(self):
        """The explorers of the open notebook (``.collapse-explorer`` widgets)."""
        return self.notebook().locator(".collapse-explorer")

    #: Milliseconds an input may take to change the figure before it counts as failed.
    FIGURE_TIMEOUT = 30_000

    def timed(self, explorer, action) -> float:
        """Milliseconds from ``action()`` (an input event) to the explorer's new figure.

        Raises
        ------
        AssertionError
            If the figure did not change within :attr:`FIGURE_TIMEOUT` milliseconds.
        """
        img = explorer.locator("img.collapse-explorer-figure")
        img.evaluate(f"(img) => ({_WATCH_FIGURE})([img, {self.FIGURE_TIMEOUT}])")
        action()
        ms = float(self.page.evaluate("() => window.__collapseFigure"))
        if ms < 0:
            raise AssertionError(
                f"the explorer's figure did not change within {self.FIGURE_TIMEOUT} ms"
            )
        return ms

    def toggle(self, explorer, control: int, button: int) -> float:
        """Click button ``button`` of the ``control``-th toggle group; return the latency."""
        group = explorer.locator(".widget-toggle-buttons").nth(control)
        target = group.locator("button").nth(button)
        return self.timed(explorer, target.click)

    def slider_step(self, explorer, control: int, key: str) -> float:
        """One keyboard step (``ArrowRight``/``ArrowLeft``) of the ``control``-th slider."""
        handle = explorer.locator(".widget-slider .noUi-handle").nth(control)
        handle.focus()
        return self.timed(explorer, lambda: handle.press(key))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = lab_command(args)
    os.execve(command[0], command, lab_environment())
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
