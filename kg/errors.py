"""Errors a user can fix. The CLI prints them as ``kg: error: <message>`` and exits 1."""

from __future__ import annotations


class KgError(Exception):
    """An error the user can fix; the CLI prints it without a traceback."""


class InputError(KgError):
    """An input article: missing, empty, binary, too large or undecodable."""


class RuleError(KgError):
    """A rule or lexicon file: unknown key, unknown class, bad regex, failing example."""


class GoldError(KgError):
    """A malformed gold annotation file."""
