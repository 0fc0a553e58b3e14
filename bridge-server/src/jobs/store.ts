import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { JobRecordSchema, type JobRecord, type JobState } from '@synthetic-studio/shared';

/**
 * Durable job records in `<dataDir>/jobs.sqlite`, one row per job holding the JobRecord as JSON
 * plus the columns the queue sorts on.
 *
 * Why SQLite (better-sqlite3) in WAL mode rather than an append-only journal: every state change
 * is one small atomic transaction, so a SIGKILL at any instant leaves either the old or the new
 * record, never a torn one, without us writing temp-file + rename + fsync logic or compacting a
 * journal; the queue order (priority, then submission) is an indexed query instead of a replay.
 * WAL lets the panel's reads (jobs.list) proceed while a job writes progress, and with
 * synchronous=NORMAL a commit survives a process crash (only an OS crash/power cut can drop the
 * last few commits, which then re-run from the job's checkpoints). The calls are synchronous, which
 * is fine here: rows are tiny and writes happen per transition and at most once a second for progress.
 */
export class JobStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #update: Database.Statement;
  readonly #get: Database.Statement;
  readonly #all: Database.Statement;
  readonly #byState: Database.Statement;
  readonly #queued: Database.Statement;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      state TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      record TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS jobs_queue ON jobs(state, priority DESC, seq ASC);`);
    this.#insert = this.#db.prepare('INSERT INTO jobs (id, state, priority, record) VALUES (?, ?, ?, ?)');
    this.#update = this.#db.prepare('UPDATE jobs SET state = ?, record = ? WHERE id = ?');
    this.#get = this.#db.prepare('SELECT record FROM jobs WHERE id = ?');
    this.#all = this.#db.prepare('SELECT record FROM jobs ORDER BY seq DESC LIMIT ?');
    this.#byState = this.#db.prepare('SELECT record FROM jobs WHERE state = ? ORDER BY priority DESC, seq ASC');
    this.#queued = this.#db.prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY priority DESC, seq ASC");
  }

  insert(record: JobRecord): void {
    this.#insert.run(record.id, record.state, record.request.priority, JSON.stringify(record));
  }

  update(record: JobRecord): void {
    this.#update.run(record.state, JSON.stringify(record), record.id);
  }

  get(id: string): JobRecord | undefined {
    const row = this.#get.get(id) as { record: string } | undefined;
    return row ? decode(row.record) : undefined;
  }

  /** Newest first. */
  list(limit = 1000): JobRecord[] {
    return (this.#all.all(limit) as { record: string }[]).map((r) => decode(r.record));
  }

  byState(state: JobState): JobRecord[] {
    return (this.#byState.all(state) as { record: string }[]).map((r) => decode(r.record));
  }

  /** Ids of queued jobs in the order they will run: priority (high first), then submission. */
  queueOrder(): string[] {
    return (this.#queued.all() as { id: string }[]).map((r) => r.id);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function decode(text: string): JobRecord {
  return JobRecordSchema.parse(JSON.parse(text));
}
