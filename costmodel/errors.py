"""Errors a user can act on, as values: each knows what to show and the exit code it ends with.

The library raises them; the command line shows them in one place (cli._command_line), as
click shows a ClickException by its `show()` and `exit_code`. Anything else that escapes a
command is a fault in costmodel, said in one line by `fault_message`.
"""

from __future__ import annotations

#: A bad scenario or workbook, an output that could not be written, or a --strict check that failed.
EXIT_BAD_INPUT = 1


class CostmodelError(Exception):
    """Shown as `lines()` on standard error; the command then exits with `exit_code`."""

    exit_code = EXIT_BAD_INPUT

    def lines(self) -> list[str]:
        return [f"error: {self}"]


def fault_message(exc: BaseException) -> str:
    return (f"costmodel could not finish ({type(exc).__name__}: {exc}). This is a fault in costmodel, "
            f"not in your files; please report it with the command you ran.")
