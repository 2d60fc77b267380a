"""comm package."""
