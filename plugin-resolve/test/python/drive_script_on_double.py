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
elif mode == "window":
    # A stand-in for Fusion's UIManager that plays a user: pick "copy", Generate, let the
    # window's timer poll until the job ends, then close.
    import time

    class Item(object):
        def __init__(self, props):
            self.__dict__.update(props)
            self.Text = props.get("Text", "")
            self.CurrentIndex = 0
            self.options = []

        def AddItem(self, text):
            self.options.append(text)

    class Timer(object):
        def __init__(self, props):
            self.props = props
            self.active = False

        def Start(self):
            self.active = True

        def Stop(self):
            self.active = False

    class Handlers(object):
        def __init__(self):
            self.__dict__["_by_id"] = {}

        def __getattr__(self, name):
            return self._by_id.setdefault(name, type("H", (), {})())

    registry = {}
    timers = []

    class UI(object):
        def __getattr__(self, kind):
            def make(arg=None):
                if kind == "Timer":
                    t = Timer(arg)
                    timers.append(t)
                    return t
                if isinstance(arg, dict):
                    item = Item(arg)
                    if "ID" in arg:
                        registry[arg["ID"]] = item
                    return item
                return list(arg or [])
            return make

    class Window(object):
        def __init__(self):
            self.On = Handlers()

        def GetItems(self):
            return registry

        def Show(self):
            pass

        def Hide(self):
            pass

    class Dispatcher(object):
        def __init__(self, ui):
            self.On = Handlers()
            self.window = None
            self.running = False

        def AddWindow(self, props, children):
            self.window = Window()
            return self.window

        def RunLoop(self):
            self.running = True
            registry["Task"].CurrentIndex = registry["Task"].options.index("copy")
            self.window.On.Generate.Clicked(None)
            deadline = time.time() + 60
            while timers and timers[0].active and time.time() < deadline:
                self.On.Poll.Timeout(None)
                time.sleep(0.05)
            self.window.On.Close.Clicked(None)

        def ExitLoop(self):
            self.running = False

    fusion = type("Fusion", (), {"UIManager": UI()})()
    bmd = type("Bmd", (), {"UIDispatcher": staticmethod(lambda ui: Dispatcher(ui))})()
    ss.run_window(resolve, fusion, bmd, ss.load_settings(None))
    print(json.dumps({"status": registry["Status"].Text, "timer": timers[0].props if timers else None}))
elif mode == "console":
    settings = ss.load_settings(None)
    ss.run_console(resolve, settings, task="copy")
    print(json.dumps({"done": True}))
