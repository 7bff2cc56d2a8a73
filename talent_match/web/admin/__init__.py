from . import skills  # noqa: F401  - registers the taxonomy editor's views on bp
from .routes import bp

__all__ = ["bp"]
