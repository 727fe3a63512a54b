"""Check that the TeX tools the PDF editions need are installed; say what to install if not.

Run by ``make pdf`` and ``make student-pdf`` before building. The PDF is typeset by
XeLaTeX through latexmk (with makeindex for the index), from Debian's TeX Live, in the
DejaVu fonts (Greek letters and the symbols of the text). Each requirement is checked
by a command on the PATH, a file TeX can find (kpsewhich) or a font fontconfig knows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

#: Debian/Ubuntu packages that provide everything below.
DEBIAN_PACKAGES = (
    "texlive-xetex",
    "texlive-latex-extra",
    "texlive-fonts-recommended",
    "latexmk",
    "fontconfig",
    "fonts-dejavu-core",
)
COMMANDS = {
    "xelatex": "texlive-xetex",
    "latexmk": "latexmk",
    "makeindex": "texlive-binaries (with texlive-xetex)",
    "kpsewhich": "texlive-binaries (with texlive-xetex)",
    "fc-list": "fontconfig",
}
#: A file of each TeX Live package the book's LaTeX uses.
TEX_FILES = {
    "fncychap.sty": "texlive-latex-extra",
    "pzdr.tfm": "texlive-fonts-recommended",
}
FONTS = {
    "DejaVu Serif": "fonts-dejavu-core",
    "DejaVu Sans": "fonts-dejavu-core",
    "DejaVu Sans Mono": "fonts-dejavu-core",
}


def missing() -> list[str]:
    """What is missing, one line each, naming the package that provides it."""
    lines = [f"command {c} (package {p})" for c, p in COMMANDS.items() if not shutil.which(c)]
    if shutil.which("kpsewhich"):
        for name, package in TEX_FILES.items():
            found = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
            if found.returncode != 0 or not found.stdout.strip():
                lines.append(f"TeX file {name} (package {package})")
    if shutil.which("fc-list"):
        for family, package in FONTS.items():
            found = subprocess.run(["fc-list", family, "family"], capture_output=True, text=True)
            families = {f.strip() for line in found.stdout.splitlines() for f in line.split(",")}
            if family not in families:
                lines.append(f"font {family} (package {package})")
    return lines


def main() -> int:
    lines = missing()
    if not lines:
        return 0
    print(
        "The PDF editions need XeLaTeX, latexmk and the DejaVu fonts; missing:\n  "
        + "\n  ".join(lines)
        + "\nOn Debian or Ubuntu install them with\n  sudo apt-get install --no-install-recommends "
        + " ".join(DEBIAN_PACKAGES)
        + "\nElsewhere install TeX Live (with XeLaTeX, latexmk and the LaTeX extra packages) "
        "and the DejaVu fonts.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
