import Database from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'

/**
 * What the bot remembers about a follower, per account: the last known position (from a
 * location message or the LOCATION event) and the last result list (for "more"). Kept in a
 * small SQLite file of its own, apart from the catalogue, so that catalogue refreshes never
 * touch it and several worker processes share it. Both are written after the reply, batched;
 * failures to write them go to `onWriteError`: losing a remembered position or list must
 * never cost a reply.
 */
export interface StoredPosition {
  /** WGS-84. */
  readonly lat: number
  readonly lng: number
  /** Milliseconds since the epoch when WeChat reported it. */
  readonly at: number
  readonly source: 'message' | 'event'
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS user_position (
  account TEXT NOT NULL,
  user    TEXT NOT NULL,
  lat     REAL NOT NULL,
  lng     REAL NOT NULL,
  at      INTEGER NOT NULL,
  source  TEXT NOT NULL,
  PRIMARY KEY (account, user)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS user_value (
  account TEXT NOT NULL,
  user    TEXT NOT NULL,
  key     TEXT NOT NULL,
  value   TEXT NOT NULL,
  at      INTEGER NOT NULL,
  PRIMARY KEY (account, user, key)
) WITHOUT ROWID;
`

export interface UserStateOptions {
  /**
   * Told when positions or values could not be written. They are written after the reply,
   * batched, so a failure can no longer reach the request that gave them.
   */
  readonly onWriteError?: (err: unknown) => void
}

type PendingValue = [account: string, user: string, key: string, json: string, at: number]

export class UserState {
  readonly #db: Database.Database
  readonly #onWriteError: (err: unknown) => void
  /** Positions given since the last write, newest per follower. */
  readonly #pending = new Map<string, [account: string, user: string, position: StoredPosition]>()
  /** Values given since the last write, newest per follower and key. */
  readonly #pendingValues = new Map<string, PendingValue>()
  #flushQueued = false
  readonly #write: (positions: Iterable<[string, string, StoredPosition]>, values: Iterable<PendingValue>) => void
  readonly #putPosition: Statement
  readonly #getPosition: Statement<[string, string], StoredPosition>
  readonly #putValue: Statement
  readonly #getValue: Statement<[string, string, string], { value: string; at: number }>

  /** `file` may be ':memory:' (tests, single process). */
  constructor(file: string, opts: UserStateOptions = {}) {
    this.#onWriteError = opts.onWriteError ?? (() => {})
    this.#db = new Database(file)
    if (file !== ':memory:') this.#db.pragma('journal_mode = WAL')
    // What is kept here is short-lived (positions count for half an hour, lists for a day):
    // a machine crash may cost the last writes, which is cheaper than an fsync at every
    // checkpoint stalling the replies behind it.
    this.#db.pragma('synchronous = OFF')
    this.#db.pragma('busy_timeout = 200')
    this.#db.exec(SCHEMA)
    this.#putPosition = this.#db.prepare(
      'INSERT OR REPLACE INTO user_position (account, user, lat, lng, at, source) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.#getPosition = this.#db.prepare('SELECT lat, lng, at, source FROM user_position WHERE account = ? AND user = ?')
    this.#putValue = this.#db.prepare('INSERT OR REPLACE INTO user_value (account, user, key, value, at) VALUES (?, ?, ?, ?, ?)')
    this.#getValue = this.#db.prepare('SELECT value, at FROM user_value WHERE account = ? AND user = ? AND key = ?')
    this.#write = this.#db.transaction((positions: Iterable<[string, string, StoredPosition]>, values: Iterable<PendingValue>) => {
      for (const [account, user, p] of positions) this.#putPosition.run(account, user, p.lat, p.lng, p.at, p.source)
      for (const [account, user, key, json, at] of values) this.#putValue.run(account, user, key, json, at)
    })
  }

  /**
   * Remembers where a follower is. Written right after the current turn of the event loop,
   * together with the others given meanwhile, in one transaction: a commit per location
   * message was a tenth of a location reply under load, and the reply does not need it.
   * This process reads its own writes at once (reads write the queue first); other worker
   * processes see them a moment later.
   */
  setPosition(account: string, user: string, p: StoredPosition): void {
    this.#pending.set(`${account}\u0000${user}`, [account, user, p])
    this.#queueFlush()
  }

  /** Writes the queued positions and values now (errors go to `onWriteError`). */
  flush(): void {
    this.#flushQueued = false
    if ((this.#pending.size === 0 && this.#pendingValues.size === 0) || !this.#db.open) return
    const positions = [...this.#pending.values()]
    const values = [...this.#pendingValues.values()]
    this.#pending.clear()
    this.#pendingValues.clear()
    try {
      this.#write(positions, values)
    } catch (err) {
      this.#onWriteError(err)
    }
  }

  #queueFlush(): void {
    if (!this.#flushQueued) {
      this.#flushQueued = true
      setImmediate(() => this.flush())
    }
  }

  /** The last position, when it is not older than `maxAgeMs` at time `now`. */
  position(account: string, user: string, now: number, maxAgeMs: number): StoredPosition | undefined {
    this.flush()
    const p = this.#getPosition.get(account, user)
    return p && now - p.at <= maxAgeMs ? p : undefined
  }

  /**
   * Stores a small JSON value (e.g. the last result list for paging). Written like positions:
   * after the current turn, batched (the list of every location reply was a commit of its own).
   */
  setValue(account: string, user: string, key: string, value: unknown, now: number): void {
    this.#pendingValues.set(`${account}\u0000${user}\u0000${key}`, [account, user, key, JSON.stringify(value), now])
    this.#queueFlush()
  }

  value<T>(account: string, user: string, key: string, now: number, maxAgeMs: number): T | undefined {
    this.flush()
    const row = this.#getValue.get(account, user, key)
    return row && now - row.at <= maxAgeMs ? (JSON.parse(row.value) as T) : undefined
  }

  close(): void {
    this.flush()
    if (this.#db.open) this.#db.close()
  }
}
