"""Pytest plugin: a reference server on a free loopback port for a test session."""
