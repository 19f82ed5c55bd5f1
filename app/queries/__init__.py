"""Read-only query functions, one per page; each returns plain dicts shared by HTML, htmx and JSON."""
