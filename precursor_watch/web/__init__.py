"""The precursor-watch Datasette plugin (entry point `precursor_watch.web`): its hooks live in
`plugin.py`; templates and static files sit beside this file, where Datasette looks for them."""

from precursor_watch.web.plugin import (  # noqa: F401  (hooks registered through this module)
    asgi_wrapper,
    extra_css_urls,
    menu_links,
    prepare_connection,
    prepare_jinja2_environment,
    register_output_renderer,
    register_routes,
    render_cell,
)
