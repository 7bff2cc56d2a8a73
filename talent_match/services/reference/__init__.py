"""Reference data every domain reads: the regions, the skill taxonomy, text normalisation."""
