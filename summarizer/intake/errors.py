from __future__ import annotations


class IntakeError(ValueError):
    """Input that cannot be read as an article. The message names the input and the problem."""

    def __init__(self, name: str | None, problem: str) -> None:
        self.name = name or "<input>"
        self.problem = problem
        super().__init__(f"{self.name}: {problem}")


class InputTooLarge(IntakeError):
    """An input over a size or cost cap (bytes, chunks, prompt tokens): HTTP 413, not 422."""
