"""Projection -> the comparison workbook: live formulas rendered from the engine's own line
definitions, each storing its computed value, laid out for a reviewer (FAST, ICAEW code)."""
