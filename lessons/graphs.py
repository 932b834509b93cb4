"""The lecture's graphs, written in lessons.expr's little language.

Several lessons come back to the same graphs, so they are written once here.
Each is the text a learner could type into the graph explorer.
"""

from __future__ import annotations

__all__ = ["LECTURE_L", "NEURON", "NEURON_EXP", "NEURON_N"]

# Karpathy's first graph: L = (a*b + c) * f, with e and d named on the way.
LECTURE_L = """\
a = 2.0
b = -3.0
c = 10.0
e = a*b
d = e + c
f = -2.0
L = d*f"""

# The lecture's neuron up to its weighted sum n. The bias is chosen so that
# n = 0.8814 and tanh(n) = 0.7071, which makes the gradients come out round.
NEURON_N = """\
x1 = 2.0
x2 = 0.0
w1 = -3.0
w2 = 1.0
b = 6.8813735870195432
x1w1 = x1*w1
x2w2 = x2*w2
x1w1x2w2 = x1w1 + x2w2
n = x1w1x2w2 + b"""

NEURON = NEURON_N + "\no = n.tanh()"

# The same neuron with tanh spelled out: tanh(n) = (e^(2n) − 1) / (e^(2n) + 1).
NEURON_EXP = NEURON_N + "\ne = (2*n).exp()\no = (e - 1)/(e + 1)"
