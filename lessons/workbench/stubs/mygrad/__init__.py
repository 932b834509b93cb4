"""mygrad: a tiny scalar autograd engine, written exercise by exercise."""

from mygrad.engine import Value

__all__ = ["Value"]
