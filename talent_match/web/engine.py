"""The app's search engine (embeddings and shards) for the web pages and the API, which hand it to services."""
from flask import current_app


def search_engine():
    """The engine `services.search.engine.init_search_engine` put in `app.extensions`, or None where none is."""
    return current_app.extensions.get("search_engine")
