# The shared `backports` package is a pkgutil-style namespace (a regular
# package whose __init__.py extends __path__), not a PEP 420 one. Without this
# stub, pyright in strict mode reports `from backports import weakref` as an
# import of an untyped library, even though backports/weakref/ has py.typed.
# It declares nothing: every module has __path__ and the rest is per package.
