"""Programs: computation graphs of named intermediates, differentiated through.

``program("b = A*x; f = 0.5*norm(b)**2")`` reads definitions (plain syntax or
LaTeX; a bare formula is a one-line program) into a ``Program``: its inputs,
intermediates and output, derivatives by the chain rule through the graph in
terms of the intermediates (``x1*b1``, ``b*x.T``), the derivation step by
step, and numeric forward and backward passes (``backprop``).

Modules: ``reading`` (text -> definitions), ``graph`` (shapes and SymPy form
of each definition), ``chain`` (reverse mode over definitions), ``printing``,
``programs`` (the ``Program`` class), ``steps`` (derivations step by step),
``values`` (reading ``--at`` values), ``backprop`` (numbers forward and
backward), ``tables`` (printing them).
"""

from .programs import Program, ProgramResult, program

__all__ = ["Program", "ProgramResult", "program"]
