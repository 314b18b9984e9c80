"""Download the upstream reference data (CRDs, the Vector config schema) at their pinned tags.

For machines that have internet access but not the shared data folder (e.g. a hosted CI
runner): ``make upstream [UPSTREAM_DIR=path]``, the same as ``gitops-platform upstream --fetch
--upstream path``. See :mod:`gitops_platform.validation.upstream_data`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gitops_platform.errors import UpstreamDataError
from gitops_platform.validation.upstream_data import fetch_upstream


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="folder to create (GITOPS_PLATFORM_UPSTREAM)")
    args = parser.parse_args()
    try:
        fetch_upstream(args.target)
    except UpstreamDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"upstream data in {args.target}; export GITOPS_PLATFORM_UPSTREAM={args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
