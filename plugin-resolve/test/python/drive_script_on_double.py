"""Drives the free-edition script against the Node Resolve double over a pipe (fd 3 requests,
fd 4 replies). Like Resolve's Python objects, every attribute name yields a callable and only
dir() tells which methods exist (pitfall 28). Usage: drive_script_on_double.py SCRIPT MODE [ARG]
"""
import importlib.util
import json
import os
import sys

spec = importlib.util.spec_from_file_location("synthetic_studio_script", sys.argv[1])
ss = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ss)

requests = os.fdopen(3, "w")
replies = os.fdopen(4, "r")


class Remote(object):
    def __init__(self, oid, methods):
        self._oid = oid
        self._methods = methods

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args):
            return rpc(self._oid, name, list(args))
        return call

    def __dir__(self):
        return list(self._methods)


def encode(v):
    if isinstance(v, Remote):
        return {"$obj": v._oid}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return dict((k, encode(x)) for k, x in v.items())
    return v


def decode(v):
    if isinstance(v, dict) and "$obj" in v:
        return Remote(v["$obj"], v["methods"])
    if isinstance(v, list):
        return [decode(x) for x in v]
    if isinstance(v, dict):
        return dict((k, decode(x)) for k, x in v.items())
    return v


def rpc(oid, method, args):
    requests.write(json.dumps({"obj": oid, "method": method, "args": encode(args)}) + "\n")
    requests.flush()
    reply = json.loads(replies.readline())
    if "error" in reply:
        raise RuntimeError(reply["error"])
    return decode(reply["value"])


resolve = decode(json.loads(replies.readline())["value"])
mode = sys.argv[2]
if mode == "select":
    track = int(sys.argv[3]) if len(sys.argv) > 3 else None
    print(json.dumps({"selection": ss.read_selection(resolve, track)}))
elif mode == "import":
    outputs = json.loads(sys.argv[3])
    selection = ss.read_selection(resolve)
    print(json.dumps({"report": ss.import_and_place(resolve, outputs, selection)}))
elif mode == "console":
    settings = ss.load_settings(None)
    ss.run_console(resolve, settings, task="copy")
    print(json.dumps({"done": True}))
