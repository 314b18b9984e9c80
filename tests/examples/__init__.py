"""Components written against the public API only, one module each (used by the tests)."""
