"""Tests of the reference data and its matchers."""
