"""The web application: an app factory whose lifespan builds the engine; nothing connects at import."""
