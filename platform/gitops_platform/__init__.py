"""gitops-platform."""
