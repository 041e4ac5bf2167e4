from enum import StrEnum


class SubmitterStatus(StrEnum):
    CLOSED = "closed"
    IN_REVIEW = "in_review"
    RECEIVED = "received"
    RETRACTED = "retracted"

    def __str__(self) -> str:
        return str(self.value)
