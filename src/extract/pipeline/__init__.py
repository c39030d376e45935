"""One report from file to rows: identify, read sections, inventory, gates, archive."""
