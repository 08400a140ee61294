"""Helpers the tests share: an importable package, so no test module imports another."""
