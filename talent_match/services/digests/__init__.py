"""Digests: what is new for a person since they were last told (matching postings, candidates, follow-ups due), for
the mail they chose and their notification page alike."""
