"""Pure calculation: Scenario in, Projection out. No files, no printing."""
