"""Hiring: companies, postings and their listing, seekers' profiles and CVs, applications."""
