from enum import StrEnum


class EventType(StrEnum):
    AMENDMENT_RECEIVED = "amendment.received"
    CREDENTIAL_EXPIRING = "credential.expiring"
    EVIDENCE_RECEIVED = "evidence.received"
    REPORT_FEEDBACK = "report.feedback"
    REPORT_PURGED = "report.purged"
    REPORT_RECEIVED = "report.received"
    REPORT_STATUS_CHANGED = "report.status_changed"
    WEBHOOK_TEST = "webhook.test"

    def __str__(self) -> str:
        return str(self.value)
