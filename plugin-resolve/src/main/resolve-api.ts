// Typed view of the Resolve scripting object graph as `WorkflowIntegration.node` hands it out.
// Signatures follow Blackmagic's scripting README (hosts.md 2.3/2.4). With the classic module
// every call returns its value; after `GetResolvePromise()` (20.1+) every call returns a Promise.
// Code here always `await`s, so one code path serves both.

export type Ret<T> = T | Promise<T>;
export type TrackType = 'video' | 'audio' | 'subtitle';

export interface ResolveApi {
  GetProjectManager(): Ret<ProjectManagerApi | null>;
  GetProductName(): Ret<string>;
  GetVersion(): Ret<Array<number | string>>;
  GetVersionString(): Ret<string>;
  GetCurrentPage(): Ret<string | null>;
  OpenPage(pageName: string): Ret<boolean>;
}

export interface ProjectManagerApi {
  GetCurrentProject(): Ret<ProjectApi | null>;
}

export interface ProjectApi {
  GetName(): Ret<string>;
  GetMediaPool(): Ret<MediaPoolApi>;
  GetCurrentTimeline(): Ret<TimelineApi | null>;
  GetTimelineByIndex(idx: number): Ret<TimelineApi | null>;
  GetSetting(name?: string): Ret<unknown>;
}

export interface TimelineApi {
  GetName(): Ret<string>;
  GetUniqueId(): Ret<string>;
  GetStartFrame(): Ret<number>;
  GetEndFrame(): Ret<number>;
  GetStartTimecode(): Ret<string>;
  GetSetting(name?: string): Ret<unknown>;
  GetTrackCount(trackType: TrackType): Ret<number>;
  AddTrack(trackType: TrackType, options?: string | { audioType?: string; index?: number }): Ret<boolean>;
  GetItemListInTrack(trackType: TrackType, index: number): Ret<TimelineItemApi[] | null>;
  /** Only in the July 2026 README build and later: feature-detect. */
  GetSelectedClips?(): Ret<TimelineItemApi[] | null>;
  GetCurrentVideoItem(): Ret<TimelineItemApi | null>;
  GetCurrentTimecode(): Ret<string>;
  GetMarkInOut(): Ret<Record<string, { in?: number; out?: number }>>;
  DeleteClips(items: TimelineItemApi[], ripple?: boolean): Ret<boolean>;
}

export interface TimelineItemApi {
  GetName(): Ret<string>;
  GetUniqueId(): Ret<string>;
  GetStart(subframe?: boolean): Ret<number>;
  GetEnd(subframe?: boolean): Ret<number>;
  GetDuration(subframe?: boolean): Ret<number>;
  GetLeftOffset(subframe?: boolean): Ret<number>;
  GetRightOffset(subframe?: boolean): Ret<number>;
  GetSourceStartFrame(): Ret<number>;
  GetSourceEndFrame(): Ret<number>;
  GetSourceStartTime(): Ret<number>;
  GetSourceEndTime(): Ret<number>;
  GetMediaPoolItem(): Ret<MediaPoolItemApi | null>;
  GetTrackTypeAndIndex(): Ret<[string, number] | null>;
}

export interface MediaPoolItemApi {
  GetName(): Ret<string>;
  GetUniqueId(): Ret<string>;
  GetMediaId(): Ret<string>;
  GetClipProperty(name?: string): Ret<unknown>;
  GetMarkInOut(): Ret<Record<string, { in?: number; out?: number }>>;
}

export interface FolderApi {
  GetName(): Ret<string>;
  GetUniqueId(): Ret<string>;
  GetClipList(): Ret<MediaPoolItemApi[]>;
  GetSubFolderList(): Ret<FolderApi[]>;
}

export interface ClipInfo {
  mediaPoolItem: MediaPoolItemApi;
  startFrame: number;
  endFrame: number;
  mediaType?: 1 | 2;
  trackIndex?: number;
  recordFrame?: number;
}

export type ImportItem = string | { FilePath: string; StartIndex: number; EndIndex: number };

export interface MediaPoolApi {
  GetRootFolder(): Ret<FolderApi>;
  AddSubFolder(parent: FolderApi, name: string): Ret<FolderApi | null>;
  GetCurrentFolder(): Ret<FolderApi | null>;
  SetCurrentFolder(folder: FolderApi): Ret<boolean>;
  ImportMedia(items: ImportItem[]): Ret<MediaPoolItemApi[] | null>;
  AppendToTimeline(clips: ClipInfo[]): Ret<TimelineItemApi[] | null>;
  GetSelectedClips(): Ret<MediaPoolItemApi[] | null>;
}

/** The native module `WorkflowIntegration.node` (hosts.md 2.2). */
export interface WorkflowIntegrationModule {
  Initialize(pluginId: string): boolean;
  GetResolve(): ResolveApi | null;
  /** 20.1+ */
  InitializePromise?(pluginId: string): Promise<unknown>;
  /** 20.1+: every call on the returned graph returns a Promise. */
  GetResolvePromise?(): ResolveApi | null | Promise<ResolveApi | null>;
  RegisterCallback(name: string, fn: () => void): boolean;
  DeregisterCallback(name: string): boolean;
  CleanUp(): boolean;
  SetAPITimeout(seconds: number): boolean;
  GetInfo?(): unknown;
}
