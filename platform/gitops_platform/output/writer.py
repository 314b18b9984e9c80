"""Atomic replacement of the output folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from gitops_platform.errors import SynthError

__all__ = ["write_tree"]


def write_tree(files: Mapping[str, str], outdir: Path) -> Path:
    """Write ``files`` (relative path -> text) as the whole content of ``outdir``.

    The tree is written next to ``outdir`` first and swapped in with renames, so a failure
    at any point before the swap leaves the previous ``outdir`` exactly as it was.
    """
    outdir = Path(outdir).resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = outdir.parent / f".{outdir.name}.new-{os.getpid()}"
    previous = outdir.parent / f".{outdir.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for relpath in sorted(files):
            target = staging / relpath
            if target.resolve().is_relative_to(staging.resolve()) is False:
                raise SynthError(f"refusing to write outside the tree: {relpath}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[relpath], encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if outdir.exists():
        os.rename(outdir, previous)
    os.rename(staging, outdir)
    shutil.rmtree(previous, ignore_errors=True)
    return outdir
