import { statSync } from 'node:fs'
import { Catalogue, type BoxQuery, type CatalogueStats, type PlaceNameRow, type PlaceRow, type PointRow, type PositionRow } from './repository.js'

export interface LiveCatalogueOptions {
  /** Told when a replaced file cannot be opened; the previous catalogue keeps answering. */
  readonly onReopenError?: (err: unknown) => void
  /**
   * Look at the file's inode at most this often (ms); by default on every query. A running
   * server needs no more than a glance a second: its own refresh reopens at once, and a swap
   * by the operator's CLI may take that long to be noticed. A stat() per query was a few
   * per cent of a location reply.
   */
  readonly followEveryMs?: number
  /** Told when the position index of a replacement could not be built (it then uses the R*Tree). */
  readonly onIndexError?: (err: unknown) => void
  /** Told once the catalogue answers from a replaced file: what it held before and holds now. */
  readonly onSwitch?: (change: CatalogueSwitch) => void
}

export interface CatalogueSwitch {
  readonly file: string
  readonly from: Pick<CatalogueStats, 'version' | 'places'>
  readonly to: Pick<CatalogueStats, 'version' | 'places'>
}

/**
 * The catalogue a running server answers from. Requests always go through `current`, so a
 * refreshed database can be swapped in between two requests without a restart; the one it
 * replaces is closed once the swap is done.
 *
 * Imports and refreshes replace the file by renaming a new one over it. The refresh inside
 * the server calls reopen() itself; a swap made by another process (the operator CLI) is
 * noticed on the next query (or the first one after `followEveryMs`), when the file's inode no
 * longer matches the open one.
 */
export class LiveCatalogue {
  #current: Catalogue
  #inode: number
  /** A replacement that failed to open, so it is not retried on every query. */
  #badInode: number | undefined
  /** performance.now() of the last look at the file. */
  #lookedAt = Number.NEGATIVE_INFINITY

  constructor(
    readonly file: string,
    private readonly opts: LiveCatalogueOptions = {},
  ) {
    this.#inode = inodeOf(file) ?? -1
    this.#current = new Catalogue(file, { readonly: true })
  }

  get current(): Catalogue {
    this.#follow()
    return this.#current
  }

  inBox(box: BoxQuery): PlaceRow[] {
    return this.current.inBox(box)
  }

  inBoxOfCategories(box: BoxQuery, categories: readonly string[]): PlaceRow[] {
    return this.current.inBoxOfCategories(box, categories)
  }

  pointsInBox(box: BoxQuery, max?: number, categories?: readonly string[]): PointRow[] {
    return this.current.pointsInBox(box, max, categories)
  }

  positionsInBox(box: BoxQuery, max?: number, categories?: readonly string[]): PositionRow[] {
    return this.current.positionsInBox(box, max, categories)
  }

  /** Builds the position index of the open catalogue now, so no request waits for it. */
  warm(): void {
    this.current.warm()
  }

  placesByKey(keys: readonly number[]): PlaceRow[] {
    return this.current.placesByKey(keys)
  }

  byId(id: string): PlaceRow | undefined {
    return this.current.byId(id)
  }

  placesNamed(key: string): PlaceNameRow[] {
    return this.current.placesNamed(key)
  }

  placesNamedStartingWith(key: string, limit: number): PlaceNameRow[] {
    return this.current.placesNamedStartingWith(key, limit)
  }

  placesNamedContaining(key: string, limit: number): PlaceNameRow[] {
    return this.current.placesNamedContaining(key, limit)
  }

  stats(): CatalogueStats {
    return this.current.stats()
  }

  /**
   * Re-opens the file (after it was replaced on disk) and closes the old connection. Throws,
   * keeping the old connection, when the new file cannot be opened.
   */
  reopen(): void {
    // The inode is read before opening: a swap in between costs one more reopen, never a stale one.
    const inode = inodeOf(this.file) ?? -1
    const next = new Catalogue(this.file, { readonly: true })
    // A served catalogue had its index built: the new one's is built between requests (it
    // answers from the R*Tree until then); a failure only leaves it on the R*Tree.
    if (this.#current.warmed) next.warmInBackground().catch(err => this.opts.onIndexError?.(err))
    const old = this.#current
    const from = this.opts.onSwitch ? summary(old) : undefined
    this.#current = next
    this.#inode = inode
    this.#badInode = undefined
    old.close()
    if (!from) return
    try {
      this.opts.onSwitch?.({ file: this.file, from, to: summary(next) })
    } catch {
      // Only a log line: the switch itself is done and must not count as a failed reopen.
    }
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
    this.#current.close()
  }
}

function summary(c: Catalogue): Pick<CatalogueStats, 'version' | 'places'> {
  const { version, places } = c.stats()
  return { version, places }
}

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino
  } catch {
    return undefined
  }
}
