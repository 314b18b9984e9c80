"""Writing the rendered GitOps tree: stable YAML and an atomic swap of the output folder."""
