"""stochastic package."""
