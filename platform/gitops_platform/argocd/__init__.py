"""The Argo CD layer: AppProjects, Applications and the bootstrap objects."""
