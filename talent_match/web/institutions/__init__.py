from . import followups, reports, trainees, transfers  # noqa: F401  - register their views on bp
from .routes import bp

__all__ = ["bp"]
