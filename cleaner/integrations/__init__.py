"""Adapters that run the cleaner inside other data-processing frameworks.

Each lives in its own module and needs its framework installed through the
matching extra, e.g. `pip install cleaner[datatrove]` for
`cleaner.integrations.datatrove`. Importing this package imports none of them.
"""
