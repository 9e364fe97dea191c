#!/usr/bin/env python3
"""Where the time of didOpen -> publishDiagnostics goes, for one large file.

usage: open_timeline.py SERVER FILE [--runs N] [--wait SECONDS] [--warm]

Starts SERVER (`northflank-lsp`) N times with debug logs, initialises it, waits until its
start-up work is done (--wait), opens FILE and times, from the moment the client starts
encoding the didOpen message (with --warm, the server has first opened and closed a copy of
FILE under another name, so what it compiles for such a file is ready):
  encoded      the client has the message as bytes (Python's json.dumps)
  written      the last byte is in the pipe
  decoded      the server has decoded the message (its log)
  stored       the server holds the document (its log)
  syntax       the server has parsed it and sent the syntax errors (its log)
  first        the client has the first publishDiagnostics (the syntax errors, no version)
  analysed     the server has the analysis: parse, schema checks, semantic model (its log)
  received     the client has read the complete publishDiagnostics frame (with the version)
  parsed       the client has parsed it (Python's json.loads)
Prints one line per run and the medians. `server` = received - written: what the server
itself takes, without the client's own encoding and decoding; `server first` = first -
written.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time

LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z")


def log_time(line):
    match = LOG_TIME.match(line)
    if not match:
        return None
    stamp = datetime.datetime.strptime(match.group(1)[:26], "%Y-%m-%dT%H:%M:%S.%f")
    return stamp.replace(tzinfo=datetime.timezone.utc).timestamp()


def run_once(server, path, wait, warm):
    text = open(path).read()
    uri = "file://" + os.path.abspath(path)
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    env = dict(os.environ, NORTHFLANK_LSP_LOG="northflank_lsp=debug")
    proc = subprocess.Popen([server], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=log, env=env)
    received = {}

    def send(message):
        body = json.dumps(message).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    def reader():
        out = proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, value = line.decode().split(":", 1)
                headers[name.lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            got = time.time()
            message = json.loads(body)
            if "id" in message and "method" in message:
                items = (message.get("params") or {}).get("items", [])
                result = [None for _ in items] if message["method"] == "workspace/configuration" else None
                send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif (message.get("method") == "textDocument/publishDiagnostics"
                  and message["params"]["uri"] == uri):
                received.setdefault("first", got)
                if "version" in message["params"] and "received" not in received:
                    received["received"] = got
                    received["parsed"] = time.time()

    threading.Thread(target=reader, daemon=True).start()
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    time.sleep(wait)
    if warm:
        other = uri + ".warm-up.json"
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
              "params": {"textDocument": {"uri": other, "languageId": "json", "version": 1, "text": text}}})
        time.sleep(wait)
        send({"jsonrpc": "2.0", "method": "textDocument/didClose",
              "params": {"textDocument": {"uri": other}}})
        time.sleep(wait)
    message = {"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}}
    start = time.time()
    body = json.dumps(message).encode()
    encoded = time.time()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
    written = time.time()
    deadline = time.time() + 30
    while "parsed" not in received and time.time() < deadline:
        time.sleep(0.005)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    time.sleep(0.1)
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=10)
    marks = {"encoded": encoded, "written": written}
    for line in open(log.name):
        stamp = log_time(line)
        if stamp is None or stamp < start:
            continue
        for mark, words in [("decoded", "sync notification decoded"),
                            ("stored", "document stored"),
                            ("parse start", "analysis started"),
                            ("syntax", "syntax errors published"),
                            ("analysed", "analysed")]:
            if words in line and mark not in marks:
                marks[mark] = stamp
    os.unlink(log.name)
    marks.update(received)
    return {name: round((at - start) * 1000, 1) for name, at in marks.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wait", type=float, default=1.0)
    parser.add_argument("--warm", action="store_true")
    args = parser.parse_args()
    names = ["encoded", "written", "decoded", "stored", "parse start", "syntax", "first", "analysed",
             "received", "parsed"]
    rows = []
    for _ in range(args.runs):
        row = run_once(args.server, args.file, args.wait, args.warm)
        if "received" in row and "written" in row:
            row["server"] = round(row["received"] - row["written"], 1)
        if "first" in row and "written" in row:
            row["server first"] = round(row["first"] - row["written"], 1)
        rows.append(row)
        print(json.dumps(row))
    summary = {name: statistics.median(row[name] for row in rows if name in row)
               for name in names + ["server", "server first"] if any(name in row for row in rows)}
    print("median ms after the client starts encoding:", json.dumps(summary))


if __name__ == "__main__":
    main()
