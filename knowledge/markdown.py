"""Markdown written by users, rendered to HTML that is safe to show.

markdown-it-py renders CommonMark with raw HTML switched off (``<script>`` stays
text); nh3 (Ammonia) then keeps only the tags and attributes listed here, so no
event handler, ``style``, htmx attribute or ``javascript:`` link survives, whatever
the Markdown produced. Links get ``rel="noopener noreferrer nofollow"``. Pure
functions: no database, no request.
"""

from __future__ import annotations

from collections.abc import Sequence

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# Longer than any good practice needs (a few pages); the form refuses more.
MAX_BODY = 20_000

TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "code",
    "pre",
    "hr",
}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _image_as_text(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Images come as uploads with alt text, never from a URL in the text: an image
    written in Markdown shows its description only."""
    return escapeHtml(tokens[idx].content)


_renderer.add_render_rule("image", _image_as_text)


def render_markdown(text: str) -> str:
    """Sanitised HTML for ``text`` (headings start at h2: the page has its h1)."""
    html = _renderer.render(text.replace("\x00", ""))
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    html = html.replace("<h5>", "<h4>").replace("</h5>", "</h4>")
    html = html.replace("<h6>", "<h4>").replace("</h6>", "</h4>")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
