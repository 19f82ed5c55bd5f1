"""ASGI entry point for uvicorn/gunicorn: ``app.web.asgi:app``."""

from app.web.app import create_app

app = create_app()
