from . import institutions, operators, regions, skills  # noqa: F401  - register their views on bp
from .routes import bp

__all__ = ["bp"]
