"""Argo CD's glob matching for project rules (source repositories, destinations, names)."""

from __future__ import annotations

import functools
import re

__all__ = ["glob_match", "permitted"]


@functools.lru_cache(maxsize=512)
def _compile(pattern: str, separator: str | None) -> re.Pattern[str]:
    out = []
    i = 0
    any_char = f"[^{re.escape(separator)}]" if separator else "."
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append(f"{any_char}*")
        elif c == "?":
            out.append(any_char)
        elif c == "{":
            end = pattern.find("}", i)
            if end == -1:
                out.append(re.escape(c))
            else:
                alternatives = pattern[i + 1 : end].split(",")
                out.append("(?:" + "|".join(re.escape(a) for a in alternatives) + ")")
                i = end + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def glob_match(pattern: str, text: str, separator: str | None = None) -> bool:
    """Match ``text`` against one glob; ``*`` stops at ``separator`` when one is given."""
    return _compile(pattern, separator).match(text) is not None


def permitted(patterns: tuple[str, ...], text: str, separator: str | None = None) -> bool:
    """Apply Argo CD's allow/deny rule: some allow pattern matches and no ``!`` pattern does."""
    allowed = False
    for pattern in patterns:
        if pattern.startswith("!"):
            if glob_match(pattern[1:], text, separator):
                return False
        elif glob_match(pattern, text, separator):
            allowed = True
    return allowed
