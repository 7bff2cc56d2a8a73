from . import mail  # noqa: F401  - registers its views on bp
from .notifications import new_count
from .routes import bp

__all__ = ["bp", "new_count"]
