"""Secrets: the External Secrets Operator and its per-environment ClusterSecretStore."""
