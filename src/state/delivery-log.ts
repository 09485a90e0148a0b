import Database from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'

/**
 * Which WeChat pushes have arrived and what they were answered, in the state file. Kept in
 * SQLite rather than in memory because WeChat's retry of a push may reach another worker
 * process than the first delivery did: the claim is one atomic statement, so of all the
 * processes sharing the file exactly one does the work, and all of them find its answer.
 * It fits the protocol layer's DeliveryStore by shape.
 */
export type DeliveryRow =
  | { readonly state: 'pending'; readonly at: number }
  | { readonly state: 'done'; readonly value: string; readonly at: number }

const SCHEMA = `
CREATE TABLE IF NOT EXISTS delivery (
  key   TEXT PRIMARY KEY,
  done  INTEGER NOT NULL,
  value TEXT,
  at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS delivery_at ON delivery (at);
`

/** Old rows are deleted at most this often (a single indexed DELETE). */
const PRUNE_EVERY_MS = 60_000

export class DeliveryLog {
  readonly #db: Database.Database
  readonly #claim: Statement<{ key: string; now: number; expired: number }>
  readonly #get: Statement<[string, number], { done: number; value: string | null; at: number }>
  readonly #finish: Statement<[string, string, number]>
  readonly #prune: Statement<[number]>
  #lastPrune = 0

  /** `file` is the state file (or ':memory:' for one process); `ttlMs` how long records live. */
  constructor(
    file: string,
    readonly ttlMs: number,
  ) {
    this.#db = new Database(file)
    if (file !== ':memory:') this.#db.pragma('journal_mode = WAL')
    // Records live for minutes and only guard against re-answering a retry: after a crash of
    // the machine, losing the last ones costs at most a repeated answer. Not waiting for the
    // disk at checkpoints keeps multi-worker replies from stalling behind an fsync.
    this.#db.pragma('synchronous = OFF')
    this.#db.pragma('busy_timeout = 200')
    this.#db.exec(SCHEMA)
    // Insert, or take over a record that has expired; a live record is left alone (0 changes).
    this.#claim = this.#db.prepare(
      `INSERT INTO delivery (key, done, value, at) VALUES (:key, 0, NULL, :now)
       ON CONFLICT (key) DO UPDATE SET done = 0, value = NULL, at = excluded.at WHERE delivery.at <= :expired`,
    )
    this.#get = this.#db.prepare('SELECT done, value, at FROM delivery WHERE key = ? AND at > ?')
    this.#finish = this.#db.prepare('INSERT OR REPLACE INTO delivery (key, done, value, at) VALUES (?, 1, ?, ?)')
    this.#prune = this.#db.prepare('DELETE FROM delivery WHERE at <= ?')
  }

  claim(key: string, now: number): DeliveryRow | undefined {
    this.#pruneNow(now)
    const { changes } = this.#claim.run({ key, now, expired: now - this.ttlMs })
    return changes === 1 ? undefined : this.get(key, now)
  }

  finish(key: string, value: string, now: number): void {
    this.#finish.run(key, value, now)
  }

  get(key: string, now: number): DeliveryRow | undefined {
    const row = this.#get.get(key, now - this.ttlMs)
    if (!row) return undefined
    return row.done ? { state: 'done', value: row.value ?? '', at: row.at } : { state: 'pending', at: row.at }
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }

  #pruneNow(now: number): void {
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return
    this.#lastPrune = now
    this.#prune.run(now - this.ttlMs)
  }
}
