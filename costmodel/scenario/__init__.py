"""Reading and checking scenario files: units, YAML, schema, cross-checks."""
