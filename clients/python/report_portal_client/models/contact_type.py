from enum import StrEnum


class ContactType(StrEnum):
    EMAIL = "email"
    OTHER = "other"
    PHONE = "phone"
    SIGNAL = "signal"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"

    def __str__(self) -> str:
        return str(self.value)
