"""Training records: programmes, cohorts, trainees, placements and follow-ups, and links to seekers' accounts."""
