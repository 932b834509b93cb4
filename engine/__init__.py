"""engine: a small scalar autograd engine, a superset of karpathy/micrograd.

    from engine import Value
    from engine.nn import MLP
"""

from engine.value import (
    DivisionByZeroError,
    FloatOverflowError,
    MathError,
    UndefinedMathError,
    Value,
    dot,
    sum_values,
    topological_order,
)

__all__ = [
    "Value",
    "MathError",
    "UndefinedMathError",
    "DivisionByZeroError",
    "FloatOverflowError",
    "dot",
    "sum_values",
    "topological_order",
]
