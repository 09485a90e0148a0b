import { statSync } from 'node:fs'
import { Gazetteer, type GazetteerRow, type GazetteerStats } from './gazetteer.js'

export interface LiveGazetteerOptions {
  /** Told when a replaced file cannot be opened; the previous gazetteer keeps answering. */
  readonly onReopenError?: (err: unknown) => void
  /** Told once names are looked up in a replaced file: entries before and after. */
  readonly onSwitch?: (change: { readonly file: string; readonly from: number; readonly to: number }) => void
}

/**
 * The gazetteer a running server resolves names against. `npm run import:gazetteer` builds a new
 * file and renames it over the live one (gazetteer-rebuild.ts); the next lookup notices the new
 * inode and reopens, so no restart is needed. Opened read-only: the server never writes it.
 */
export class LiveGazetteer {
  #current: Gazetteer
  #inode: number
  /** A replacement that failed to open, so it is not retried on every lookup. */
  #badInode: number | undefined

  constructor(
    readonly file: string,
    private readonly opts: LiveGazetteerOptions = {},
  ) {
    this.#inode = inodeOf(file) ?? -1
    this.#current = new Gazetteer(file, { readonly: true })
  }

  get current(): Gazetteer {
    this.#follow()
    return this.#current
  }

  named(key: string): GazetteerRow[] {
    return this.current.named(key)
  }

  namedStartingWith(key: string, limit: number): GazetteerRow[] {
    return this.current.namedStartingWith(key, limit)
  }

  namedContaining(key: string, limit: number): GazetteerRow[] {
    return this.current.namedContaining(key, limit)
  }

  namedContainingBoth(a: string, b: string, limit: number): GazetteerRow[] {
    return this.current.namedContainingBoth(a, b, limit)
  }

  stats(): GazetteerStats {
    return this.current.stats()
  }

  #follow(): void {
    const inode = inodeOf(this.file)
    // A missing file (mid-rename on another system, or deleted by hand): keep what is open.
    if (inode === undefined || inode === this.#inode || inode === this.#badInode) return
    let next: Gazetteer
    try {
      next = new Gazetteer(this.file, { readonly: true })
    } catch (err) {
      this.#badInode = inode
      this.opts.onReopenError?.(err)
      return
    }
    const old = this.#current
    const from = old.stats().entries
    this.#current = next
    this.#inode = inode
    this.#badInode = undefined
    old.close()
    try {
      this.opts.onSwitch?.({ file: this.file, from, to: next.stats().entries })
    } catch {
      // Only a log line: the switch itself is done.
    }
  }

  close(): void {
    this.#current.close()
  }
}

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino
  } catch {
    return undefined
  }
}
