"""The pytest plugin (registered as a ``pytest11`` entry point).

Fixtures for testing HubSpot integrations against a real localspot server are added here;
the module is importable without pytest-specific side effects.
"""
