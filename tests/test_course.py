"""The course plan (chapters/course.md) against the chapters' exercises.

Every exercise of a chapter appears in the plan exactly once (in class, as homework or
as a further exercise), every exercise the plan names exists, and each week's homework
time is the sum of the minutes of its homework exercises.
"""

from __future__ import annotations

import re

from helpers import ROOT

COURSE = ROOT / "chapters" / "course.md"
LABEL = re.compile(r"^```+\{exercise(?:-start)?\}[^\n]*\n:label: ([\w-]+)", re.M)
REF = re.compile(r"\{numref\}`([\w-]+)` \((\d+) min\)")


def _exercise_labels():
    labels = []
    for chapter in sorted((ROOT / "chapters").glob("*.md")):
        labels += LABEL.findall(chapter.read_text(encoding="utf-8"))
    return labels


def _plan_rows():
    rows = []
    for line in COURSE.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\| \d+ \|", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _minutes(text):
    hours = re.search(r"(\d+) h", text)
    mins = re.search(r"(\d+) min", text)
    return 60 * int(hours.group(1) if hours else 0) + int(mins.group(1) if mins else 0)


def test_every_exercise_is_planned_exactly_once():
    labels = _exercise_labels()
    assert len(labels) > 30, labels  # the pattern finds the exercises
    assert len(set(labels)) == len(labels), "an exercise label is used twice"
    planned = [ref for row in _plan_rows() for cell in row[2:] for ref, _ in REF.findall(cell)]
    assert sorted(planned) == sorted(set(planned)), "an exercise is planned twice"
    assert set(planned) == set(labels), (
        f"not in the plan: {sorted(set(labels) - set(planned))}; "
        f"planned but not an exercise: {sorted(set(planned) - set(labels))}"
    )


def test_homework_time_is_the_sum_of_its_exercises():
    rows = _plan_rows()
    assert len(rows) >= 7
    for row in rows:
        week, homework, total = row[0], row[3], row[4]
        assert sum(int(m) for _, m in REF.findall(homework)) == _minutes(total), (week, total)
