"""The CPython release whose weakref module this package mirrors."""
NEWEST = (3, 15)
