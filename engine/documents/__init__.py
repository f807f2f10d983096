"""Documents: from a Decision to the Word clause (context, templates, rendering, post-processing).

`render(decision)` is the stage's entry; `build_context` gives the template context, `template_name` and
`template_names` which templates exist, `jinja_env` the environment they render with, `preload` prepares
them before workers fork, `check_templates` checks an organisation's templates.
"""

from engine.documents.context import build_context
from engine.documents.render import preload, render, warm_up
from engine.documents.template_files import jinja_env, template_name, template_names
from engine.resources import templates_dir

__all__ = ["build_context", "jinja_env", "preload", "render", "template_name", "template_names", "templates_dir", "warm_up"]
