"""The database: typed rows, schema, writing one report, views."""
