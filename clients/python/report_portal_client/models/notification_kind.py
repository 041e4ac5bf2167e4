from enum import StrEnum


class NotificationKind(StrEnum):
    NEW_REPORT = "new_report"
    STAFF_ENROLLMENT = "staff_enrollment"
    WEBHOOK_DISABLED = "webhook_disabled"

    def __str__(self) -> str:
        return str(self.value)
