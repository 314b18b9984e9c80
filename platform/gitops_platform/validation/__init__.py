"""The validation pipeline: real tools and schemas run over a rendered GitOps tree.

It is separate from the constructs: it reads a tree of YAML files (``dist/`` or any other
folder) and never imports the platform code, except for the freshness step, which re-renders.
"""
