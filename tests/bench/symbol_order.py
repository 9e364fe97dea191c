#!/usr/bin/env python3
"""Writes server/nfls-lsp/symbol-order.txt: the functions a release build of northflank-lsp runs
in a representative session, which the linker then places together (see server/nfls-lsp/build.rs).

usage: tests/bench/symbol_order.py [--check]

Why: the kernel maps a binary's code in windows of 64 KB or more around each page touched, so
code run at start-up and on the first requests, scattered over 18 MB of text, made 11 MB of
the binary resident. Placed together, the same functions take about 3 MB.

How: builds the release binary, runs it under valgrind's callgrind (which records every function
that runs) through an editor session spoken over stdio: initialize, open the shipped examples
and a large generated template, diagnostics, every kind of request at many positions, edits,
shutdown; and `check` on the examples. Needs valgrind (`apt-get install valgrind`).

The names are the binary's mangled symbols: they stay the same while Cargo.lock, the toolchain
and the release profile do, so regenerate after changing one of those (`--check` says how many
of the file's names the current release binary still has; names it lacks are ignored).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ORDER = os.path.join(REPO, "server", "nfls-lsp", "symbol-order.txt")
BINARY = os.path.join(REPO, "target", "release", "northflank-lsp")
EXAMPLES = os.path.join(REPO, "tests", "examples")
GENERATOR = os.path.join(REPO, "..", "shared", "bench", "gen_template.py")


class Client:
    """A minimal LSP client over a child's stdio that answers the server's requests."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.lock = threading.Condition()
        self.responses = {}
        self.notifications = []
        threading.Thread(target=self.read, daemon=True).start()

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(out.read(length))
            if "method" in message and "id" in message:
                result = None
                if message["method"] == "workspace/configuration":
                    result = [None for _ in message["params"]["items"]]
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            with self.lock:
                if "id" in message:
                    self.responses[message["id"]] = message
                else:
                    self.notifications.append(message)
                self.lock.notify_all()

    def request(self, method, params, timeout=600):
        self.next_id += 1
        number = self.next_id
        self.send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        with self.lock:
            if not self.lock.wait_for(lambda: number in self.responses, timeout):
                raise TimeoutError(method)
            return self.responses.pop(number)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version, timeout=600):
        def published():
            return any(n.get("method") == "textDocument/publishDiagnostics"
                       and n["params"]["uri"] == uri and n["params"].get("version") == version
                       for n in self.notifications)
        with self.lock:
            self.lock.wait_for(published, timeout)


def positions(text, count):
    """Positions inside keys and values spread over the text, and a few between members."""
    found = []
    for number, line in enumerate(text.split("\n")):
        column = line.find('"')
        if column >= 0:
            found.append((number, column + 1))
            found.append((number, len(line)))
    step = max(1, len(found) // count)
    return found[::step][:count]


def session(command, files, phase):
    """Runs the session; `phase(name, pid)` is called after each phase (to dump the profile)."""
    client = Client(command)
    capabilities = {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"configuration": True, "workspaceFolders": True,
                      "didChangeConfiguration": {"dynamicRegistration": True}},
        "textDocument": {
            "completion": {"completionItem": {"snippetSupport": True}},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"relatedInformation": True},
            "synchronization": {"didSave": True},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        },
    }
    client.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + EXAMPLES,
                                  "capabilities": capabilities})
    client.notify("initialized", {})
    client.notify("workspace/didChangeConfiguration", {"settings": {}})
    phase("start", client.proc.pid)
    texts = {"file://" + path: open(path).read() for path in files}
    for uri, text in texts.items():
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "json", "version": 1, "text": text}})
        client.wait_diagnostics(uri, 1)
    phase("open", client.proc.pid)
    for uri, text in texts.items():
        for line, character in positions(text, 40):
            at = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
            client.request("textDocument/completion", at)
            client.request("textDocument/hover", at)
    phase("completion and hover", client.proc.pid)
    for uri, text in texts.items():
        lines = text.split("\n")
        for version in (2, 3, 4):
            middle = len(lines) // 2
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": middle, "character": 0},
                                              "end": {"line": middle, "character": 0}},
                                    "text": "x" if version == 3 else " "}]})
            client.wait_diagnostics(uri, version)
    phase("change", client.proc.pid)
    for uri, text in texts.items():
        document = {"textDocument": {"uri": uri}}
        for line, character in positions(text, 40):
            at = dict(document, position={"line": line, "character": character})
            point = {"start": at["position"], "end": at["position"]}
            client.request("textDocument/definition", at)
            client.request("textDocument/references", dict(at, context={"includeDeclaration": True}))
            client.request("textDocument/documentHighlight", at)
            client.request("textDocument/prepareRename", at)
            client.request("textDocument/codeAction", dict(document, range=point,
                                                           context={"diagnostics": []}))
        for method in ("documentSymbol", "foldingRange", "codeLens", "formatting",
                       "semanticTokens/full", "diagnostic"):
            params = dict(document)
            if method == "formatting":
                params["options"] = {"tabSize": 2, "insertSpaces": True}
            client.request("textDocument/" + method, params)
        client.request("textDocument/selectionRange", dict(document, positions=[
            {"line": line, "character": character} for line, character in positions(text, 5)]))
        client.notify("textDocument/didClose", document)
    phase("other requests", client.proc.pid)
    client.request("shutdown", None)
    client.notify("exit", None)
    client.proc.wait(timeout=600)


def executed(callgrind_file):
    """(part, {function: own cost}) of a callgrind profile (a part is what ran between two
    dumps)."""
    names, cost, current, part = {}, {}, None, 0
    for line in open(callgrind_file, errors="replace"):
        if line.startswith("part:"):
            part = int(line.split()[1])
            continue
        match = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if match:
            kind, number, name = match.groups()
            if name:
                names[number] = name
            if kind == "fn":
                current = number
                cost.setdefault(number, 0)
            continue
        if current is not None and line[:1].isdigit():
            fields = line.split()
            if len(fields) >= 2:
                cost[current] += int(fields[1])
    return part, {names[number]: value for number, value in cost.items() if number in names}


def text_symbols(binary):
    output = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    return {fields[2] for fields in (line.split() for line in output.splitlines())
            if len(fields) == 3 and fields[1] in "tTwW"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only say how many of the file's names the release binary has")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "nfls-lsp"], cwd=REPO,
                   check=True)
    symbols = text_symbols(BINARY)
    if args.check:
        wanted = [line.strip() for line in open(ORDER) if line.strip()]
        found = sum(1 for name in wanted if name in symbols)
        print(f"{found} of {len(wanted)} names of {os.path.relpath(ORDER, REPO)} are in the "
              f"release binary ({100 * found / max(1, len(wanted)):.0f} %)")
        return
    files = [os.path.join(EXAMPLES, name) for name in sorted(os.listdir(EXAMPLES))
             if name.endswith(".json")]
    with tempfile.TemporaryDirectory() as scratch:
        if os.path.exists(GENERATOR):
            large = os.path.join(scratch, "large.json")
            with open(large, "w") as out:
                subprocess.run([sys.executable, GENERATOR, "--nodes", "800", "--seed", "1"],
                               stdout=out, check=True)
            files.append(large)
        else:
            print(f"note: {GENERATOR} is absent: the session opens the examples only")
        # Each function goes with the first phase that ran it (start-up, open, completion
        # and hover, change, other requests, the checker), so what every session needs comes
        # first; within a phase, by name (what matters is which functions are together, and
        # names keep the file's diffs small when it is written again).
        first_phase, costs = {}, {}
        runs = [("server", [BINARY, "--stdio"]),
                ("check", [BINARY, "check", "--format", "json", EXAMPLES]),
                ("check-human", [BINARY, "check", EXAMPLES])]
        for run, (name, command) in enumerate(runs):
            profile = os.path.join(scratch, name, "callgrind")
            os.mkdir(os.path.dirname(profile))
            valgrind = ["valgrind", "--tool=callgrind", "--demangle=no", "--dump-instr=no",
                        "--callgrind-out-file=" + profile]
            started = time.time()
            if name == "server":
                def phase(label, pid):
                    subprocess.run(["callgrind_control", "--dump=" + label, str(pid)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                session(valgrind + command, files, phase)
            else:
                subprocess.run(valgrind + command, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            print(f"{name}: profiled in {time.time() - started:.0f} s")
            for dump in sorted(os.listdir(os.path.dirname(profile))):
                part, functions = executed(os.path.join(os.path.dirname(profile), dump))
                for function, cost in functions.items():
                    if cost == 0:
                        continue
                    key = (run, part)
                    first_phase[function] = min(first_phase.get(function, key), key)
                    costs[function] = costs.get(function, 0) + cost
    # Only the binary's own functions (not libc's).
    ordered = sorted((name for name in costs if name in symbols),
                     key=lambda name: (first_phase[name], name))
    with open(ORDER, "w") as out:
        out.write("\n".join(ordered) + "\n")
    print(f"wrote {len(ordered)} names to {os.path.relpath(ORDER, REPO)}")


if __name__ == "__main__":
    main()
