"""The pictures stage: computation graphs and decision regions, drawn for people and for answer keys.

``draw_graph`` draws a program's graph with Graphviz (values and gradients on
it, given values); ``plot_blanks`` draws a blanks question's labelled points
and where each solution's f ≥ 0, with matplotlib. The libraries are the extra
``symdiff[plot]``, imported only when a drawing is made; Graphviz's ``dot``
program renders graphs. Importing this package registers both drawers with
``program.drawing``, so ``Program.graph(...)`` and ``BlanksResult.plot()`` draw.
"""

from ..program.drawing import DRAWERS
from .network import draw_graph
from .picture import DotMissing, Drawing, Picture, Plot
from .regions import plot_blanks

DRAWERS.update(graph=draw_graph, blanks=plot_blanks)

__all__ = ["DotMissing", "Drawing", "Picture", "Plot", "draw_graph", "plot_blanks"]
