"""The Argo CD layer: AppProjects and Applications, checked against their projects."""
