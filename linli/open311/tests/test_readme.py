"""The integrators' README states the status mapping the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from linli.demands.workflow import OPEN_STATES, State

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_status_table_in_the_readme_matches_the_workflow():
    mapping = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        row = re.match(r"^\| (.*) \| `(open|closed)` \|$", line)
        if row:
            for state in re.findall(r"`([a-z_]+)`", row.group(1)):
                mapping[state] = row.group(2)
    assert mapping == {s: ("open" if s in OPEN_STATES else "closed") for s in State.values}
