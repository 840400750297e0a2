"""Scrapy's DNS resolver with Mamoru's address rule applied to the address it connects to.

`URLSafetyMiddleware` checks each request's host before it is sent, but Scrapy resolves the name again
to connect; a name whose DNS answer changes in between (DNS rebinding) would slip through. This
resolver applies the same rule (`urlsafety.address_refusal`) to the answer Scrapy uses, cached answers
included, and fails the lookup with that one-line reason.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from core.urlsafety import address_refusal

logger = logging.getLogger(__name__)


class PublicOnlyResolver(CachingThreadedResolver):
    @classmethod
    def from_crawler(cls, crawler, reactor):  # noqa: ANN001, ANN206
        resolver = super().from_crawler(crawler, reactor)
        resolver.msettings = crawler.settings["MAMORU_SETTINGS"]
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802
        return super().getHostByName(name, timeout).addCallback(self.checked, name)

    def checked(self, address: str, name: str) -> str:
        refusal = address_refusal(name, address, self.msettings)
        if refusal:
            logger.warning("refused connection: %s", refusal)
            raise DNSLookupError(f"refused: {refusal}")
        return address
