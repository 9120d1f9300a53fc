"""A read-only SPARQL 1.1 Protocol endpoint over an Oxigraph store (standard library HTTP).

GET  /query?query=…                                   (URL-encoded query)
POST /query  with ``application/sparql-query`` body, or a form with ``query=…``

SELECT and ASK answer in SPARQL JSON results by default, or CSV, TSV or XML by the Accept
header; CONSTRUCT and DESCRIBE answer in Turtle (or N-Triples on request). It listens on the
loopback address unless told otherwise, answers only requests that name it (the Host header:
no page can reach it through a name of its own), sends no CORS header (no page of another
origin reads its answers), and refuses queries that call a SERVICE (it never fetches what a
query names).
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pyoxigraph as ox

from kg.query import QueryError, refuse_remote

RESULTS = [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
]
GRAPHS = [("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES)]
MAX_QUERY_BYTES = 1 << 20  # a SPARQL query is a few kilobytes; a megabyte is surely no query
REQUEST_SECONDS = 30  # to send a request


def _choose(accept: str, options):
    for media, fmt in options:
        if media in accept:
            return media, fmt
    return options[0]


def make_handler(store: ox.Store):
    class Handler(BaseHTTPRequestHandler):
        server_version = "countykg"
        timeout = REQUEST_SECONDS  # a client that announces more than it sends is dropped

        def _answer(self, status: int, body: bytes, media: str) -> None:
            # No Access-Control-Allow-Origin: a web page the user visits must not read the graph.
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _query(self, query: str | None) -> None:
            if not _host_allowed(self.headers.get("Host", ""), self.server.server_address[0]):
                # a name that resolves here only to reach this server (DNS rebinding)
                self._answer(403, b"unknown Host: ask for localhost or the address this server listens on\n", "text/plain")
                return
            if not query:
                self._answer(400, b"missing query parameter\n", "text/plain")
                return
            try:
                refuse_remote(query)
            except QueryError as error:
                self._answer(400, f"{error}\n".encode(), "text/plain")
                return
            try:
                result = store.query(query, use_default_graph_as_union=True)
            except SyntaxError as error:
                self._answer(400, f"query syntax error: {error}\n".encode(), "text/plain")
                return
            accept = self.headers.get("Accept", "")
            if isinstance(result, ox.QueryTriples):
                media, fmt = _choose(accept, GRAPHS)
            else:
                media, fmt = _choose(accept, RESULTS)
            self._answer(200, result.serialize(format=fmt), media)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlparse(self.path)
            if url.path not in ("/query", "/sparql"):
                self._answer(404, b"SPARQL endpoint: /query\n", "text/plain")
                return
            self._query(parse_qs(url.query).get("query", [None])[0])

        def do_POST(self) -> None:  # noqa: N802
            declared = self.headers.get("Content-Length", "")
            if not declared.isdigit():  # absent, negative or not a number: the body's end is unknown
                self._answer(411 if not declared else 400, b"a POST needs a Content-Length of 0 or more bytes\n", "text/plain")
                return
            if int(declared) > MAX_QUERY_BYTES:
                self._answer(413, f"a query of more than {MAX_QUERY_BYTES:,} bytes is refused\n".encode(), "text/plain")
                return
            try:
                body = self.rfile.read(int(declared)).decode("utf-8")
            except UnicodeDecodeError:
                self._answer(400, b"the query is not UTF-8\n", "text/plain")
                return
            kind = self.headers.get("Content-Type", "")
            query = body if kind.startswith("application/sparql-query") else parse_qs(body).get("query", [None])[0]
            self._query(query)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            sys.stderr.write("kg serve: " + format % args + "\n")

    return Handler


def _host_allowed(host: str, bound: str) -> bool:
    """Whether a request's Host names this server: localhost, a loopback address, or the
    address it listens on."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    return name in ("localhost", "127.0.0.1", "::1", bound.lower()) or name.startswith("127.")


def make_server(store: ox.Store, host: str = "127.0.0.1", port: int = 7878) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(store))


def serve(store: ox.Store, host: str = "127.0.0.1", port: int = 7878) -> None:
    server = make_server(store, host, port)
    print(f"kg serve: SPARQL endpoint at http://{host}:{server.server_port}/query (Ctrl-C stops it)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
