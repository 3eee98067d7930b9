"""Errors a user can cause, each carrying a one-line message that names the problem."""


class ImssimError(Exception):
    """Base class: a problem with the user's input, reported in one line."""


class ConfigError(ImssimError):
    """A configuration key, type or value is wrong."""


class WorldDataError(ImssimError):
    """A world data file is missing, malformed or inconsistent."""
