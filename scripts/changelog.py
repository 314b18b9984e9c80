"""Write CHANGELOG.md from the conventional commits of the history (before the first release).

Releases append to it through semantic-release (``[tool.semantic_release]`` in pyproject.toml);
this renders the history up to now as the ``Unreleased`` section, newest first, grouped by type.

    python scripts/changelog.py > CHANGELOG.md
"""

from __future__ import annotations

import re
import subprocess

SECTIONS = {
    "feat": "Features",
    "fix": "Bug fixes",
    "perf": "Performance",
    "refactor": "Refactoring",
    "docs": "Documentation",
    "test": "Tests",
    "build": "Build",
    "ci": "Continuous integration",
    "chore": "Chores",
}
HEADER = re.compile(r"^(?P<type>[a-z]+)(\((?P<scope>[^)]*)\))?!?: (?P<subject>.+)$")


def main() -> None:
    log = subprocess.run(
        ["git", "log", "--no-merges", "--format=%h%x09%s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    grouped: dict[str, list[str]] = {name: [] for name in SECTIONS}
    for line in log.splitlines():
        sha, _, subject = line.partition("\t")
        match = HEADER.match(subject)
        if match is None or match["type"] not in SECTIONS:
            continue
        scope = f"**{match['scope']}**: " if match["scope"] else ""
        grouped[match["type"]].append(f"- {scope}{match['subject']} ({sha})")
    out = ["# Changelog", "", "## Unreleased", ""]
    for kind, title in SECTIONS.items():
        if grouped[kind]:
            out += [f"### {title}", "", *grouped[kind], ""]
    print("\n".join(out).rstrip())


if __name__ == "__main__":
    main()
