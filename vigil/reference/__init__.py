"""Reference data: controlled vocabularies, the gazetteer and the table of Russian legal articles.

Pure Python over data files shipped in ``data/`` (TOML and TSV, each with a version and a named source), so
documenters can correct terms, trigger phrases, places and article descriptions without touching code.
Public modules: :mod:`.vocabularies`, :mod:`.gazetteer`, :mod:`.legal`; :mod:`.triggers` documents the phrase syntax.
"""
