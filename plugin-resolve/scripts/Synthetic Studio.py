#!/usr/bin/env python3
"""Synthetic Studio for DaVinci Resolve (free and Studio): Workspace -> Scripts -> Synthetic Studio.

Reads the selected clip (or the clip under the playhead on a chosen track) and its source range,
submits a job to the local Synthetic Studio bridge over its HTTP API, shows progress in a small
UIManager window (or the console when UIManager is absent), then imports the result into the
Media Pool bin "Synthetic Studio" and places it on the track above the source, aligned.

Python 3.6+ standard library only. The pure logic (rates, timecode, range maths, request building,
HTTP client, polling) is kept in functions that run without Resolve, so it can be unit-tested.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BIN_NAME = "Synthetic Studio"
DEFAULT_URL = "http://127.0.0.1:7788"
SETTINGS_FILE = "synthetic_studio_bridge.json"
TASKS = ("copy", "inpaint", "extend", "relight")
FINAL_STATES = ("succeeded", "failed", "cancelled")
NTSC_BASES = (24, 30, 48, 60, 120)


class StudioScriptError(Exception):
    """A failure with a stable code and a sentence for the editor."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Rates and timecode (pitfalls 1, 3, 4, 9: rationals, never the decimal)
# ---------------------------------------------------------------------------------------------

def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def rate_from_number(value):
    """24, '25', 23.976, '29.97' -> (num, den); NTSC rates map to N*1000/1001. None if invalid."""
    try:
        n = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    if not n > 0:
        return None
    if abs(n - round(n)) < 1e-6:
        return (int(round(n)), 1)
    for base in NTSC_BASES:
        if abs(n - base * 1000.0 / 1001.0) < 0.006:
            return (base * 1000, 1001)
    num = int(round(n * 1000))
    g = _gcd(num, 1000)
    return (num // g, 1000 // g)


def parse_resolve_rate(value, drop_frame_setting=None):
    """Timeline setting 'timelineFrameRate' ('24', '29.97 DF', '59.94 NDF') -> (num, den, drop_frame)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().upper()
    drop = None
    for suffix, flag in ((" NDF", False), ("NDF", False), (" DF", True), ("DF", True)):
        if text.endswith(suffix):
            drop = flag
            text = text[: -len(suffix)].strip()
            break
    rate = rate_from_number(text)
    if rate is None:
        return None
    if drop is None:
        drop = str(drop_frame_setting if drop_frame_setting is not None else "").strip() == "1"
    if drop and not (rate[1] == 1001 and rate[0] in (30000, 60000)):
        drop = False
    return (rate[0], rate[1], drop)


def same_rate(a, b):
    return a[0] * b[1] == b[0] * a[1]


def convert_frames(frames, src, dst):
    """A frame count from one rate to another, exactly, rounded to the nearest frame."""
    if same_rate(src, dst):
        return int(frames)
    return int(round(float(frames) * dst[0] * src[1] / (dst[1] * src[0])))


def timecode_to_frames(tc, rate, drop_frame):
    """'HH:MM:SS:FF' (any of : ; . as separators) -> frames since midnight; DF labels aware."""
    text = str(tc).strip()
    for sep in (";", "."):
        text = text.replace(sep, ":")
    parts = text.split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise ValueError("not a timecode: %r" % (tc,))
    h, m, s, f = [int(p) for p in parts]
    nominal = int(round(float(rate[0]) / rate[1]))
    drop = nominal // 15 if drop_frame else 0
    minutes = h * 60 + m
    return (minutes * 60 + s) * nominal + f - drop * (minutes - minutes // 10)


# ---------------------------------------------------------------------------------------------
# Source range: cross-check readers that disagree (pitfall 6)
# ---------------------------------------------------------------------------------------------

def _close(a, b):
    return abs(a - b) <= 1


def source_range(readers, timeline_rate, source_rate, source_start_tc_frames=0):
    """Half-open [in, out) in file-relative source frames from a timeline item's readers.

    readers: left_offset (timeline frames), duration (timeline frames), source_start_frame,
    source_end_frame, source_start_time, source_end_time (seconds). GetLeftOffset is exact but in
    timeline frames; GetSourceStartFrame is file-relative but sometimes one off; the seconds
    readers are timecode-absolute on media with a non-zero start TC; GetSourceEndFrame is
    exclusive when the rates match and inclusive when they differ. The in point must be confirmed
    by two readers, and the source length must equal the record length (else it is retimed).
    """
    left = convert_frames(readers["left_offset"], timeline_rate, source_rate)
    start_frame = int(readers["source_start_frame"])
    start_time = float(readers["source_start_time"])
    duration = convert_frames(readers["duration"], timeline_rate, source_rate)
    tc_seconds = float(source_start_tc_frames) * source_rate[1] / source_rate[0]

    def to_frames(seconds):
        return int(round(seconds * source_rate[0] / source_rate[1]))

    def candidates(seconds):
        out = [to_frames(seconds)]
        if source_start_tc_frames > 0 and seconds + 1e-6 >= tc_seconds:
            out.append(to_frames(seconds - tc_seconds))
        return out

    seconds_in = candidates(start_time)
    if _close(left, start_frame) or any(_close(left, s) for s in seconds_in):
        src_in = left
    else:
        agreed = [s for s in seconds_in if _close(s, start_frame)]
        if not agreed:
            raise StudioScriptError("E_RANGE", "Resolve reports inconsistent source in points for this clip "
                                    "(left offset %d, source start %d); re-select it." % (left, start_frame))
        src_in = agreed[0]
    if duration <= 0:
        raise StudioScriptError("E_RANGE", "The clip has no duration on the timeline.")
    end_exclusive = int(readers["source_end_frame"]) + (0 if same_rate(timeline_rate, source_rate) else 1)
    lengths = [end_exclusive - start_frame, to_frames(float(readers["source_end_time"])) - to_frames(start_time)]
    if not any(_close(length, duration) for length in lengths):
        raise StudioScriptError("E_RANGE", "This clip plays at a changed speed; remove the retime or render it first.")
    return src_in, src_in + duration


def record_frame_for(selection, output):
    """Absolute record frame for an output: the source's start, shifted for extend results."""
    first = output.get("firstFrame", selection["sourceIn"])
    src_rate = (selection["sourceFps"]["num"], selection["sourceFps"]["den"])
    tl = selection["placement"]["sequenceFps"]
    return int(selection["placement"]["start"]) + convert_frames(first - selection["sourceIn"], src_rate, (tl["num"], tl["den"]))


def expected_duration(frames, media_rate, timeline_rate):
    """Timeline frames an appended clip of `frames` media frames takes (mixed rates floor)."""
    if same_rate(media_rate, timeline_rate):
        return int(frames)
    return int(frames * timeline_rate[0] * media_rate[1] // (timeline_rate[1] * media_rate[0]))


# ---------------------------------------------------------------------------------------------
# Job requests and the bridge's HTTP API
# ---------------------------------------------------------------------------------------------

def build_job_request(selection, task, prompt=None, params=None, engine="classical", output_format="prores", mask_path=None):
    """A JobRequest (the bridge's one request type) for the selection."""
    if task not in TASKS:
        raise StudioScriptError("E_VALIDATION", "Unknown task %r; choose one of %s." % (task, ", ".join(TASKS)))
    request = {
        "task": task,
        "engine": engine,
        "source": {
            "path": selection["mediaPath"],
            "in": int(selection["sourceIn"]),
            "out": int(selection["sourceOut"]),
            "fps": dict(selection["sourceFps"]),
        },
        "output": {"format": output_format},
        "params": dict(params or {}),
    }
    if selection.get("sourceTimecode"):
        request["source"]["timecode"] = selection["sourceTimecode"]
    placement = selection.get("placement")
    if placement:
        request["placement"] = {"host": "script", "track": int(placement["track"]), "start": int(placement["start"]),
                                "sequenceFps": dict(placement["sequenceFps"])}
    if prompt:
        request["prompt"] = prompt
    if mask_path:
        request["mask"] = {"kind": "file", "path": mask_path}
    return request


def load_settings(script_dir=None, env=None):
    """Bridge URL and token: environment first, then the JSON the installer wrote beside the script."""
    env = os.environ if env is None else env
    settings = {"url": DEFAULT_URL, "token": None}
    if script_dir:
        path = os.path.join(script_dir, SETTINGS_FILE)
        if os.path.isfile(path):
            try:
                with open(path, "r", encoding="utf-8") as fh:
                    data = json.load(fh)
                settings["url"] = data.get("url") or settings["url"]
                token_file = data.get("tokenFile")
                if token_file and os.path.isfile(token_file):
                    with open(token_file, "r", encoding="utf-8") as fh:
                        settings["token"] = fh.read().strip() or None
            except (OSError, ValueError):
                pass
    if env.get("SYNTHETIC_STUDIO_URL"):
        settings["url"] = env["SYNTHETIC_STUDIO_URL"]
    if env.get("SYNTHETIC_STUDIO_TOKEN"):
        settings["token"] = env["SYNTHETIC_STUDIO_TOKEN"]
    settings["url"] = settings["url"].rstrip("/")
    return settings


class BridgeClient(object):
    """POST /api/jobs, GET /api/jobs/:id, DELETE /api/jobs/:id, GET /api/health."""

    def __init__(self, url, token=None, timeout=10.0, urlopen=None):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._urlopen = urlopen or urllib.request.urlopen

    def _request(self, method, path, body=None, auth=True):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if auth and self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with self._urlopen(req, timeout=self.timeout) as res:
                text = res.read().decode("utf-8")
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            try:
                err = json.loads(e.read().decode("utf-8")).get("error", {})
            except (ValueError, AttributeError):
                err = {}
            raise StudioScriptError(err.get("code", "E_INTERNAL"), err.get("message", "The bridge answered HTTP %d." % e.code))
        except (urllib.error.URLError, OSError) as e:
            raise StudioScriptError("E_BRIDGE_OFFLINE", "The Synthetic Studio bridge is not running at %s (start it with "
                                    "`npx synthetic-studio serve`): %s" % (self.url, getattr(e, "reason", e)))

    def health(self):
        return self._request("GET", "/api/health", auth=False)

    def submit(self, request):
        reply = self._request("POST", "/api/jobs", request)
        return reply["job"], reply.get("position", 0)

    def get(self, job_id):
        return self._request("GET", "/api/jobs/" + urllib.parse.quote(job_id, safe=""))

    def cancel(self, job_id):
        return self._request("DELETE", "/api/jobs/" + urllib.parse.quote(job_id, safe=""))


def progress_fraction(record):
    """0..1 progress of a job record (1 when succeeded)."""
    if record.get("state") == "succeeded":
        return 1.0
    p = record.get("progress") or {}
    total = float(p.get("total") or 0)
    return max(0.0, min(1.0, float(p.get("done") or 0) / total)) if total > 0 else 0.0


def progress_text(record):
    state = record.get("state", "?")
    p = record.get("progress") or {}
    text = "%s %d%%" % (state, int(round(progress_fraction(record) * 100)))
    if p.get("phase") and state == "running":
        text += " (%s)" % p["phase"]
    if p.get("eta") is not None and state == "running":
        text += ", %ds left" % int(round(p["eta"]))
    return text


class JobWatcher(object):
    """Polls one job a step at a time (a UI timer calls step()); sends a cancel at most once."""

    def __init__(self, client, job_id):
        self.client = client
        self.job_id = job_id
        self.record = None
        self.cancel_requested = False
        self._cancel_sent = False

    def request_cancel(self):
        self.cancel_requested = True

    @property
    def done(self):
        return bool(self.record) and self.record.get("state") in FINAL_STATES

    def step(self):
        self.record = self.client.get(self.job_id)
        if not self.done and self.cancel_requested and not self._cancel_sent:
            self.client.cancel(self.job_id)
            self._cancel_sent = True
        return self.record


def poll_job(client, job_id, on_progress=None, interval=0.5, timeout=None, should_cancel=None, sleep=time.sleep, clock=time.time):
    """Poll GET /api/jobs/:id until a final state; cancel (DELETE) when should_cancel() says so."""
    started = clock()
    watcher = JobWatcher(client, job_id)
    while True:
        if should_cancel and should_cancel():
            watcher.request_cancel()
        record = watcher.step()
        if on_progress:
            on_progress(record)
        if watcher.done:
            return record
        if timeout is not None and clock() - started > timeout:
            raise StudioScriptError("E_BUSY", "The job did not finish within %d s; it keeps running in the bridge." % timeout)
        sleep(interval)


def import_item_for(output, listdir=os.listdir):
    """What ImportMedia takes for one output: a movie path or {FilePath, StartIndex, EndIndex}."""
    kind = output.get("kind")
    if kind == "movie":
        return output["path"]
    if kind != "sequence":
        return None
    groups = {}
    for name in listdir(output["path"]):
        stem, ext = os.path.splitext(name)
        digits = len(stem) - len(stem.rstrip("0123456789"))
        if digits == 0 or not ext:
            continue
        key = (stem[:-digits], digits, ext)
        groups.setdefault(key, []).append(int(stem[-digits:]))
    if not groups:
        return None
    (prefix, digits, ext), indices = max(groups.items(), key=lambda kv: len(kv[1]))
    return {"FilePath": os.path.join(output["path"], "%s%%0%dd%s" % (prefix, digits, ext)),
            "StartIndex": min(indices), "EndIndex": max(indices)}


# ---------------------------------------------------------------------------------------------
# Resolve side (same rules as the Workflow Integration plugin's main process)
# ---------------------------------------------------------------------------------------------

def has_method(obj, name):
    # hasattr() on Resolve objects fabricates callables (pitfall 28): ask dir().
    try:
        return name in dir(obj)
    except Exception:
        return False


def _timeline_context(resolve):
    pm = resolve.GetProjectManager()
    project = pm.GetCurrentProject() if pm else None
    if not project:
        raise StudioScriptError("E_HOST_UNAVAILABLE", "No project is open in Resolve.")
    timeline = project.GetCurrentTimeline()
    if not timeline:
        raise StudioScriptError("E_HOST_UNAVAILABLE", "No timeline is open: open one on the Edit page.")
    rate = parse_resolve_rate(timeline.GetSetting("timelineFrameRate"), timeline.GetSetting("timelineDropFrameTimecode"))
    if rate is None:
        raise StudioScriptError("E_HOST_UNAVAILABLE", "Cannot read the timeline frame rate.")
    return project, timeline, (rate[0], rate[1]), rate[2]


def _video_track(item):
    tt = item.GetTrackTypeAndIndex()
    if not tt or tt[0] != "video":
        return None
    return int(tt[1])


def find_target_item(timeline, tl_rate, drop, fallback_track=None):
    """The selected video item, else the clip under the playhead on fallback_track, else the current video item."""
    if has_method(timeline, "GetSelectedClips"):
        found = []
        for item in timeline.GetSelectedClips() or []:
            track = _video_track(item)
            if track is not None:
                found.append((track, int(item.GetStart()), item))
        if found:
            found.sort(key=lambda t: (t[0], t[1]))
            return found[0][2], found[0][0]
    if fallback_track:
        tc = timeline.GetCurrentTimecode()
        if not tc:
            raise StudioScriptError("E_HOST_REFUSED", "Resolve reports the playhead only on the Cut, Edit, Color, Fairlight and Deliver pages.")
        frame = int(timeline.GetStartFrame()) + timecode_to_frames(tc, tl_rate, drop) - timecode_to_frames(timeline.GetStartTimecode(), tl_rate, drop)
        for item in timeline.GetItemListInTrack("video", fallback_track) or []:
            if int(item.GetStart()) <= frame < int(item.GetEnd()):
                return item, fallback_track
        raise StudioScriptError("E_HOST_REFUSED", "No clip under the playhead on V%d." % fallback_track)
    item = timeline.GetCurrentVideoItem()
    if item and _video_track(item) is not None:
        return item, _video_track(item)
    raise StudioScriptError("E_HOST_REFUSED", "Select a video clip on the timeline (or put the playhead over it).")


def read_selection(resolve, fallback_track=None):
    """The selection as the same plain data the panel uses (HostSelection)."""
    project, timeline, tl_rate, drop = _timeline_context(resolve)
    item, track = find_target_item(timeline, tl_rate, drop, fallback_track)
    mpi = item.GetMediaPoolItem()
    if not mpi:
        raise StudioScriptError("E_HOST_REFUSED", "This clip has no media (generator or title).")
    props = mpi.GetClipProperty() or {}
    path = str(props.get("File Path") or "").strip()
    if not path:
        raise StudioScriptError("E_HOST_REFUSED", "This clip has no single source file (compound or multicam clip).")
    parsed = parse_resolve_rate(props.get("FPS"), props.get("Drop frame"))
    if parsed is None:
        raise StudioScriptError("E_HOST_REFUSED", "Cannot read the clip's frame rate.")
    src_rate, src_drop = (parsed[0], parsed[1]), parsed[2]
    start_tc = str(props.get("Start TC") or "").strip()
    tc_frames = timecode_to_frames(start_tc, src_rate, src_drop) if start_tc else 0
    readers = {
        "left_offset": item.GetLeftOffset(), "duration": item.GetDuration(),
        "source_start_frame": item.GetSourceStartFrame(), "source_end_frame": item.GetSourceEndFrame(),
        "source_start_time": item.GetSourceStartTime(), "source_end_time": item.GetSourceEndTime(),
    }
    src_in, src_out = source_range(readers, tl_rate, src_rate, tc_frames)
    res = str(props.get("Resolution") or "").lower().replace(" ", "").split("x")
    width, height = (int(res[0]), int(res[1])) if len(res) == 2 and res[0].isdigit() and res[1].isdigit() else (0, 0)
    selection = {
        "mediaPath": path, "sourceIn": src_in, "sourceOut": src_out,
        "sourceFps": {"num": src_rate[0], "den": src_rate[1]},
        "frameWidth": width, "frameHeight": height,
        "placement": {"track": track, "trackBase": 1, "start": int(item.GetStart()),
                      "sequenceFps": {"num": tl_rate[0], "den": tl_rate[1]}},
        "clipName": str(item.GetName() or ""),
    }
    if start_tc:
        selection["sourceTimecode"] = start_tc
    return selection


def _bin(media_pool, name):
    root = media_pool.GetRootFolder()
    for folder in root.GetSubFolderList() or []:
        if folder.GetName() == name:
            return folder
    return media_pool.AddSubFolder(root, name)


def import_and_place(resolve, outputs, selection=None, place=True):
    """Import outputs into the bin (restoring the current folder), then place the first above the source."""
    report = {"imported": [], "placed": None, "warnings": []}
    project, timeline, tl_rate, _drop = _timeline_context(resolve)
    mp = project.GetMediaPool()
    media = [(o, import_item_for(o)) for o in outputs]
    media = [(o, it) for o, it in media if it]
    if not media:
        report["warnings"].append("The job produced nothing Resolve can import.")
        return report
    folder = _bin(mp, BIN_NAME)
    previous = mp.GetCurrentFolder()
    items = []
    try:
        mp.SetCurrentFolder(folder)  # ImportMedia always targets the current folder
        for output, item in media:
            got = mp.ImportMedia([item]) or []
            items.append(got[0] if got else None)
            if got:
                report["imported"].append(output["path"])
            else:
                report["warnings"].append("Resolve did not import %s." % output["path"])
    finally:
        if previous:
            mp.SetCurrentFolder(previous)
    if not place or not selection or not selection.get("placement"):
        return report
    index = next((i for i, it in enumerate(items) if it), None)
    if index is None:
        return report
    output, mpi = media[index][0], items[index]
    frames = int(output["frames"])
    media_rate = (output["fps"]["num"], output["fps"]["den"])
    expected = expected_duration(frames, media_rate, tl_rate)
    record = record_frame_for(selection, output)
    count = int(timeline.GetTrackCount("video"))
    track = None
    for t in range(int(selection["placement"]["track"]) + 1, count + 1):
        if all(not (int(i.GetStart()) < record + expected and record < int(i.GetEnd())) for i in timeline.GetItemListInTrack("video", t) or []):
            track = t
            break
    if track is None:
        timeline.AddTrack("video")
        track = int(timeline.GetTrackCount("video"))
    mp.AppendToTimeline([{"mediaPoolItem": mpi, "startFrame": 0, "endFrame": frames, "mediaType": 1,
                          "trackIndex": track, "recordFrame": record}])
    want = mpi.GetUniqueId()
    for it in timeline.GetItemListInTrack("video", track) or []:
        placed_mpi = it.GetMediaPoolItem()
        if int(it.GetStart()) == record and placed_mpi and placed_mpi.GetUniqueId() == want:
            report["placed"] = {"track": track, "start": record, "duration": int(it.GetDuration())}
            if abs(int(it.GetDuration()) - expected) > (0 if same_rate(media_rate, tl_rate) else 1):
                report["warnings"].append("The placed result is %d frames instead of %d." % (int(it.GetDuration()), expected))
            break
    else:
        report["warnings"].append("Resolve did not place the result on V%d; it is in the Media Pool." % track)
    return report


# ---------------------------------------------------------------------------------------------
# UI: UIManager window when available, console otherwise
# ---------------------------------------------------------------------------------------------

def _get_resolve():
    g = globals()
    if g.get("resolve"):
        return g["resolve"]
    bmd = g.get("bmd")
    if bmd is not None:
        return bmd.scriptapp("Resolve")
    try:
        import DaVinciResolveScript as dvr  # noqa: external scripting
        return dvr.scriptapp("Resolve")
    except ImportError:
        return None


def _run_job(client, request, on_progress, should_cancel=None):
    job, _position = client.submit(request)
    record = poll_job(client, job["id"], on_progress=on_progress, should_cancel=should_cancel)
    if record["state"] != "succeeded":
        err = record.get("error") or {}
        raise StudioScriptError(err.get("code", "E_INTERNAL"), err.get("message", "The job %s." % record["state"]))
    return record


def run_console(resolve, settings, task="copy", prompt=None):
    client = BridgeClient(settings["url"], settings["token"])
    selection = read_selection(resolve)
    print("Synthetic Studio: %s [%d, %d) -> %s" % (selection["clipName"], selection["sourceIn"], selection["sourceOut"], task))
    record = _run_job(client, build_job_request(selection, task, prompt), lambda r: print("  " + progress_text(r)), None)
    report = import_and_place(resolve, record.get("outputs", []), selection)
    print("Imported: %s" % ", ".join(report["imported"]))
    for w in report["warnings"]:
        print("Note: " + w)


def run_window(resolve, fusion, bmd, settings):
    ui = fusion.UIManager
    disp = bmd.UIDispatcher(ui)
    win = disp.AddWindow({"ID": "SyntheticStudio", "WindowTitle": "Synthetic Studio", "Geometry": [200, 200, 420, 230]}, [
        ui.VGroup([
            ui.HGroup([ui.Label({"Text": "Task"}), ui.ComboBox({"ID": "Task"})]),
            ui.HGroup([ui.Label({"Text": "Prompt"}), ui.LineEdit({"ID": "Prompt"})]),
            ui.HGroup([ui.Label({"Text": "Mask file"}), ui.LineEdit({"ID": "Mask", "PlaceholderText": "PNG or folder (inpaint)"})]),
            ui.Label({"ID": "Status", "Text": "Select a clip, then Generate.", "WordWrap": True}),
            ui.HGroup([ui.Button({"ID": "Generate", "Text": "Generate"}), ui.Button({"ID": "Cancel", "Text": "Cancel"}), ui.Button({"ID": "Close", "Text": "Close"})]),
        ]),
    ])
    items = win.GetItems()
    for t in TASKS:
        items["Task"].AddItem(t)
    client = BridgeClient(settings["url"], settings["token"])
    state = {"watcher": None, "selection": None}
    # A UI timer polls without blocking RunLoop; without one (unverified on some builds) the
    # Generate handler polls in place, which blocks the window until the job ends.
    try:
        timer = ui.Timer({"ID": "Poll", "Interval": 500, "SingleShot": False})
    except Exception:
        timer = None

    def status(text):
        items["Status"].Text = text

    def finish(record):
        if record["state"] != "succeeded":
            err = record.get("error") or {}
            status("%s: %s" % (err.get("code", record["state"]), err.get("message", "The job %s." % record["state"])))
            return
        report = import_and_place(resolve, record.get("outputs", []), state["selection"])
        status("Done: imported %d file(s)%s. %s" % (len(report["imported"]), " and placed on V%d" % report["placed"]["track"] if report["placed"] else "", " ".join(report["warnings"])))

    def on_poll(_ev):
        watcher = state["watcher"]
        if watcher is None:
            return
        try:
            record = watcher.step()
            status(progress_text(record))
            if watcher.done:
                timer.Stop()
                state["watcher"] = None
                finish(record)
        except StudioScriptError as e:
            timer.Stop()
            state["watcher"] = None
            status("%s: %s" % (e.code, e.message))

    def on_generate(_ev):
        if state["watcher"] is not None:
            return
        try:
            selection = read_selection(resolve)
            task = TASKS[int(items["Task"].CurrentIndex)]
            request = build_job_request(selection, task, items["Prompt"].Text or None, mask_path=items["Mask"].Text or None)
            job, position = client.submit(request)
            state["selection"] = selection
            state["watcher"] = JobWatcher(client, job["id"])
            status("queued (position %d)" % position)
            if timer is not None:
                timer.Start()
            else:
                watcher = state["watcher"]
                record = poll_job(client, job["id"], on_progress=lambda r: status(progress_text(r)), should_cancel=lambda: watcher.cancel_requested)
                state["watcher"] = None
                finish(record)
        except StudioScriptError as e:
            state["watcher"] = None
            status("%s: %s" % (e.code, e.message))

    def on_cancel(_ev):
        if state["watcher"] is not None:
            state["watcher"].request_cancel()
            status("cancelling…")

    def on_close(_ev):
        disp.ExitLoop()

    win.On.Generate.Clicked = on_generate
    win.On.Cancel.Clicked = on_cancel
    win.On.Close.Clicked = on_close
    win.On.SyntheticStudio.Close = on_close
    if timer is not None:
        disp.On.Poll.Timeout = on_poll
    win.Show()
    disp.RunLoop()
    win.Hide()


def main():
    resolve = _get_resolve()
    if resolve is None:
        print("Synthetic Studio: run this from DaVinci Resolve (Workspace -> Scripts).")
        return 1
    here = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else None
    settings = load_settings(here)
    g = globals()
    fusion = g.get("fusion") or g.get("fu") or (resolve.Fusion() if has_method(resolve, "Fusion") else None)
    bmd = g.get("bmd")
    try:
        if fusion is not None and bmd is not None and getattr(fusion, "UIManager", None) is not None:
            run_window(resolve, fusion, bmd, settings)
        else:
            run_console(resolve, settings)
    except StudioScriptError as e:
        print("Synthetic Studio: %s: %s" % (e.code, e.message))
        return 1
    return 0


if __name__ == "__main__":
    main()
