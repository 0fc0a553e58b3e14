"""Unit tests of the free-edition script's pure logic, plus its HTTP client against a real bridge.

Run from `npm test` (plugin-resolve/test/python/python-script.test.ts starts a bridge and sets
SYNTHETIC_STUDIO_TEST_URL / _TOKEN / _CLIP); the bridge tests skip when those are absent.
"""
import importlib.util
import json
import os
import shutil
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.environ.get("SYNTHETIC_STUDIO_SCRIPT") or os.path.join(HERE, "..", "..", "scripts", "Synthetic Studio.py")
spec = importlib.util.spec_from_file_location("synthetic_studio_script", SCRIPT)
ss = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ss)

BRIDGE_URL = os.environ.get("SYNTHETIC_STUDIO_TEST_URL")
BRIDGE_TOKEN = os.environ.get("SYNTHETIC_STUDIO_TEST_TOKEN")
CLIP = os.environ.get("SYNTHETIC_STUDIO_TEST_CLIP")


def readers(left, duration, start, end, start_time, end_time):
    return {"left_offset": left, "duration": duration, "source_start_frame": start, "source_end_frame": end,
            "source_start_time": start_time, "source_end_time": end_time}


class RateTests(unittest.TestCase):
    def test_numbers_and_strings_become_rationals(self):
        self.assertEqual(ss.rate_from_number(24.0), (24, 1))
        self.assertEqual(ss.rate_from_number("25"), (25, 1))
        self.assertEqual(ss.rate_from_number("23.976"), (24000, 1001))
        self.assertEqual(ss.rate_from_number(29.97), (30000, 1001))
        self.assertEqual(ss.rate_from_number(59.94), (60000, 1001))
        self.assertEqual(ss.rate_from_number("12.5"), (25, 2))
        self.assertIsNone(ss.rate_from_number("fast"))
        self.assertIsNone(ss.rate_from_number(0))

    def test_timeline_rate_strings_and_drop_frame(self):
        self.assertEqual(ss.parse_resolve_rate("29.97 DF"), (30000, 1001, True))
        self.assertEqual(ss.parse_resolve_rate("29.97"), (30000, 1001, False))
        self.assertEqual(ss.parse_resolve_rate("29.97", "1"), (30000, 1001, True))
        self.assertEqual(ss.parse_resolve_rate("59.94 NDF", "1"), (60000, 1001, False))
        self.assertEqual(ss.parse_resolve_rate("30 DF"), (30, 1, False))  # DF only exists at 29.97/59.94
        self.assertIsNone(ss.parse_resolve_rate(""))

    def test_timecode_is_drop_frame_aware(self):
        self.assertEqual(ss.timecode_to_frames("01:00:00:00", (24, 1), False), 86400)
        self.assertEqual(ss.timecode_to_frames("01:00:00:00", (25, 1), False), 90000)
        self.assertEqual(ss.timecode_to_frames("01:00:00:00", (30000, 1001), False), 108000)
        self.assertEqual(ss.timecode_to_frames("01:00:00;00", (30000, 1001), True), 107892)
        self.assertEqual(ss.timecode_to_frames("00:01:00;02", (30000, 1001), True), 1800)
        self.assertEqual(ss.timecode_to_frames("00:10:00;00", (30000, 1001), True), 17982)
        self.assertEqual(ss.timecode_to_frames("00:01:00;04", (60000, 1001), True), 3600)
        with self.assertRaises(ValueError):
            ss.timecode_to_frames("1 hour", (24, 1), False)

    def test_convert_frames_between_rates(self):
        self.assertEqual(ss.convert_frames(40, (25, 1), (50, 1)), 80)
        self.assertEqual(ss.convert_frames(48, (24, 1), (24, 1)), 48)
        self.assertEqual(ss.expected_duration(21, (50, 1), (25, 1)), 10)


class SourceRangeTests(unittest.TestCase):
    def test_matching_rates(self):
        r = readers(24, 48, 24, 72, 1.0, 3.0)
        self.assertEqual(ss.source_range(r, (24, 1), (24, 1)), (24, 72))

    def test_one_off_source_start_frame_is_outvoted(self):
        r = readers(24, 48, 25, 73, 1.0, 3.0)
        self.assertEqual(ss.source_range(r, (24, 1), (24, 1)), (24, 72))

    def test_timecode_absolute_seconds(self):
        tc = ss.timecode_to_frames("14:22:10:05", (24, 1), False)
        r = readers(24, 48, 24, 72, (24 + tc) / 24.0, (72 + tc) / 24.0)
        self.assertEqual(ss.source_range(r, (24, 1), (24, 1), tc), (24, 72))

    def test_50p_source_on_25p_timeline_end_inclusive(self):
        r = readers(40, 20, 80, 119, 80 / 50.0, 120 / 50.0)
        self.assertEqual(ss.source_range(r, (25, 1), (50, 1)), (80, 120))

    def test_drop_frame_source(self):
        rate = (30000, 1001)
        r = readers(120, 90, 120, 210, 120 * 1001 / 30000.0, 210 * 1001 / 30000.0)
        self.assertEqual(ss.source_range(r, rate, rate), (120, 210))

    def test_retimed_clip_is_refused(self):
        r = readers(10, 25, 10, 60, 10 / 25.0, 60 / 25.0)
        with self.assertRaises(ss.StudioScriptError) as cm:
            ss.source_range(r, (25, 1), (25, 1))
        self.assertIn("speed", cm.exception.message)

    def test_irreconcilable_readers_are_refused(self):
        r = readers(3, 48, 31, 79, 4.125, 6.125)
        with self.assertRaises(ss.StudioScriptError) as cm:
            ss.source_range(r, (24, 1), (24, 1))
        self.assertEqual(cm.exception.code, "E_RANGE")


SELECTION = {
    "mediaPath": "/Volumes/Media/Interview A.mov", "sourceIn": 24, "sourceOut": 72,
    "sourceFps": {"num": 24, "den": 1}, "sourceTimecode": "14:22:10:05", "frameWidth": 1920, "frameHeight": 1080,
    "placement": {"track": 1, "trackBase": 1, "start": 86400, "sequenceFps": {"num": 24, "den": 1}},
    "clipName": "Interview A.mov",
}


class RequestTests(unittest.TestCase):
    def test_build_job_request(self):
        req = ss.build_job_request(SELECTION, "relight", prompt="golden hour", params={"strength": 0.5})
        self.assertEqual(req["task"], "relight")
        self.assertEqual(req["source"], {"path": "/Volumes/Media/Interview A.mov", "in": 24, "out": 72,
                                         "fps": {"num": 24, "den": 1}, "timecode": "14:22:10:05"})
        self.assertEqual(req["placement"], {"host": "script", "track": 1, "start": 86400, "sequenceFps": {"num": 24, "den": 1}})
        self.assertEqual(req["prompt"], "golden hour")
        self.assertEqual(req["params"], {"strength": 0.5})
        self.assertNotIn("mask", req)
        self.assertEqual(ss.build_job_request(SELECTION, "inpaint", mask_path="/m.png")["mask"], {"kind": "file", "path": "/m.png"})
        with self.assertRaises(ss.StudioScriptError):
            ss.build_job_request(SELECTION, "teleport")

    def test_record_frame_shifts_extend_results(self):
        self.assertEqual(ss.record_frame_for(SELECTION, {"firstFrame": 24}), 86400)
        self.assertEqual(ss.record_frame_for(SELECTION, {"firstFrame": 72}), 86448)
        self.assertEqual(ss.record_frame_for(SELECTION, {}), 86400)

    def test_settings_from_installer_json_and_env(self):
        d = tempfile.mkdtemp()
        try:
            with open(os.path.join(d, "token"), "w") as fh:
                fh.write("abc123\n")
            with open(os.path.join(d, ss.SETTINGS_FILE), "w") as fh:
                json.dump({"url": "http://127.0.0.1:9999/", "tokenFile": os.path.join(d, "token")}, fh)
            self.assertEqual(ss.load_settings(d, {}), {"url": "http://127.0.0.1:9999", "token": "abc123"})
            self.assertEqual(ss.load_settings(d, {"SYNTHETIC_STUDIO_TOKEN": "t2"})["token"], "t2")
            self.assertEqual(ss.load_settings(None, {}), {"url": ss.DEFAULT_URL, "token": None})
        finally:
            shutil.rmtree(d)

    def test_import_item_for_sequences_and_movies(self):
        d = tempfile.mkdtemp()
        try:
            for i in range(24, 30):
                open(os.path.join(d, "A_copy_%06d.png" % i), "w").close()
            open(os.path.join(d, "A_copy.json"), "w").close()
            self.assertEqual(ss.import_item_for({"kind": "sequence", "path": d}),
                             {"FilePath": os.path.join(d, "A_copy_%06d.png"), "StartIndex": 24, "EndIndex": 29})
            self.assertEqual(ss.import_item_for({"kind": "movie", "path": "/x.mov"}), "/x.mov")
            self.assertIsNone(ss.import_item_for({"kind": "sidecar", "path": "/x.json"}))
        finally:
            shutil.rmtree(d)


class FakeClient(object):
    def __init__(self, states):
        self.states = list(states)
        self.cancelled = 0

    def get(self, job_id):
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return {"id": job_id, "state": state, "progress": {"phase": "copy", "done": 1, "total": 4}}

    def cancel(self, job_id):
        self.cancelled += 1


class PollTests(unittest.TestCase):
    def test_polls_until_final_and_reports_progress(self):
        seen = []
        rec = ss.poll_job(FakeClient(["queued", "running", "running", "succeeded"]), "j1", on_progress=lambda r: seen.append(r["state"]), sleep=lambda s: None)
        self.assertEqual(rec["state"], "succeeded")
        self.assertEqual(seen, ["queued", "running", "running", "succeeded"])
        self.assertEqual(ss.progress_text({"state": "running", "progress": {"phase": "flow", "done": 1, "total": 4, "eta": 3}}), "running 25% (flow), 3s left")

    def test_cancel_is_sent_once(self):
        client = FakeClient(["running", "running", "running", "cancelled"])
        rec = ss.poll_job(client, "j1", should_cancel=lambda: True, sleep=lambda s: None)
        self.assertEqual((rec["state"], client.cancelled), ("cancelled", 1))

    def test_job_watcher_steps_for_a_ui_timer(self):
        client = FakeClient(["queued", "running", "cancelled"])
        w = ss.JobWatcher(client, "j1")
        self.assertEqual(w.step()["state"], "queued")
        self.assertFalse(w.done)
        w.request_cancel()
        self.assertEqual(w.step()["state"], "running")
        self.assertEqual(client.cancelled, 1)
        self.assertEqual(w.step()["state"], "cancelled")
        self.assertTrue(w.done)
        self.assertEqual(client.cancelled, 1)

    def test_timeout(self):
        t = [0.0]

        def clock():
            t[0] += 10
            return t[0]
        with self.assertRaises(ss.StudioScriptError):
            ss.poll_job(FakeClient(["running"]), "j1", timeout=25, sleep=lambda s: None, clock=clock)


@unittest.skipUnless(BRIDGE_URL, "no bridge (run through npm test)")
class BridgeTests(unittest.TestCase):
    def setUp(self):
        self.client = ss.BridgeClient(BRIDGE_URL, BRIDGE_TOKEN)
        self.out = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.out, ignore_errors=True)

    def test_health_needs_no_token(self):
        self.assertTrue(ss.BridgeClient(BRIDGE_URL).health()["ok"])

    def test_wrong_token_and_offline_bridge_give_coded_errors(self):
        with self.assertRaises(ss.StudioScriptError) as cm:
            ss.BridgeClient(BRIDGE_URL, "wrong" * 8).get("nope")
        self.assertIn(cm.exception.code, ("E_AUTH_INVALID", "E_AUTH_REQUIRED"))
        with self.assertRaises(ss.StudioScriptError) as cm:
            ss.BridgeClient("http://127.0.0.1:9", None, timeout=2).health()
        self.assertEqual(cm.exception.code, "E_BRIDGE_OFFLINE")

    def test_the_bridge_rejects_a_bad_request_with_a_code(self):
        req = ss.build_job_request(dict(SELECTION, mediaPath=os.path.join(self.out, "missing.mov")), "copy")
        try:
            job, _ = self.client.submit(req)
        except ss.StudioScriptError as e:
            self.assertTrue(e.code.startswith("E_"))
            return
        rec = ss.poll_job(self.client, job["id"], sleep=lambda s: __import__("time").sleep(0.05), timeout=30)
        self.assertEqual(rec["state"], "failed")
        self.assertEqual(rec["error"]["code"], "E_MEDIA_MISSING")

    @unittest.skipUnless(CLIP, "shared clip absent")
    def test_submit_poll_and_cancel_real_jobs(self):
        selection = dict(SELECTION, mediaPath=CLIP, sourceIn=2, sourceOut=6, sourceFps={"num": 8, "den": 1},
                         placement={"track": 1, "trackBase": 1, "start": 86400, "sequenceFps": {"num": 24, "den": 1}})
        selection.pop("sourceTimecode")
        req = ss.build_job_request(selection, "copy", output_format="h264")
        req["output"]["dir"] = self.out
        job, _ = self.client.submit(req)
        # A second job queued behind the first (concurrency 1) is cancelled before it starts.
        second, _ = self.client.submit(req)
        cancelled = ss.poll_job(self.client, second["id"], should_cancel=lambda: True, interval=0.05, timeout=60)
        self.assertEqual(cancelled["state"], "cancelled")
        states = []
        rec = ss.poll_job(self.client, job["id"], on_progress=lambda r: states.append(r["state"]), interval=0.05, timeout=60)
        self.assertEqual(rec["state"], "succeeded", rec.get("error"))
        self.assertEqual(states[-1], "succeeded")
        movie = [o for o in rec["outputs"] if o["kind"] == "movie"][0]
        self.assertEqual(movie["frames"], 4)
        self.assertTrue(os.path.isfile(movie["path"]))
        self.assertEqual(ss.import_item_for(movie), movie["path"])
        self.assertEqual(ss.progress_fraction(rec), 1.0)


if __name__ == "__main__":
    unittest.main()
