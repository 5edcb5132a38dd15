"""The query builders, one per kind of source, and the fields they are made of."""
