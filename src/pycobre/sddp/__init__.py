"""sddp package."""
