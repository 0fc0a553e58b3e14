import type {
  Action,
  ClipProjectItem,
  ClipProjectItemStatic,
  CompoundAction,
  Constants as C,
  EventManagerStatic,
  FolderItem,
  FolderItemStatic,
  FootageInterpretation,

  Guid,
  GuidStatic,
  MetadataStatic,
  Project,
  ProjectItem,
  ProjectItemStatic,
  ProjectStatic,
  RectF,
  Sequence,
  SequenceEditor,
  SequenceEditorStatic,
  SequenceSettings,
  TickTime,
  TimeDisplay,
  TrackItemSelection,
  VideoClipTrackItem,
  VideoTrack,
  premierepro,
} from '@adobe/premierepro';
import type { MediaFixture, ProjectFixture, SequenceFixture, TrackItemFixture } from './fixtures.js';
import { official, unwrap } from './official.js';
import { FrameRateStaticDouble, TICKS_PER_SECOND, TickTimeStaticDouble, frameRate, tick, ticksOf } from './time.js';

/**
 * A test double of Premiere's `premierepro` UXP module, typed against `@adobe/premierepro`
 * (26.3 declarations) and copying the host behaviours the adapter depends on
 * (shared/docs/hosts.md §4.1):
 * - the sync/async split of each method as declared;
 * - every `create*Action` throws outside `project.lockedAccess` (26.3 rule), and an action used in
 *   a later lock scope is "no longer valid";
 * - a lockedAccess/executeTransaction callback that returns a Promise (an `await` inside) throws;
 * - executeTransaction applies its actions atomically (all or nothing), returns a boolean and logs
 *   one undo entry with its label;
 * - `importFiles` throws "Illegal Parameter type" for an explicit `undefined` bin, resolves false
 *   for a file that does not exist, adds clips to the bin and emits IMPORT_MEDIA_COMPLETE;
 * - `createBinAction` returns no bin; `ClipProjectItem.cast`/`FolderItem.cast` return null on a
 *   type mismatch; track indices are 0-based; overwrite needs an existing track, insert at
 *   index = track count creates one.
 */

// ---- Constants ---------------------------------------------------------------------------------

function numbered<T>(...names: string[]): T {
  const e: Record<string, string | number> = {};
  names.forEach((n, i) => {
    e[n] = i;
    e[i] = n;
  });
  return e as T;
}

/** Event enums get distinct string values so one listener table can hold every kind of event. */
function named<T>(prefix: string, ...names: string[]): T {
  return Object.fromEntries(names.map((n) => [n, `${prefix}.${n}`])) as T;
}

const Constants = official<typeof C>(
  {
    TrackItemType: numbered<typeof C.TrackItemType>('EMPTY', 'CLIP', 'TRANSITION', 'PREVIEW', 'FEEDBACK'),
    VideoDisplayFormatType: numbered<typeof C.VideoDisplayFormatType>('FPS_23_976', 'FPS_25', 'FPS_29_97', 'FPS_29_97_NON_DROP', 'FEET_FRAME_16mm', 'FEET_FRAME_35mm', 'FRAMES'),
    MediaType: numbered<typeof C.MediaType>('ANY', 'DATA', 'VIDEO', 'AUDIO'),
    OperationCompleteState: numbered<typeof C.OperationCompleteState>('SUCCESS', 'CANCELLED', 'FAILED'),
    SequenceEvent: named<typeof C.SequenceEvent>('SequenceEvent', 'ACTIVATED', 'CLOSED', 'SELECTION_CHANGED'),
    ProjectEvent: named<typeof C.ProjectEvent>('ProjectEvent', 'OPENED', 'CLOSED', 'DIRTY', 'ACTIVATED', 'PROJECT_ITEM_SELECTION_CHANGED'),
    OperationCompleteEvent: named<typeof C.OperationCompleteEvent>('OperationCompleteEvent', 'CLIP_EXTEND_REACHED', 'EFFECT_DROP_COMPLETE', 'EFFECT_DRAG_OVER', 'EXPORT_MEDIA_COMPLETE', 'GENERATIVE_EXTEND_COMPLETE', 'IMPORT_MEDIA_COMPLETE'),
  },
  'Constants',
);

const TYPE_CLIP = 1;
const TYPE_BIN = 2;
const TYPE_ROOT = 3;
const TYPE_FILE = 4;

// ---- Host state --------------------------------------------------------------------------------

export interface DoubleOptions {
  /** Media the double can import (the "disk"); paths absent here fail to import. */
  resolveMedia?: (path: string) => MediaFixture | null;
  /** Make `getActiveProject()` resolve to null (panel opened on the start screen). */
  noProject?: boolean;
  /** Make executeTransaction return false (host refuses the edit). */
  failTransactions?: boolean;
  /** Imported items land in the root bin whatever bin was asked for. */
  importIntoRoot?: boolean;
  /** Insert edits ripple every track, not only the target (limitShift's effect is undocumented). */
  insertShiftsAllTracks?: boolean;
}

type Listener = (event?: object) => void;

class Host {
  locked = false;
  lockGeneration = 0;
  readonly undoLog: string[] = [];
  readonly violations: string[] = [];
  readonly listeners = new Map<unknown, Set<Listener>>();
  project!: DProject;
  constructor(readonly options: DoubleOptions) {}

  /** 26.3: actions may only be created while the project is locked. */
  requireLock(what: string): number {
    if (!this.locked) {
      this.violations.push(what);
      throw new Error(`${what} must be called inside project.lockedAccess() (Premiere 26.3+)`);
    }
    return this.lockGeneration;
  }

  emit(eventName: unknown, payload?: object): void {
    for (const l of [...(this.listeners.get(eventName) ?? [])]) l(payload);
  }
}

class DAction {
  constructor(
    readonly generation: number,
    readonly label: string,
    /** Returns an error message when the action cannot apply in the current state. */
    readonly check: () => string | null,
    readonly apply: () => void,
  ) {}
}

function action(host: Host, label: string, check: () => string | null, apply: () => void): Action {
  return official<Action>(new DAction(host.requireLock(label), label, check, apply), 'Action');
}

function isThenable(v: unknown): boolean {
  return !!v && typeof (v as { then?: unknown }).then === 'function';
}

// ---- Project items -----------------------------------------------------------------------------

let nextId = 1;

class DFolder implements Partial<FolderItem>, Partial<ProjectItem> {
  readonly items: Array<DFolder | DClip> = [];
  readonly id = `bin-${nextId++}`;
  constructor(
    private readonly host: Host,
    public name: string,
    readonly type: number,
    readonly parent: DFolder | null,
  ) {}
  async getItems(): Promise<ProjectItem[]> {
    return this.items.map((i) => official<ProjectItem>(i, i instanceof DFolder ? 'FolderItem' : 'ClipProjectItem'));
  }
  createBinAction(name: string, makeUnique: boolean): Action {
    return action(
      this.host,
      'FolderItem.createBinAction',
      () => null,
      () => {
        let unique = name;
        for (let n = 1; makeUnique && this.items.some((i) => i.name === unique); n++) unique = `${name} ${String(n).padStart(2, '0')}`;
        this.items.push(new DFolder(this.host, unique, TYPE_BIN, this));
      },
    );
  }
  getId(): string {
    return this.id;
  }
  getParentBin(): FolderItem {
    return (this.parent ? official<FolderItem>(this.parent, 'FolderItem') : null) as FolderItem;
  }
  async getProject(): Promise<Project> {
    return this.host.project.wrapped;
  }
}

class DClip implements Partial<ClipProjectItem>, Partial<ProjectItem> {
  readonly id = `clip-${nextId++}`;
  readonly type = TYPE_CLIP;
  constructor(
    private readonly host: Host,
    readonly media: MediaFixture,
    readonly name: string,
    readonly parent: DFolder,
  ) {}
  async getMediaFilePath(): Promise<string> {
    // Nested sequences, merged and multicam clips have no single media file.
    return this.media.kind && this.media.kind !== 'clip' ? '' : this.media.path;
  }
  async isSequence(): Promise<boolean> {
    return this.media.kind === 'sequence';
  }
  async isMergedClip(): Promise<boolean> {
    return this.media.kind === 'merged';
  }
  async isMulticamClip(): Promise<boolean> {
    return this.media.kind === 'multicam';
  }
  async isOffline(): Promise<boolean> {
    return !!this.media.offline;
  }
  async hasProxy(): Promise<boolean> {
    return false;
  }
  async getContentType(): Promise<C.ContentType> {
    return 0 as C.ContentType;
  }
  async getFootageInterpretation(): Promise<FootageInterpretation> {
    const fps = this.media.fps;
    return official<FootageInterpretation>({ getFrameRate: () => fps, getPixelAspectRatio: () => 1 }, 'FootageInterpretation');
  }
  createSetInOutPointsAction(_in: TickTime, _out: TickTime): Action {
    return action(this.host, 'ClipProjectItem.createSetInOutPointsAction', () => null, () => undefined);
  }
  getId(): string {
    return this.id;
  }
  getParentBin(): FolderItem {
    return official<FolderItem>(this.parent, 'FolderItem');
  }
  async getProject(): Promise<Project> {
    return this.host.project.wrapped;
  }
  /** Media start and length in ticks. */
  startTicks(): bigint {
    return framesToTicksAt(this.media.startFrame ?? 0, this.media.fps);
  }
  durationTicks(): bigint {
    return framesToTicksAt(this.media.frames, this.media.fps);
  }
}

function ticksPerFrameAt(fps: number): bigint {
  return BigInt(Math.round(Number(TICKS_PER_SECOND) / fps));
}
function framesToTicksAt(frames: number, fps: number): bigint {
  return BigInt(frames) * ticksPerFrameAt(fps);
}

// ---- Timeline ----------------------------------------------------------------------------------

class DTrackItem implements Partial<VideoClipTrackItem> {
  constructor(
    readonly clip: DClip,
    readonly itemName: string,
    public track: DTrack,
    public start: bigint,
    public end: bigint,
    public inPoint: bigint,
    public outPoint: bigint,
    readonly flags: { selected: boolean; disabled: boolean; adjustment: boolean; speed: number; reversed: boolean },
  ) {}
  async getName(): Promise<string> {
    return this.itemName;
  }
  async getIsSelected(): Promise<boolean> {
    return this.flags.selected;
  }
  async getSpeed(): Promise<number> {
    return this.flags.speed;
  }
  async isAdjustmentLayer(): Promise<boolean> {
    return this.flags.adjustment;
  }
  async isSpeedReversed(): Promise<number> {
    return this.flags.reversed ? 1 : 0;
  }
  async isDisabled(): Promise<boolean> {
    return this.flags.disabled;
  }
  /** Relative to the media start, as declared. */
  async getInPoint(): Promise<TickTime> {
    return tick(this.inPoint);
  }
  async getOutPoint(): Promise<TickTime> {
    return tick(this.outPoint);
  }
  async getStartTime(): Promise<TickTime> {
    return tick(this.start);
  }
  async getEndTime(): Promise<TickTime> {
    return tick(this.end);
  }
  async getDuration(): Promise<TickTime> {
    return tick(this.end - this.start);
  }
  async getType(): Promise<number> {
    return Constants.TrackItemType.CLIP;
  }
  async getTrackIndex(): Promise<number> {
    return this.track.index;
  }
  async getProjectItem(): Promise<ProjectItem> {
    return official<ProjectItem>(this.clip, 'ClipProjectItem');
  }
}

class DTrack implements Partial<VideoTrack> {
  readonly items: DTrackItem[] = [];
  constructor(
    readonly index: number,
    readonly name: string,
  ) {}
  get id(): number {
    return this.index;
  }
  async getIndex(): Promise<number> {
    return this.index;
  }
  /** Synchronous in 26.3. Gaps (EMPTY items) are not modelled, so includeEmpty adds nothing. */
  getTrackItems(type: C.TrackItemType, _includeEmpty: boolean): VideoClipTrackItem[] {
    if (type !== Constants.TrackItemType.CLIP) return [];
    return [...this.items].sort((a, b) => (a.start < b.start ? -1 : 1)).map((i) => official<VideoClipTrackItem>(i, 'VideoClipTrackItem'));
  }
}

class DSequence implements Partial<Sequence> {
  readonly tracks: DTrack[] = [];
  readonly guidValue = `seq-${nextId++}`;
  readonly tpf: bigint;
  constructor(
    private readonly host: Host,
    readonly fixture: SequenceFixture,
  ) {
    this.tpf = ticksPerFrameAt(fixture.fps);
  }
  get name(): string {
    return this.fixture.name;
  }
  get guid(): Guid {
    return guid(this.guidValue);
  }
  async getVideoTrackCount(): Promise<number> {
    return this.tracks.length;
  }
  async getVideoTrack(index: number): Promise<VideoTrack> {
    const t = this.tracks[index];
    if (!t) throw new Error(`Illegal Parameter: no video track ${index}`);
    return official<VideoTrack>(t, 'VideoTrack');
  }
  async getSettings(): Promise<SequenceSettings> {
    const f = this.fixture;
    const rate = frameRate(f.fps);
    const display = displayFormat(f);
    return official<SequenceSettings>(
      {
        getVideoFrameRate: () => rate,
        getVideoDisplayFormat: async () => official<TimeDisplay>({ type: display }, 'TimeDisplay'),
        getVideoFrameRect: async () => rect(f.width, f.height),
      },
      'SequenceSettings',
    );
  }
  async getTimebase(): Promise<string> {
    return this.tpf.toString();
  }
  async getFrameSize(): Promise<RectF> {
    return rect(this.fixture.width, this.fixture.height);
  }
  async getZeroPoint(): Promise<TickTime> {
    return tick(0n);
  }
  async getEndTime(): Promise<TickTime> {
    return tick(this.tracks.flatMap((t) => t.items).reduce((m, i) => (i.end > m ? i.end : m), 0n));
  }
  async getSelection(): Promise<TrackItemSelection> {
    const items = this.tracks.flatMap((t) => t.items).filter((i) => i.flags.selected);
    return official<TrackItemSelection>({ getTrackItems: async () => items.map((i) => official<VideoClipTrackItem>(i, 'VideoClipTrackItem')) }, 'TrackItemSelection');
  }
  async clearSelection(): Promise<boolean> {
    for (const t of this.tracks) for (const i of t.items) i.flags.selected = false;
    return true;
  }
  /** Overwrite [start, start+length) on a track: items under it are trimmed, split or removed. */
  overwrite(track: DTrack, clip: DClip, start: bigint): void {
    const end = start + clip.durationTicks();
    const kept: DTrackItem[] = [];
    for (const i of track.items) {
      if (i.end <= start || i.start >= end) kept.push(i);
      else {
        if (i.start < start) kept.push(new DTrackItem(i.clip, i.itemName, track, i.start, start, i.inPoint, i.inPoint + (start - i.start), { ...i.flags }));
        if (i.end > end) kept.push(new DTrackItem(i.clip, i.itemName, track, end, i.end, i.outPoint - (i.end - end), i.outPoint, { ...i.flags }));
      }
    }
    kept.push(newItem(clip, track, start));
    track.items.splice(0, track.items.length, ...kept);
  }
  /** Insert: items at or after `start` on the track move right by the clip's length. */
  insert(track: DTrack, clip: DClip, start: bigint): void {
    const length = clip.durationTicks();
    const shifted = this.host.options.insertShiftsAllTracks ? this.tracks.flatMap((t) => t.items) : track.items;
    for (const i of shifted) {
      if (i.start >= start) {
        i.start += length;
        i.end += length;
      }
    }
    track.items.push(newItem(clip, track, start));
  }
  addTrack(): DTrack {
    const t = new DTrack(this.tracks.length, `Video ${this.tracks.length + 1}`);
    this.tracks.push(t);
    return t;
  }
  editor(): SequenceEditor {
    const host = this.host;
    const seq = this;
    return official<SequenceEditor>(
      {
        createOverwriteItemAction(projectItem: ProjectItem, time: TickTime, videoTrackIndex: number, _audioTrackIndex: number): Action {
          const clip = asClip(projectItem);
          const at = ticksOf(time);
          return action(
            host,
            'SequenceEditor.createOverwriteItemAction',
            () => (seq.tracks[videoTrackIndex] ? null : `video track ${videoTrackIndex} does not exist`),
            () => seq.overwrite(seq.tracks[videoTrackIndex]!, clip, at),
          );
        },
        createInsertProjectItemAction(projectItem: ProjectItem, time: TickTime, videoTrackIndex: number, _audioTrackIndex: number, _limitShift: boolean): Action {
          const clip = asClip(projectItem);
          const at = ticksOf(time);
          return action(
            host,
            'SequenceEditor.createInsertProjectItemAction',
            () => (videoTrackIndex < 0 ? 'negative track index' : null),
            () => seq.insert(seq.tracks[videoTrackIndex] ?? seq.addTrack(), clip, at),
          );
        },
      },
      'SequenceEditor',
    );
  }
}

function newItem(clip: DClip, track: DTrack, start: bigint): DTrackItem {
  const d = clip.durationTicks();
  return new DTrackItem(clip, clip.name, track, start, start + d, 0n, d, { selected: false, disabled: false, adjustment: false, speed: 1, reversed: false });
}

function asClip(projectItem: ProjectItem): DClip {
  const impl = unwrap<DClip>(projectItem);
  if (!(impl instanceof DClip)) throw new Error('Illegal Parameter type: expected a clip project item');
  return impl;
}

function displayFormat(f: SequenceFixture): number {
  const T = Constants.VideoDisplayFormatType;
  if (Math.abs(f.fps - 30000 / 1001) < 1e-3) return f.dropFrame ? T.FPS_29_97 : T.FPS_29_97_NON_DROP;
  if (Math.abs(f.fps - 24000 / 1001) < 1e-3) return T.FPS_23_976;
  if (f.fps === 25) return T.FPS_25;
  return T.FRAMES;
}

function rect(width: number, height: number): RectF {
  return official<RectF>({ width, height }, 'RectF');
}

const guids = new Map<string, Guid>();
function guid(value: string): Guid {
  let g = guids.get(value);
  if (!g) guids.set(value, (g = official<Guid>({ toString: () => value }, 'Guid')));
  return g;
}

// ---- Project -----------------------------------------------------------------------------------

class DProject implements Partial<Project> {
  readonly root: DFolder;
  readonly sequences: DSequence[];
  active: DSequence | null;
  readonly wrapped: Project;
  constructor(
    private readonly host: Host,
    readonly fixture: ProjectFixture,
  ) {
    this.root = new DFolder(host, fixture.name, TYPE_ROOT, null);
    for (const b of fixture.bins ?? []) this.root.items.push(new DFolder(host, b, TYPE_BIN, this.root));
    this.sequences = fixture.sequences.map((s) => this.buildSequence(s));
    this.active = fixture.activeSequence === null ? null : this.sequences[fixture.activeSequence]!;
    this.wrapped = official<Project>(this, 'Project');
  }
  private buildSequence(f: SequenceFixture): DSequence {
    const seq = new DSequence(this.host, f);
    for (const items of f.tracks) {
      const track = seq.addTrack();
      for (const it of items) track.items.push(this.buildItem(seq, track, it));
    }
    return seq;
  }
  private buildItem(seq: DSequence, track: DTrack, f: TrackItemFixture): DTrackItem {
    const clip = this.clipFor(f.media);
    const speed = f.speed ?? 1;
    const inT = framesToTicksAt(f.in, f.media.fps);
    const outT = framesToTicksAt(f.out, f.media.fps);
    const start = BigInt(f.start) * seq.tpf;
    // Timeline length = source length / speed (same seconds at speed 1, whatever the rates).
    const length = BigInt(Math.round(Number(outT - inT) / speed));
    return new DTrackItem(clip, f.name ?? clip.name, track, start, start + length, inT, outT, {
      selected: !!f.selected,
      disabled: !!f.disabled,
      adjustment: !!f.adjustmentLayer,
      speed,
      reversed: !!f.reversed,
    });
  }
  /** One project item per media path, in the root bin, like clips the editor imported earlier. */
  private clipFor(media: MediaFixture): DClip {
    const found = this.root.items.find((i): i is DClip => i instanceof DClip && i.media.path === media.path);
    if (found) return found;
    const clip = new DClip(this.host, media, baseName(media.path), this.root);
    this.root.items.push(clip);
    return clip;
  }

  get name(): string {
    return this.fixture.name;
  }
  get path(): string {
    return this.fixture.path;
  }
  get guid(): Guid {
    return guid('project-1');
  }
  async getActiveSequence(): Promise<Sequence> {
    return (this.active ? official<Sequence>(this.active, 'Sequence') : null) as Sequence;
  }
  getSequence(g: Guid): Sequence {
    const s = this.sequences.find((x) => x.guidValue === g.toString());
    return (s ? official<Sequence>(s, 'Sequence') : null) as Sequence;
  }
  async getSequences(): Promise<Sequence[]> {
    return this.sequences.map((s) => official<Sequence>(s, 'Sequence'));
  }
  async getRootItem(): Promise<FolderItem> {
    return official<FolderItem>(this.root, 'FolderItem');
  }
  async getInsertionBin(): Promise<ProjectItem> {
    return official<ProjectItem>(this.root, 'FolderItem');
  }
  async importFiles(filePaths: string[], suppressUI?: boolean, targetBin?: ProjectItem, asNumberedStills?: boolean): Promise<boolean> {
    // Reported host behaviour: an explicit undefined bin is rejected, null means the default bin.
    if (arguments.length >= 3 && targetBin === undefined) throw new Error('Illegal Parameter type');
    let bin = targetBin === null || targetBin === undefined ? this.root : unwrap<DFolder>(targetBin);
    if (!(bin instanceof DFolder)) throw new Error('Illegal Parameter type');
    if (this.host.options.importIntoRoot) bin = this.root;
    if (!Array.isArray(filePaths) || filePaths.some((p) => typeof p !== 'string')) throw new Error('Illegal Parameter type');
    void suppressUI;
    void asNumberedStills;
    const media = filePaths.map((p) => this.host.options.resolveMedia?.(p) ?? null);
    const ok = media.every((m) => m !== null);
    if (ok) for (const m of media) bin.items.push(new DClip(this.host, m!, baseName(m!.path), bin));
    const S = Constants.OperationCompleteState;
    this.host.emit(Constants.OperationCompleteEvent.IMPORT_MEDIA_COMPLETE, { state: ok ? S.SUCCESS : S.FAILED });
    return ok;
  }
  lockedAccess(callback: () => void): void {
    if (this.host.locked) throw new Error('lockedAccess is not re-entrant');
    this.host.locked = true;
    this.host.lockGeneration++;
    try {
      const r: unknown = callback();
      if (isThenable(r)) {
        this.host.violations.push('async lockedAccess callback');
        throw new Error('lockedAccess callback returned a Promise: nothing may be awaited inside it');
      }
    } finally {
      this.host.locked = false;
    }
  }
  executeTransaction(callback: (compoundAction: CompoundAction) => void, undoString?: string): boolean {
    const actions: DAction[] = [];
    const compound = official<CompoundAction>(
      {
        addAction: (a: Action) => {
          const impl = unwrap<DAction>(a);
          if (!(impl instanceof DAction)) throw new Error('Illegal Parameter type: expected an Action');
          actions.push(impl);
          return true;
        },
        get empty() {
          return actions.length === 0;
        },
      },
      'CompoundAction',
    );
    const r: unknown = callback(compound);
    if (isThenable(r)) {
      this.host.violations.push('async executeTransaction callback');
      throw new Error('executeTransaction callback returned a Promise: nothing may be awaited inside it');
    }
    for (const a of actions) {
      if (!this.host.locked || a.generation !== this.host.lockGeneration) throw new Error(`The script object is no longer valid (${a.label} used outside the lockedAccess that created it)`);
    }
    if (this.host.options.failTransactions || actions.some((a) => a.check() !== null)) return false;
    for (const a of actions) a.apply();
    this.host.undoLog.push(undoString ?? '');
    return true;
  }
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

// ---- Module ------------------------------------------------------------------------------------

export interface PremiereDouble {
  /** The module object, as `require('premierepro')` returns it. */
  ppro: premierepro;
  /** Undo entries, one per committed transaction, labelled. */
  undoLog: string[];
  /** Rule breaks the double detected (actions outside the lock, awaits inside it). */
  violations: string[];
  /** Fire a host event (e.g. `Constants.SequenceEvent.SELECTION_CHANGED`). */
  emit(eventName: unknown, payload?: object): void;
  /** Inspect a timeline (default: the active sequence): per video track, the items as {path, start, end} ticks. */
  timeline(sequenceIndex?: number): Array<Array<{ path: string; start: bigint; end: bigint }>>;
  /** Make another sequence active (as when the editor switches timelines); null closes all. */
  activate(sequenceIndex: number | null): void;
  /** Names of the bins at the project root and the media paths in each. */
  bins(): Map<string, string[]>;
  /** Change what is selected: one flag per item, track by track. */
  select(track: number, item: number): void;
  /** Listener count, to check unsubscribe. */
  listenerCount(): number;
}

export function createPremiereDouble(fixture: ProjectFixture, options: DoubleOptions = {}): PremiereDouble {
  const host = new Host(options);
  const project = new DProject(host, fixture);
  host.project = project;
  const seq = () => project.active;

  const ProjectStaticD = official<ProjectStatic>(
    {
      getActiveProject: async () => (options.noProject ? (null as unknown as Project) : project.wrapped),
      getProject: (g: Guid) => (g.toString() === 'project-1' ? project.wrapped : (null as unknown as Project)),
    },
    'Project',
  );
  const ProjectItemStaticD = official<ProjectItemStatic>(
    {
      cast: (item: FolderItem | ClipProjectItem) => {
        const impl = unwrap<object>(item);
        if (impl instanceof DFolder || impl instanceof DClip) return official<ProjectItem>(impl, impl instanceof DFolder ? 'FolderItem' : 'ClipProjectItem');
        throw new Error('Illegal Parameter type');
      },
      TYPE_CLIP,
      TYPE_BIN,
      TYPE_ROOT,
      TYPE_FILE,
    },
    'ProjectItem',
  );
  const ClipStaticD = official<ClipProjectItemStatic>(
    { cast: (pi: ProjectItem) => (unwrap<object>(pi) instanceof DClip ? official<ClipProjectItem>(unwrap<DClip>(pi), 'ClipProjectItem') : (null as unknown as ClipProjectItem)) },
    'ClipProjectItem',
  );
  const FolderStaticD = official<FolderItemStatic>(
    { cast: (pi: ProjectItem) => (unwrap<object>(pi) instanceof DFolder ? official<FolderItem>(unwrap<DFolder>(pi), 'FolderItem') : (null as unknown as FolderItem)) },
    'FolderItem',
  );
  const SequenceEditorD = official<SequenceEditorStatic>(
    {
      getEditor: (s: Sequence) => {
        const impl = unwrap<DSequence>(s);
        if (!(impl instanceof DSequence)) throw new Error('Illegal Parameter type');
        return impl.editor();
      },
    },
    'SequenceEditor',
  );
  const GuidD = official<GuidStatic>({ fromString: guid }, 'Guid');
  const MetadataD = official<MetadataStatic>(
    {
      getProjectColumnsMetadata: async (pi: ProjectItem) => {
        const clip = unwrap<DClip>(pi);
        if (!(clip instanceof DClip)) return '[]';
        const start = clip.startTicks();
        return JSON.stringify([
          { ColumnID: 'Column.Intrinsic.MediaStart', ColumnName: 'Media Start', ColumnValue: start.toString() },
          { ColumnID: 'Column.Intrinsic.MediaEnd', ColumnName: 'Media End', ColumnValue: (start + clip.durationTicks()).toString() },
          { ColumnID: 'Column.Intrinsic.VideoInfo', ColumnName: 'Video Info', ColumnValue: `${clip.media.width} x ${clip.media.height} (1.0)` },
        ]);
      },
    },
    'Metadata',
  );
  const listenersFor = (name: unknown) => {
    let set = host.listeners.get(name);
    if (!set) host.listeners.set(name, (set = new Set()));
    return set;
  };
  const EventManagerD = official<EventManagerStatic>(
    {
      addGlobalEventListener: (name: unknown, handler: Listener) => void listenersFor(name).add(handler),
      removeGlobalEventListener: (name: unknown, handler: Listener) => void listenersFor(name).delete(handler),
      addEventListener: (_target: unknown, name: unknown, handler: Listener) => void listenersFor(name).add(handler),
      removeEventListener: (_target: unknown, name: unknown, handler: Listener) => void listenersFor(name).delete(handler),
    },
    'EventManager',
  );

  const ppro = official<premierepro>(
    {
      Project: ProjectStaticD,
      ProjectItem: ProjectItemStaticD,
      ClipProjectItem: ClipStaticD,
      FolderItem: FolderStaticD,
      SequenceEditor: SequenceEditorD,
      TickTime: TickTimeStaticDouble,
      FrameRate: FrameRateStaticDouble,
      Guid: GuidD,
      Metadata: MetadataD,
      EventManager: EventManagerD,
      Constants,
    },
    'premierepro',
  );

  return {
    ppro,
    undoLog: host.undoLog,
    violations: host.violations,
    emit: (name, payload) => host.emit(name, payload),
    timeline: (i) => ((i === undefined ? seq() : project.sequences[i])?.tracks ?? []).map((t) => [...t.items].sort((a, b) => (a.start < b.start ? -1 : 1)).map((i) => ({ path: i.clip.media.path, start: i.start, end: i.end }))),
    bins: () => new Map(project.root.items.filter((i): i is DFolder => i instanceof DFolder).map((b) => [b.name, b.items.filter((i): i is DClip => i instanceof DClip).map((c) => c.media.path)])),
    select: (track, item) => {
      for (const t of seq()?.tracks ?? []) for (const i of t.items) i.flags.selected = false;
      const target = seq()?.tracks[track]?.items[item];
      if (!target) throw new Error(`no item ${item} on track ${track}`);
      target.flags.selected = true;
    },
    activate: (i) => {
      project.active = i === null ? null : project.sequences[i]!;
      host.emit(Constants.SequenceEvent.ACTIVATED, {});
    },
    listenerCount: () => [...host.listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}


