"""Fixtures of the accounts tests: the local LINE API server (tests/line_server.py)."""

from tests.line_server import line_api  # noqa: F401 - a fixture, offered to these tests
