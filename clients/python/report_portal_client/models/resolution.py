from enum import StrEnum


class Resolution(StrEnum):
    ACTIONED = "actioned"
    DUPLICATE = "duplicate"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    NO_ACTION = "no_action"

    def __str__(self) -> str:
        return str(self.value)
