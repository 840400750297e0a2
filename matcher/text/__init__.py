"""Text signals of a post (title, description, hashtags, uploader): the catalogue's characters and works
named in any script, and markers that a generator made the clip. Pure: no database, no network."""

from matcher.text.detector import Detection, MentionDetector, is_common
from matcher.text.names import expand_name
from matcher.text.normalise import normalise

__all__ = ["Detection", "MentionDetector", "expand_name", "is_common", "normalise"]
