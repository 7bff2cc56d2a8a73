from . import mail  # noqa: F401  - registers its views on bp
from .routes import bp

__all__ = ["bp"]
