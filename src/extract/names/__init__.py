"""Names to places: the gazetteer, the resolver, archivist decisions, review."""
