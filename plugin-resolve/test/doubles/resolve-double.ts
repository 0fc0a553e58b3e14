// A test double of `WorkflowIntegration.node` and the Resolve object graph, with the behaviours
// of hosts.md 4.2: 1-based tracks, absolute record frames, exclusive AppendToTimeline endFrame
// (inclusive before 19.1), import into the *current* folder, version-gated methods, page gating,
// free-edition refusals with a sticky modal, injectable hangs and append faults.
import { existsSync, readdirSync } from 'node:fs';
import { frameToTimecode, timecodeRate, timecodeToFrame, type Rational } from '@synthetic-studio/shared';
import { convertFrames, parseResolveRate, sameRate } from '../../src/main/frame-rate.js';
import type { ClipInfo, FolderApi, MediaPoolApi, MediaPoolItemApi, ProjectApi, ProjectManagerApi, ResolveApi, TimelineApi, TimelineItemApi, WorkflowIntegrationModule } from '../../src/main/resolve-api.js';

export type Version = [number, number, number, number, string];

export interface MediaFixture {
  id: string;
  name: string;
  path: string;
  /** As GetClipProperty('FPS') returns it: a number in some dumps, a string in others. */
  fps: number | string;
  startTC: string;
  frames: number;
  resolution: string;
  dropFrame?: '0' | '1';
}

export interface ItemFixture {
  media: string | null;
  name?: string;
  /** Absolute record frame. */
  start: number;
  /** Timeline frames. */
  duration: number;
  /** Frames before the in point, in timeline frames (as GetLeftOffset reports). */
  leftOffset: number;
  /** Retime: source frames consumed per timeline frame. */
  speed?: number;
}

export interface TimelineFixture {
  name: string;
  /** GetSetting('timelineFrameRate') as Resolve returns it. */
  frameRate: string;
  dropFrameSetting?: '0' | '1';
  startFrame: number;
  startTimecode: string;
  width: number;
  height: number;
  /** video[i] = items on track V(i+1). */
  video: ItemFixture[][];
  /** Absolute playhead frame. */
  playhead: number;
  /** [track (1-based), index in that track] of selected items. */
  selected?: Array<[number, number]>;
}

export interface ResolveFixture {
  name: string;
  media: MediaFixture[];
  timeline: TimelineFixture;
  /** Media Pool sub-folders that exist already. */
  bins?: string[];
}

export interface DoubleOptions {
  version?: Version;
  studio?: boolean;
  page?: string;
  /** The manifest <Id> Resolve loaded; Initialize fails for any other id. */
  manifestId: string;
  /** Initialize fails ("Failed to open IPC") unless Resolve launched the plugin. */
  launchedByResolve?: boolean;
  quirks?: {
    /** GetSourceStartFrame one higher than the real in point (reported on some builds). */
    sourceStartOffByOne?: boolean;
    /** GetSourceStartTime/EndTime count from the media's start timecode. */
    timecodeAbsoluteSourceTime?: boolean;
    /** Override the version rule for AppendToTimeline's endFrame. */
    endFrameInclusive?: boolean;
    /** An inclusive endFrame at the media's end yields one frame more instead of being clamped. */
    appendPastMediaEnd?: boolean;
  };
  /** Media info for files ImportMedia is given (Resolve would read it from the file). */
  probe?: (path: string) => { fps: number | string; frames: number; resolution: string; startTC?: string } | null;
}

const PLAYHEAD_PAGES = new Set(['cut', 'edit', 'color', 'fairlight', 'deliver']);
/** Calls Blackmagic lists under "Studio and AI Scripting APIs" (a sample). */
const STUDIO_ONLY = new Set(['CreateMagicMask', 'SmartReframe', 'CreateStereoClip', 'ConvertTimelineToStereo']);

const atLeast = (v: Version, ma: number, mi = 0, pa = 0) => (v[0] !== ma ? v[0] > ma : v[1] !== mi ? v[1] > mi : v[2] >= pa);

let nextId = 1;
const uid = (prefix: string) => `${prefix}-${(nextId++).toString(16).padStart(6, '0')}`;

abstract class Obj {
  readonly id = uid(this.constructor.name);
  constructor(readonly d: ResolveDouble) {}
  /** Whether this build has the method (version gates). */
  has(_name: string): boolean {
    return true;
  }
}

export class MediaPoolItemD extends Obj implements MediaPoolItemApi {
  constructor(d: ResolveDouble, readonly info: MediaFixture) {
    super(d);
  }
  get fps(): Rational {
    return parseResolveRate(this.info.fps)!.fps;
  }
  GetName() { return this.info.name; }
  GetUniqueId() { return this.id; }
  GetMediaId() { return `media-${this.info.id}`; }
  GetClipProperty(key?: string) {
    const props: Record<string, string | number> = {
      'File Path': this.info.path,
      FPS: this.info.fps,
      'Start TC': this.info.startTC,
      Frames: String(this.info.frames),
      Resolution: this.info.resolution,
      'Drop frame': this.info.dropFrame ?? '0',
      Type: 'Video',
      'Clip Name': this.info.name,
    };
    if (key === undefined) return { ...props };
    return props[key] ?? ''; // unknown keys give a trivial value, not an error
  }
  GetMarkInOut() { return {}; }
}

export class FolderD extends Obj implements FolderApi {
  readonly clips: MediaPoolItemD[] = [];
  readonly folders: FolderD[] = [];
  constructor(d: ResolveDouble, readonly name: string) {
    super(d);
  }
  GetName() { return this.name; }
  GetUniqueId() { return this.id; }
  GetClipList() { return [...this.clips]; }
  GetSubFolderList() { return [...this.folders]; }
}

export class TimelineItemD extends Obj implements TimelineItemApi {
  constructor(
    d: ResolveDouble,
    readonly timeline: TimelineD,
    readonly media: MediaPoolItemD | null,
    public start: number,
    public duration: number,
    public leftOffset: number,
    readonly speed = 1,
    readonly name = media?.info.name ?? 'Generator',
  ) {
    super(d);
  }
  get track(): number {
    return this.timeline.video.findIndex((t) => t.includes(this)) + 1;
  }
  private src() {
    const tl = this.timeline.fps;
    const fps = this.media ? this.media.fps : tl;
    const startIn = convertFrames(this.leftOffset, tl, fps);
    const length = convertFrames(Math.round(this.duration * this.speed), tl, fps);
    const tcFrames = this.media && this.d.options.quirks?.timecodeAbsoluteSourceTime ? timecodeToFrame(this.media.info.startTC, timecodeRate(fps, false)) : 0;
    return { tl, fps, startIn, length, tcFrames };
  }
  GetName() { return this.name; }
  GetUniqueId() { return this.id; }
  GetStart() { return this.start; }
  GetEnd() { return this.start + this.duration; }
  GetDuration() { return this.duration; }
  GetLeftOffset() { return this.leftOffset; }
  GetRightOffset() {
    if (!this.media) return 0;
    return convertFrames(this.media.info.frames, this.media.fps, this.timeline.fps) - this.leftOffset - this.duration;
  }
  GetSourceStartFrame() {
    return this.src().startIn + (this.d.options.quirks?.sourceStartOffByOne ? 1 : 0);
  }
  GetSourceEndFrame() {
    const s = this.src();
    // Exclusive when the rates match, inclusive when they differ (pitfall 6).
    return s.startIn + s.length - (sameRate(s.tl, s.fps) ? 0 : 1);
  }
  GetSourceStartTime() {
    const s = this.src();
    return ((s.startIn + s.tcFrames) * s.fps.den) / s.fps.num;
  }
  GetSourceEndTime() {
    const s = this.src();
    return ((s.startIn + s.length + s.tcFrames) * s.fps.den) / s.fps.num;
  }
  GetMediaPoolItem() { return this.media; }
  GetTrackTypeAndIndex(): [string, number] { return ['video', this.track]; }
}

export class TimelineD extends Obj implements TimelineApi {
  readonly video: TimelineItemD[][];
  playhead: number;
  selected: TimelineItemD[];
  constructor(d: ResolveDouble, readonly fx: TimelineFixture) {
    super(d);
    this.playhead = fx.playhead;
    this.video = fx.video.map(() => []);
    fx.video.forEach((items, t) => {
      for (const it of items) {
        const media = it.media ? d.mediaById(it.media) : null;
        this.video[t]!.push(new TimelineItemD(d, this, media, it.start, it.duration, it.leftOffset, it.speed ?? 1, it.name));
      }
    });
    this.selected = (fx.selected ?? []).map(([track, i]) => this.video[track - 1]![i]!);
  }
  get rate() {
    return parseResolveRate(this.fx.frameRate, this.fx.dropFrameSetting)!;
  }
  get fps() {
    return this.rate.fps;
  }
  override has(name: string): boolean {
    // Timeline.GetSelectedClips appears in the July 2026 README only (emulated as 21.1+).
    if (name === 'GetSelectedClips') return atLeast(this.d.version, 21, 1);
    return true;
  }
  GetName() { return this.fx.name; }
  GetUniqueId() { return this.id; }
  GetStartFrame() { return this.fx.startFrame; }
  GetEndFrame() {
    return Math.max(this.fx.startFrame, ...this.video.flat().map((i) => i.start + i.duration));
  }
  GetStartTimecode() { return this.fx.startTimecode; }
  GetSetting(key?: string) {
    const all: Record<string, string> = {
      timelineFrameRate: this.fx.frameRate,
      timelineResolutionWidth: String(this.fx.width),
      timelineResolutionHeight: String(this.fx.height),
      ...(this.fx.dropFrameSetting !== undefined ? { timelineDropFrameTimecode: this.fx.dropFrameSetting } : {}),
    };
    if (key === undefined) return all;
    return all[key] ?? '';
  }
  GetTrackCount(type: string) {
    return type === 'video' ? this.video.length : 0;
  }
  AddTrack(type: string, options?: unknown) {
    if (type !== 'video') return false;
    const index = atLeast(this.d.version, 19) && options && typeof options === 'object' ? (options as { index?: number }).index : undefined;
    if (index !== undefined && index >= 1 && index <= this.video.length) this.video.splice(index - 1, 0, []);
    else this.video.push([]);
    this.d.log('AddTrack', { index: index ?? this.video.length });
    return true;
  }
  GetItemListInTrack(type: string, index: number) {
    if (type !== 'video' || index < 1 || index > this.video.length) return [];
    return [...this.video[index - 1]!].sort((a, b) => a.start - b.start);
  }
  GetSelectedClips() { return [...this.selected]; }
  GetCurrentVideoItem() {
    // Emulated rule (unverified on real builds): topmost item under the playhead.
    for (let t = this.video.length; t >= 1; t--) {
      const it = this.video[t - 1]!.find((i) => i.start <= this.playhead && this.playhead < i.start + i.duration);
      if (it) return it;
    }
    return null;
  }
  private tcRate() {
    return timecodeRate(this.fps, this.rate.dropFrame);
  }
  GetCurrentTimecode() {
    if (!PLAYHEAD_PAGES.has(this.d.page)) return '';
    const rate = this.tcRate();
    return frameToTimecode(timecodeToFrame(this.fx.startTimecode, rate) + (this.playhead - this.fx.startFrame), rate);
  }
  SetCurrentTimecode(tc: string) {
    if (!PLAYHEAD_PAGES.has(this.d.page)) return false;
    const rate = this.tcRate();
    this.playhead = this.fx.startFrame + timecodeToFrame(tc, rate) - timecodeToFrame(this.fx.startTimecode, rate);
    return true;
  }
  GetMarkInOut() { return {}; }
  DeleteClips(items: TimelineItemD[]) {
    if (this.d.page === 'fairlight') return false; // needs OpenPage('edit') first
    for (const it of items) for (const track of this.video) {
      const i = track.indexOf(it);
      if (i >= 0) track.splice(i, 1);
    }
    this.d.log('DeleteClips', { count: items.length });
    return true;
  }
}

export class MediaPoolD extends Obj implements MediaPoolApi {
  readonly root: FolderD;
  current: FolderD;
  constructor(d: ResolveDouble, bins: string[]) {
    super(d);
    this.root = new FolderD(d, 'Master');
    for (const b of bins) this.root.folders.push(new FolderD(d, b));
    this.current = this.root;
  }
  GetRootFolder() { return this.root; }
  AddSubFolder(parent: FolderD, name: string) {
    const f = new FolderD(this.d, name);
    parent.folders.push(f);
    this.d.log('AddSubFolder', { name });
    return f;
  }
  GetCurrentFolder() { return this.current; }
  SetCurrentFolder(folder: FolderD) {
    if (!(folder instanceof FolderD)) return false;
    this.current = folder;
    return true;
  }
  ImportMedia(items: Array<string | { FilePath: string; StartIndex: number; EndIndex: number }>) {
    const out: MediaPoolItemD[] = [];
    for (const item of items) {
      const path = typeof item === 'string' ? item : item.FilePath;
      const onDisk = typeof item === 'string' ? existsSync(item) : existsSync(dirnameOf(item.FilePath)) && sequenceExists(item);
      const info = onDisk ? this.d.options.probe?.(path) : null;
      if (!info) continue;
      const frames = typeof item === 'string' ? info.frames : item.EndIndex - item.StartIndex + 1;
      const mpi = new MediaPoolItemD(this.d, { id: uid('imported'), name: path.split(/[\\/]/).pop()!, path, fps: info.fps, startTC: info.startTC ?? '00:00:00:00', frames, resolution: info.resolution });
      this.current.clips.push(mpi); // always the *current* folder
      out.push(mpi);
    }
    this.d.log('ImportMedia', { count: out.length, folder: this.current.name });
    return out;
  }
  AppendToTimeline(infos: ClipInfo[]) {
    const tl = this.d.timeline;
    const v = this.d.version;
    // 21.x rejects the whole batch when any value is fractional.
    if (atLeast(v, 21) && infos.some((i) => [i.startFrame, i.endFrame, i.recordFrame ?? 0, i.trackIndex ?? 1].some((n) => !Number.isInteger(n)))) return null;
    const inclusive = this.d.options.quirks?.endFrameInclusive ?? !atLeast(v, 19, 1);
    const returned: TimelineItemD[] = [];
    for (const info of infos) {
      const media = info.mediaPoolItem;
      if (!(media instanceof MediaPoolItemD)) continue;
      const positioned = atLeast(v, 18, 5);
      const track = positioned ? info.trackIndex ?? 1 : 1;
      if (track < 1 || track > tl.video.length) continue;
      const lane = tl.video[track - 1]!;
      const trackEnd = Math.max(tl.fx.startFrame, ...lane.map((i) => i.start + i.duration));
      const record = positioned && info.recordFrame !== undefined ? info.recordFrame : trackEnd;
      const asked = info.endFrame - info.startFrame + (inclusive ? 1 : 0);
      const mediaFrames = this.d.options.quirks?.appendPastMediaEnd ? asked : Math.min(asked, media.info.frames - info.startFrame);
      // Mixed rates floor the converted length (1-frame gaps reported).
      const duration = sameRate(media.fps, tl.fps) ? mediaFrames : Math.floor((mediaFrames * tl.fps.num * media.fps.den) / (tl.fps.den * media.fps.num));
      const item = new TimelineItemD(this.d, tl, media, record, duration, convertFrames(info.startFrame, media.fps, tl.fps));
      returned.push(item);
      if (this.d.faults.dropAppends > 0) {
        this.d.faults.dropAppends--;
        continue; // returned, never placed
      }
      // An overlapping record loses silently: the earlier item wins.
      if (lane.some((i) => i.start < record + duration && record < i.start + i.duration)) continue;
      lane.push(item);
    }
    this.d.log('AppendToTimeline', { count: returned.length });
    return returned;
  }
  GetSelectedClips() { return []; }
}

function dirnameOf(p: string): string {
  return p.replace(/[\\/][^\\/]*$/, '');
}
function sequenceExists(item: { FilePath: string; StartIndex: number; EndIndex: number }): boolean {
  const dir = dirnameOf(item.FilePath);
  const m = /^(.*)%0(\d+)d(.*)$/.exec(item.FilePath.slice(dir.length + 1));
  if (!m) return false;
  const names = new Set(readdirSync(dir));
  for (let i = item.StartIndex; i <= item.EndIndex; i++) if (!names.has(`${m[1]}${String(i).padStart(Number(m[2]), '0')}${m[3]}`)) return false;
  return true;
}

export class ProjectD extends Obj implements ProjectApi {
  constructor(d: ResolveDouble, readonly mediaPool: MediaPoolD) {
    super(d);
  }
  GetName() { return this.d.fixture.name; }
  GetMediaPool() { return this.mediaPool; }
  GetCurrentTimeline() { return this.d.timelineOpen ? this.d.timeline : null; }
  GetTimelineByIndex(i: number) { return i === 1 ? this.d.timeline : null; }
  GetSetting(key?: string) { return key === undefined ? {} : ''; }
  SaveProject() { return true; }
}

export class ProjectManagerD extends Obj implements ProjectManagerApi {
  GetCurrentProject() { return this.d.projectOpen ? this.d.project : null; }
}

export class ResolveD extends Obj implements ResolveApi {
  GetProjectManager() { return this.d.projectManager; }
  GetProductName() { return this.d.studio ? 'DaVinci Resolve Studio' : 'DaVinci Resolve'; }
  GetVersion() { return [...this.d.version]; }
  GetVersionString() { const v = this.d.version; return `${v[0]}.${v[1]}.${v[2]}${v[4]}.${v[3]}`; }
  GetCurrentPage() { return this.d.page; }
  OpenPage(name: string) { this.d.page = name; return true; }
  // A Studio-gated call, for the free-edition behaviour.
  CreateMagicMask() { return true; }
}

type Flavour = 'classic' | 'promise';

/** The double: build it from a fixture, then hand `module` to the code under test. */
export class ResolveDouble {
  readonly version: Version;
  readonly studio: boolean;
  page: string;
  projectOpen = true;
  timelineOpen = true;
  /** Set when a Studio-only call ran on the free edition; every later call fails until cleared. */
  modalOpen = false;
  apiTimeout = 0;
  initialized = false;
  readonly callbacks = new Map<string, () => void>();
  readonly undoLog: Array<{ op: string; detail: Record<string, unknown> }> = [];
  readonly calls: string[] = [];
  readonly faults = { dropAppends: 0, hang: new Set<string>() };
  readonly mediaItems: MediaPoolItemD[];
  readonly timeline: TimelineD;
  readonly mediaPool: MediaPoolD;
  readonly project: ProjectD;
  readonly projectManager: ProjectManagerD;
  readonly resolve: ResolveD;
  private readonly targets = new WeakMap<object, object>();

  constructor(readonly fixture: ResolveFixture, readonly options: DoubleOptions) {
    this.version = options.version ?? [21, 1, 0, 5, ''];
    this.studio = options.studio ?? true;
    this.page = options.page ?? 'edit';
    this.mediaItems = fixture.media.map((m) => new MediaPoolItemD(this, m));
    this.mediaPool = new MediaPoolD(this, fixture.bins ?? []);
    this.mediaPool.root.clips.push(...this.mediaItems);
    this.timeline = new TimelineD(this, fixture.timeline);
    this.project = new ProjectD(this, this.mediaPool);
    this.projectManager = new ProjectManagerD(this);
    this.resolve = new ResolveD(this);
  }

  mediaById(id: string): MediaPoolItemD {
    const m = this.mediaItems.find((x) => x.info.id === id);
    if (!m) throw new Error(`fixture: no media ${id}`);
    return m;
  }

  log(op: string, detail: Record<string, unknown>): void {
    this.undoLog.push({ op, detail });
  }

  emit(callback: string): void {
    this.callbacks.get(callback)?.();
  }

  /** The scripting graph as a Scripts-menu script sees it (classic calls, any edition). */
  scriptingResolve(): ResolveApi {
    return this.wrap(this.resolve, 'classic') as unknown as ResolveApi;
  }

  /** `require('./WorkflowIntegration.node')`. */
  get module(): WorkflowIntegrationModule {
    const d = this;
    const canInit = (id: string) => d.studio && id === d.options.manifestId && d.options.launchedByResolve !== false;
    const mod: WorkflowIntegrationModule = {
      Initialize(id: string) {
        d.initialized = canInit(id);
        return d.initialized;
      },
      GetResolve() {
        return d.initialized ? (d.wrap(d.resolve, 'classic') as unknown as ResolveApi) : null;
      },
      RegisterCallback(name: string, fn: () => void) {
        const known = ['RenderStart', 'RenderStop', ...(atLeast(d.version, 20, 1) ? ['ResolveQuit'] : [])];
        if (!known.includes(name)) return false;
        d.callbacks.set(name, fn);
        return true;
      },
      DeregisterCallback(name: string) {
        return d.callbacks.delete(name);
      },
      CleanUp() {
        d.initialized = false;
        d.callbacks.clear();
        return true;
      },
      SetAPITimeout(seconds: number) {
        d.apiTimeout = seconds;
        return true;
      },
    };
    if (atLeast(this.version, 20, 1)) {
      mod.InitializePromise = async (id: string) => {
        d.initialized = canInit(id);
        return d.initialized;
      };
      mod.GetResolvePromise = () => (d.initialized ? (d.wrap(d.resolve, 'promise') as unknown as ResolveApi) : null);
      mod.GetInfo = () => ({ version: d.version.slice(0, 3).join('.'), electron: '36.3.2' });
    }
    return mod;
  }

  private unwrapArg(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.unwrapArg(x));
    if (v && typeof v === 'object') {
      const t = this.targets.get(v);
      if (t) return t;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.unwrapArg(x)]));
    }
    return v;
  }

  private wrapResult(v: unknown, flavour: Flavour): unknown {
    if (v instanceof Obj) return this.wrap(v, flavour);
    if (Array.isArray(v)) return v.map((x) => this.wrapResult(x, flavour));
    if (v && typeof v === 'object') return { ...v };
    return v;
  }

  private call(target: Obj, name: string, args: unknown[]): { value: unknown } | { hang: true } {
    this.calls.push(`${target.constructor.name}.${name}`);
    if (this.faults.hang.has(name)) return { hang: true };
    if (this.modalOpen) return { value: null }; // the upsell dialog blocks the API
    if (!this.studio && STUDIO_ONLY.has(name)) {
      this.modalOpen = true;
      return { value: false };
    }
    const fn = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    return { value: fn.apply(target, args.map((a) => this.unwrapArg(a))) };
  }

  private wrap(target: Obj, flavour: Flavour): object {
    const d = this;
    const proxy = new Proxy(target, {
      get(t, prop) {
        if (typeof prop !== 'string' || !/^[A-Z]/.test(prop)) return undefined;
        const member = (t as unknown as Record<string, unknown>)[prop];
        if (typeof member !== 'function' || !t.has(prop)) return undefined;
        return (...args: unknown[]) => {
          const r = d.call(t, prop, args);
          if (flavour === 'promise') {
            if ('hang' in r) return new Promise(() => {});
            return Promise.resolve().then(() => d.wrapResult(r.value, flavour));
          }
          if ('hang' in r) {
            // A blocking call: with an API timeout it gives up and returns None; without, the
            // process would freeze, which a test must never rely on.
            if (d.apiTimeout > 0) return null;
            throw new Error(`${prop} blocked forever: no SetAPITimeout`);
          }
          return d.wrapResult(r.value, flavour);
        };
      },
    });
    this.targets.set(proxy, target);
    return proxy;
  }
}
