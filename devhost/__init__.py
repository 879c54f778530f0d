"""A small local host for the Function App's HTTP functions (Core Tools cannot be installed here)."""
