"""Beside the pipeline: verify published workbooks, reconcile published figures, diff scenarios."""
