"""Beside the pipeline: ranges and distributions, sensitivity, switching values, Monte Carlo."""
