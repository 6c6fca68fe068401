"""Errors the command line reports in one line with exit status 2."""


class UsageError(Exception):
    """Bad input from the person at the keyboard."""
