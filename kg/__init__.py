"""countykg: knowledge graphs of Chinese county development news.

Nothing heavy happens at import: the spaCy pipeline and the gazetteer load when first used.
"""

__version__ = "0.1.0"
