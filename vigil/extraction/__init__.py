"""Monitoring pipeline: turn news reports and messages into draft incidents.

Everything here is pure Python and runs without Django settings or a database, so
`vigil extract` can be used by a documenter on a laptop with no instance at all.
The public entry points are :func:`vigil.extraction.pipeline.extract_report` and
:func:`vigil.extraction.cli.main`; readers live in :mod:`vigil.extraction.readers`.
"""
