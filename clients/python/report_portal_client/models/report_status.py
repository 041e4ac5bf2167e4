from enum import StrEnum


class ReportStatus(StrEnum):
    CLOSED = "closed"
    ESCALATED = "escalated"
    IN_REVIEW = "in_review"
    RECEIVED = "received"
    REFERRED = "referred"
    RETRACTED = "retracted"

    def __str__(self) -> str:
        return str(self.value)
