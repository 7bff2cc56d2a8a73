"""Demo data: a reproducible world of seekers, SMEs, postings, institutions and outcomes in all 17 regions.

`seed_demo` writes it; `DEMO_LOGINS` are the five accounts with known passwords. Every person, company and
institution is invented; the shapes (industries by region, pay by seniority, retention by region) are not.
"""
from .logins import DEMO_LOGINS, DemoLogin
from .seed import SeedReport, demo_present, is_empty, seed_demo

__all__ = ["DEMO_LOGINS", "DemoLogin", "SeedReport", "demo_present", "is_empty", "seed_demo"]
