from .routes import bp, waiting_count

__all__ = ["bp", "waiting_count"]
