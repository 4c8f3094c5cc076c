"""The instructor's build: the book with every solution left out.

sphinx-exercise's own ``hide_solutions`` drops the ``{solution}`` directive but
not the end marker of ``{solution-start}``/``{solution-end}``, whose code cells
the book uses (the build then fails on an unknown node, and the gated cells
would stay on the page). Here the solutions are built as usual, their gated
cells merged into them by sphinx-exercise, and then every solution is removed
from the page, with its cells. The exercises keep their numbers and labels.

On with ``instructor_build = True`` (``tools/instructor.py`` writes a config
that sets it; ``make book-instructor``); off in the book's own build.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node


class RemoveSolutions(SphinxPostTransform):
    """Remove every solution, after sphinx-exercise's transforms have run."""

    default_priority = 900

    def run(self, **kwargs) -> None:
        if not self.app.config.instructor_build:
            return
        for cls in (solution_node, solution_start_node, solution_end_node):
            for node in list(self.document.findall(cls)):
                node.parent.remove(node)


def setup(app: Sphinx) -> dict:
    app.add_config_value("instructor_build", False, "env")
    app.add_post_transform(RemoveSolutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
