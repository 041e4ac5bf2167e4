from enum import StrEnum


class DetectionMethod(StrEnum):
    AUTOMATED_DETECTION = "automated_detection"
    INTERNAL_INVESTIGATION = "internal_investigation"
    LAW_ENFORCEMENT_REQUEST = "law_enforcement_request"
    OTHER = "other"
    USER_REPORT = "user_report"

    def __str__(self) -> str:
        return str(self.value)
