"""Mamoru's crawler: Scrapy spiders that turn watchlists into clip items, politely and safely.

Entry points: `crawler.run.run_watchlist_crawl` (database) and `crawler.run.run_discover` (no database);
`core.urlsafety.check_url` is the public-address rule shared with the workers' downloader.
"""
