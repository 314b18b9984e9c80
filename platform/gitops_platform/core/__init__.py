"""The core model: environments, the platform description, naming rules and object emission."""
