"""pinscope's subcommands, one module each; `pinscope.cli.COMMANDS` lists them."""


class CommandError(Exception):
    """Bad input to a subcommand; the message is one line for the user (exit status 2)."""
