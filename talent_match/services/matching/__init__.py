"""Matching both ways within regions: the pipeline, its ranking and fit evidence, and the offline evaluation."""
