from enum import StrEnum


class ContentType(StrEnum):
    ADVERTISEMENT = "advertisement"
    COMMENT = "comment"
    DIRECT_MESSAGE = "direct_message"
    GROUP = "group"
    IMAGE = "image"
    LIVE_STREAM = "live_stream"
    POST = "post"
    PROFILE = "profile"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
