"""The JSON API: contracts, bad parameters (400), unknown ids (404), never 500."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

HIT_KEYS = {"id", "title", "source", "score", "doc_type", "region", "year", "tags", "passages",
            "also_at"}  # fmt: skip


def test_search_has_the_cli_contract(client: FlaskClient) -> None:
    response = client.get("/api/search", query_string={"q": "一定兩評三公開"})
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    assert {"query", "total", "page", "hits", "facets", "suggestion"} <= set(data)
    (hit,) = data["hits"]
    assert set(hit) >= HIT_KEYS and hit["id"] == 5
    assert "<mark>一定兩評三公開</mark>" in hit["passages"][0]["html"]
    assert set(data["facets"]) == {"doc_type", "region", "year", "tag", "omitted"}


def test_search_parameters_filter_sort_and_page(client: FlaskClient) -> None:
    data = client.get("/api/search?q=组织&region=即墨").get_json()
    assert {h["region"] for h in data["hits"]} == {"即墨"}
    data = client.get("/api/search?q=组织&limit=2&page=2&sort=date").get_json()
    assert data["page"] == 2 and len(data["hits"]) == 2 and data["total"] == 5
    data = client.get("/api/search", query_string={"q": "组织", "tag": "一定兩評三公開"}).get_json()
    assert [h["id"] for h in data["hits"]] == [5]


@pytest.mark.parametrize(
    "query",
    ["q=year:abc", "q=x&page=0", "q=x&page=abc", "q=x&sort=best", "q=x&limit=1000",
     "q=x&per_page=-1", "type=news", "q=" + "长" * 300],
)  # fmt: skip
def test_bad_search_parameters_are_400_with_a_message(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]


def test_document_and_similar(client: FlaskClient) -> None:
    data = client.get("/api/documents/2").get_json()
    assert data["title"] == "組織工作改革創新思考" and data["date"] == "2022-10-16"
    assert {"text", "original", "warnings", "tags", "duplicate_of"} <= set(data)
    similar = client.get("/api/documents/1/similar?limit=2").get_json()
    assert len(similar["hits"]) == 2 and 1 not in [h["id"] for h in similar["hits"]]


@pytest.mark.parametrize(
    "path",
    ["/api/documents/999", "/api/documents/999/similar", "/api/tags/不存在的做法", "/api/nothing"],
)
def test_unknown_things_are_404_json(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["error"]["status"] == 404


@pytest.mark.parametrize("path", ["/api/tags?kind=person", "/api/documents/1/similar?limit=x"])
def test_bad_tag_parameters_are_400(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 400


def test_tags_and_tag_detail(client: FlaskClient) -> None:
    rows = client.get("/api/tags?kind=approach").get_json()
    assert "一定两评三公开" in {r["name"] for r in rows}
    detail = client.get("/api/tags/一定兩評三公開").get_json()
    assert detail["name"] == "一定两评三公开" and detail["regions"] == ["濮阳"]
    assert detail["documents"][0]["evidence"]


def test_the_api_is_read_only(client: FlaskClient) -> None:
    assert client.post("/api/search").status_code in {400, 405}
