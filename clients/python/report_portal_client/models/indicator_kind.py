from enum import StrEnum


class IndicatorKind(StrEnum):
    ACCOUNT = "account"
    EMAIL = "email"
    HANDLE = "handle"
    MD5 = "md5"
    PDQ = "pdq"
    PHONE = "phone"
    SHA256 = "sha256"
    URL = "url"

    def __str__(self) -> str:
        return str(self.value)
