from enum import StrEnum


class MatchKind(StrEnum):
    EXACT = "exact"
    NEAR = "near"

    def __str__(self) -> str:
        return str(self.value)
