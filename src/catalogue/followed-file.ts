import { statSync } from 'node:fs'

export interface FollowOptions<T> {
  /** Opens the file (read-only); throws when it cannot. */
  readonly open: (file: string) => T
  readonly close: (opened: T) => void
  /**
   * Look at the file's inode at most this often (ms); by default on every use. A server needs
   * no more than a glance a second: its own refresh reopens at once, and a swap by the
   * operator's CLI may take that long to be noticed. A stat() per lookup was a few per cent of
   * a reply (a typed request looks names up several times).
   */
  readonly followEveryMs?: number
  /** Told when a replaced file cannot be opened; the previous one keeps answering. */
  readonly onReopenError?: (err: unknown) => void
  /** Told once the replacement answers, with the one it replaced (closed right after). */
  readonly onReplaced?: (previous: T, next: T) => void
}

/**
 * A database file that imports and refreshes replace by renaming a new file over it: `current`
 * notices the new inode (at most every `followEveryMs`) and reopens, so no restart is needed.
 * One mechanism for the catalogue and the gazetteer.
 */
export class FollowedFile<T> {
  #current: T
  #inode: number
  /** A replacement that failed to open, so it is not retried on every use. */
  #badInode: number | undefined
  /** performance.now() of the last look at the file. */
  #lookedAt = Number.NEGATIVE_INFINITY

  constructor(
    readonly file: string,
    private readonly opts: FollowOptions<T>,
  ) {
    this.#inode = inodeOf(file) ?? -1
    this.#current = opts.open(file)
  }

  get current(): T {
    this.#follow()
    return this.#current
  }

  /** What is open now, without looking at the file. */
  get opened(): T {
    return this.#current
  }

  /**
   * Re-opens the file (after it was replaced on disk) and closes the old connection. Throws,
   * keeping the old connection, when the new file cannot be opened.
   */
  reopen(): void {
    // The inode is read before opening: a swap in between costs one more reopen, never a stale one.
    const inode = inodeOf(this.file) ?? -1
    const next = this.opts.open(this.file)
    const old = this.#current
    this.#current = next
    this.#inode = inode
    this.#badInode = undefined
    try {
      this.opts.onReplaced?.(old, next)
    } catch {
      // Only a log line or a warm-up: the switch itself is done and must not count as a failed reopen.
    }
    this.opts.close(old)
  }

  #follow(): void {
    const every = this.opts.followEveryMs
    if (every) {
      const now = performance.now()
      if (now - this.#lookedAt < every) return
      this.#lookedAt = now
    }
    const inode = inodeOf(this.file)
    // A missing file (mid-rename on another system, or deleted by hand): keep what is open.
    if (inode === undefined || inode === this.#inode || inode === this.#badInode) return
    try {
      this.reopen()
    } catch (err) {
      this.#badInode = inode
      this.opts.onReopenError?.(err)
    }
  }

  close(): void {
    this.opts.close(this.#current)
  }
}

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino
  } catch {
    return undefined
  }
}
