"""Benchmarks: a data generator at the scale of decades of assemblies, and ``make bench``.

Nothing here is imported by the application; the test suite imports the
generator to check the shapes it builds.
"""
