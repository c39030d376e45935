"""The knowledge base: Datasette serving, SQL functions, the plugin."""
