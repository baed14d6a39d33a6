"""Evidence from the RSS 2.0 or Atom feed of a government site's 政府信息公開 column.

Registered for ``obligations`` in the ``obligations.sources`` entry-point group::

    [project.entry-points."obligations.sources"]
    rss = "obligations_rss:RSS_SOURCE"

so ``obligations check SPEC --evidence column.rss`` reads a saved feed (``.rss``, ``.atom``,
``.xml``). ``RssSource`` documents how an item becomes an evidence record.
"""

from __future__ import annotations

from obligations_rss.source import RSS_SOURCE, RssSource, split_title

__all__ = ["RSS_SOURCE", "RssSource", "split_title"]
__version__ = "0.1.0"
