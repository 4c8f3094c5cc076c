"""Accuracy and speed measurements of ceutils against the libraries (``make bench``).

Run as modules from the repository root (``python -m benchmarks.accuracy``,
``python -m benchmarks.speed``); they write into ceutils' package data, which
:mod:`ceutils.results` reads.
"""
