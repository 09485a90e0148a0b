import Database from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'

/**
 * What the bot remembers about a follower, per account: the last known position (from a
 * location message or the LOCATION event) and the last result list (for "more"). Kept in a
 * small SQLite file of its own, apart from the catalogue, so that catalogue refreshes never
 * touch it and several worker processes share it. Failures to write values are the caller's to
 * log, those of positions (written after the reply) go to `onWriteError`: losing a remembered
 * position must never cost a reply.
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
   * Told when positions could not be written. Positions are written after the reply, batched,
   * so a failure can no longer reach the request that gave them.
   */
  readonly onWriteError?: (err: unknown) => void
}

export class UserState {
  readonly #db: Database.Database
  readonly #onWriteError: (err: unknown) => void
  /** Positions given since the last write, newest per follower. */
  readonly #pending = new Map<string, [account: string, user: string, position: StoredPosition]>()
  #flushQueued = false
  readonly #putPositions: (batch: Iterable<[string, string, StoredPosition]>) => void
  readonly #putPosition: Statement
  readonly #getPosition: Statement<[string, string], StoredPosition>
  readonly #putValue: Statement
  readonly #getValue: Statement<[string, string, string], { value: string; at: number }>

  /** `file` may be ':memory:' (tests, single process). */
  constructor(file: string, opts: UserStateOptions = {}) {
    this.#onWriteError = opts.onWriteError ?? (() => {})
    this.#db = new Database(file)
    if (file !== ':memory:') this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.pragma('busy_timeout = 200')
    this.#db.exec(SCHEMA)
    this.#putPosition = this.#db.prepare(
      'INSERT OR REPLACE INTO user_position (account, user, lat, lng, at, source) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.#getPosition = this.#db.prepare('SELECT lat, lng, at, source FROM user_position WHERE account = ? AND user = ?')
    this.#putValue = this.#db.prepare('INSERT OR REPLACE INTO user_value (account, user, key, value, at) VALUES (?, ?, ?, ?, ?)')
    this.#getValue = this.#db.prepare('SELECT value, at FROM user_value WHERE account = ? AND user = ? AND key = ?')
    this.#putPositions = this.#db.transaction((batch: Iterable<[string, string, StoredPosition]>) => {
      for (const [account, user, p] of batch) this.#putPosition.run(account, user, p.lat, p.lng, p.at, p.source)
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
    if (!this.#flushQueued) {
      this.#flushQueued = true
      setImmediate(() => this.flush())
    }
  }

  /** Writes the queued positions now (errors go to `onWriteError`). */
  flush(): void {
    this.#flushQueued = false
    if (this.#pending.size === 0 || !this.#db.open) return
    const batch = [...this.#pending.values()]
    this.#pending.clear()
    try {
      this.#putPositions(batch)
    } catch (err) {
      this.#onWriteError(err)
    }
  }

  /** The last position, when it is not older than `maxAgeMs` at time `now`. */
  position(account: string, user: string, now: number, maxAgeMs: number): StoredPosition | undefined {
    this.flush()
    const p = this.#getPosition.get(account, user)
    return p && now - p.at <= maxAgeMs ? p : undefined
  }

  /** Stores a small JSON value (e.g. the last result list for paging). */
  setValue(account: string, user: string, key: string, value: unknown, now: number): void {
    this.#putValue.run(account, user, key, JSON.stringify(value), now)
  }

  value<T>(account: string, user: string, key: string, now: number, maxAgeMs: number): T | undefined {
    const row = this.#getValue.get(account, user, key)
    return row && now - row.at <= maxAgeMs ? (JSON.parse(row.value) as T) : undefined
  }

  close(): void {
    this.flush()
    if (this.#db.open) this.#db.close()
  }
}
