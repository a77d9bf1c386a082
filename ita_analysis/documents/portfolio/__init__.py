"""The portfolio of a group of organisations: its parameters, context and sections."""
