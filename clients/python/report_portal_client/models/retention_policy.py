from enum import StrEnum


class RetentionPolicy(StrEnum):
    CLOSED = "closed"
    RELEASED = "released"
    RETRACTED = "retracted"
    TEST_MODE = "test_mode"

    def __str__(self) -> str:
        return str(self.value)
