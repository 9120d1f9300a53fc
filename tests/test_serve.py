"""kg build --store keeps an Oxigraph store; kg query reads it; kg serve answers SPARQL over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.build import build
from kg.cli import main
from kg.errors import InputError, KgError
from kg.query import load_store
from kg.serve import make_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/countykg/ontology#County> }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, seeds_dir):
    folder = tmp_path_factory.mktemp("store")
    result = build([seeds_dir / "000_bf441c48083cf4d1.txt"], folder / "out", store_dir=folder / "store")
    result.graph.close()
    return folder / "store"


def test_store_answers_kg_query_and_a_rebuild_replaces_it(store_dir, seeds_dir, capsys):
    assert main(["query", str(store_dir), COUNT, "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "1"]
    again = build([seeds_dir / "000_bf441c48083cf4d1.txt"], store_dir.parent / "out2", store_dir=store_dir)
    size = len(again.graph)
    again.graph.close()
    assert main(["query", str(store_dir), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == str(size)  # not twice as many


def test_store_holds_the_graph_in_its_default_graph_for_any_sparql_engine(store_dir):
    # An engine that opens the folder (`oxigraph serve`, a script with pyoxigraph) queries the
    # default graph unless told to take the union of named graphs: the graph must be there.
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    assert [row["n"].value for row in store.query(COUNT)] == ["1"]
    assert list(store.named_graphs()) == []


def test_kg_query_still_answers_from_a_store_of_an_earlier_version(tmp_path, capsys):
    # Earlier versions of kg build kept the graph in the named graph kgid:graph.
    import pyoxigraph as ox

    old = ox.Store(str(tmp_path / "old"))
    county = ox.NamedNode("https://w3id.org/countykg/id/division-141129")
    a, kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("https://w3id.org/countykg/ontology#County")
    old.add(ox.Quad(county, a, kind, ox.NamedNode("https://w3id.org/countykg/id/graph")))
    del old  # closes the folder
    assert main(["query", str(tmp_path / "old"), COUNT, "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "1"]


def test_store_in_use_is_queried_read_only_a_build_into_it_stops_clearly_a_plain_folder_is_refused(store_dir, seeds_dir, tmp_path):
    held = load_store(store_dir)  # as a running `kg serve` holds it
    beside = load_store(store_dir)  # falls back to a read-only handle
    assert len(beside) == len(held) > 0
    with pytest.raises(InputError, match="cannot open the store.*kg serve"):
        build([seeds_dir / "000_bf441c48083cf4d1.txt"], tmp_path / "out", store_dir=store_dir)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(KgError, match="not an Oxigraph store"):
        load_store(empty)
    assert list(empty.iterdir()) == []  # no store was created in a folder that was not one


@pytest.fixture(scope="module")
def endpoint(store_dir):
    server = make_server(load_store(store_dir), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/query"
    server.shutdown()
    server.server_close()


def test_serve_get_select_as_sparql_json(endpoint):
    with urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": COUNT}), timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/sparql-results+json")
        data = json.loads(response.read())
    assert data["results"]["bindings"][0]["n"]["value"] == "1"


def test_serve_post_sparql_query_as_csv_and_construct_as_turtle(endpoint):
    request = urllib.request.Request(endpoint, data=COUNT.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read().decode().splitlines() == ["n", "1"]
    construct = "CONSTRUCT { ?c ?p ?o } WHERE { ?c <https://w3id.org/countykg/ontology#divisionCode> ?code ; ?p ?o }"
    form = urllib.parse.urlencode({"query": construct}).encode()
    with urllib.request.urlopen(urllib.request.Request(endpoint, data=form), timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        assert "141130" in response.read().decode()


def test_serve_syntax_error_is_a_400(endpoint):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE {"}), timeout=10)
    assert error.value.code == 400


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/> { ?s ?p ?o } }",
])
def test_serve_and_query_refuse_a_query_that_calls_a_service(endpoint, store_dir, query, capsys):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": query}), timeout=10)
    assert error.value.code == 400 and b"SERVICE is not allowed" in error.value.read()
    assert main(["query", str(store_dir), query]) == 1
    assert "SERVICE is not allowed" in capsys.readouterr().err


def test_a_service_in_a_string_or_a_comment_is_no_service(store_dir, capsys):
    query = 'SELECT ("SERVICE" AS ?word) WHERE { } # no SERVICE here'
    assert main(["query", str(store_dir), query]) == 0
    assert "SERVICE" in capsys.readouterr().out


def test_serve_answers_only_requests_that_name_it_and_sends_no_cors_header(endpoint):
    request = urllib.request.Request(endpoint + "?" + urllib.parse.urlencode({"query": COUNT}), headers={"Host": "attacker.example:7878"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 403
    with urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": COUNT}), timeout=10) as response:
        assert "Access-Control-Allow-Origin" not in response.headers


def _raw(endpoint: str, request: bytes) -> bytes:
    import socket

    url = urllib.parse.urlparse(endpoint)
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(request)
        return connection.recv(4096)


@pytest.mark.parametrize("length, status", [("-1", b"400"), ("abc", b"400"), ("10000000000", b"413")])
def test_serve_refuses_a_body_it_cannot_trust_at_once(endpoint, length, status):
    request = (f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
               f"Content-Length: {length}\r\n\r\nSELECT").encode()
    assert _raw(endpoint, request).split(b" ")[1] == status


def test_serve_port_out_of_range_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["serve", "x.ttl", "--port", "99999"])
    assert stop.value.code == 2 and "no TCP port" in capsys.readouterr().err
