"""Outcomes: the metric ledger, suppression of small cells, and the regional figures."""
