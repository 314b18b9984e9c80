"""The Node.js that jsii runs the constructs on: found, checked, and how to point at another.

jsii (the runtime of cdk8s and of the CRD bindings) starts ``$JSII_NODE``, else ``node`` on
``PATH``. A Node.js older than :data:`MIN_NODE_MAJOR` prints an end-of-life banner on every run
(jsii 1.x lists its supported releases, ``^22`` and ``^24``, in that banner). The library warns
once, before jsii starts, with :class:`UnsupportedNodeWarning` naming the Node.js found and how
to set ``JSII_NODE``; ``gitops-platform validate`` prints the same sentence as a root cause.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Mapping
from typing import Final

__all__ = ["MIN_NODE_MAJOR", "UnsupportedNodeWarning", "node_problem", "warn_if_unsupported"]

#: The oldest Node.js major version jsii supports without an end-of-life banner.
MIN_NODE_MAJOR: Final = 22


class UnsupportedNodeWarning(UserWarning):
    """jsii will run on a Node.js it does not support (see :func:`node_problem`)."""


def node_problem(environ: Mapping[str, str] | None = None) -> str:
    """Why jsii's Node.js is unsupported, with how to point ``JSII_NODE`` elsewhere (``""``: ok).

    Args:
        environ: the environment (default: the process's).

    Returns:
        A sentence naming the Node.js found and how to use a supported one, or ``""``.

    """
    env = os.environ if environ is None else environ
    node = env.get("JSII_NODE") or shutil.which("node", path=env.get("PATH"))
    hint = (
        f"install Node.js {MIN_NODE_MAJOR} or newer and set JSII_NODE to its `node` (e.g. "
        f"`npm install node@{MIN_NODE_MAJOR}` in a folder, then "
        "export JSII_NODE=$PWD/node_modules/.bin/node)"
    )
    if not node:
        return f"Node.js not found (jsii needs it to run the constructs): {hint}"
    try:
        ran = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        found = ran.stdout.strip() or ran.stderr.strip() or f"exit status {ran.returncode}"
    except (OSError, subprocess.TimeoutExpired) as error:
        found = str(error)
        ran = None
    match = re.match(r"v(\d+)\.", found)
    if ran is None or ran.returncode != 0 or match is None or int(match[1]) < MIN_NODE_MAJOR:
        return f"{node} is Node.js {found}, which jsii does not support: {hint}"
    return ""


_checked = False


def warn_if_unsupported() -> None:
    """Warn once per process (:class:`UnsupportedNodeWarning`) when jsii's Node.js is too old.

    Called by the package's ``__init__``, before any module loads jsii; set
    ``GITOPS_PLATFORM_NODE_CHECK=0`` to skip it.
    """
    global _checked
    if _checked or os.environ.get("GITOPS_PLATFORM_NODE_CHECK") == "0":
        return
    _checked = True
    problem = node_problem()
    if problem:
        warnings.warn(problem, UnsupportedNodeWarning, stacklevel=3)
