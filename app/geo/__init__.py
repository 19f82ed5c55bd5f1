"""Where events happen: Natural Earth outlines (outlines) and offline geocoding of place phrases (gazetteer)."""
