from enum import StrEnum


class FeedbackReason(StrEnum):
    DUPLICATE = "duplicate"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    NOT_IN_SCOPE = "not_in_scope"
    OTHER = "other"
    STALE = "stale"
    UNUSABLE_EVIDENCE = "unusable_evidence"
    UNVERIFIABLE_ACCOUNTS = "unverifiable_accounts"

    def __str__(self) -> str:
        return str(self.value)
