"""The search page (home): one box, facets, hits; ``partial=1`` returns the results alone."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from web.search_params import parse_params, run_search

bp = Blueprint("search", __name__)

EXAMPLES = ("年轻干部培养", "一定两评三公开", "組工", "李连成 OR 公信组工", "type:case")
"""Searches offered on the start page."""


@bp.route("/")
def index() -> ResponseReturnValue:
    """Search with the URL's parameters; a bad parameter is a 400 page (QuerySyntaxError)."""
    params = parse_params(request.args)
    result = run_search(params)
    partial = request.args.get("partial") == "1"
    template = "search/_results.html" if partial else "search/index.html"
    return render_template(template, params=params, result=result, examples=EXAMPLES)
