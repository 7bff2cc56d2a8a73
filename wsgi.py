"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""
from talent_match import create_app

app = create_app()
