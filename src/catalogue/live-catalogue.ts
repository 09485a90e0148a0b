import { FollowedFile } from './followed-file.js'
import { Catalogue, type BoxQuery, type CatalogueStats, type PlaceNameRow, type PlaceRow, type PointRow, type PositionRow } from './repository.js'

export interface LiveCatalogueOptions {
  /** Told when a replaced file cannot be opened; the previous catalogue keeps answering. */
  readonly onReopenError?: (err: unknown) => void
  /** Look at the file's inode at most this often (ms); by default on every query (see FollowedFile). */
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
  readonly #file: FollowedFile<Catalogue>

  constructor(
    readonly file: string,
    opts: LiveCatalogueOptions = {},
  ) {
    this.#file = new FollowedFile(file, {
      open: f => new Catalogue(f, { readonly: true }),
      close: c => c.close(),
      followEveryMs: opts.followEveryMs,
      onReopenError: opts.onReopenError,
      onReplaced: (old, next) => {
        // A served catalogue had its index built: the new one's is built between requests (it
        // answers from the R*Tree until then); a failure only leaves it on the R*Tree.
        if (old.warmed) next.warmInBackground().catch(err => opts.onIndexError?.(err))
        // Counting the places reads the whole table: only when somebody listens.
        if (opts.onSwitch) opts.onSwitch({ file, from: summary(old), to: summary(next) })
      },
    })
  }

  get current(): Catalogue {
    return this.#file.current
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
    this.#file.reopen()
  }

  close(): void {
    this.#file.close()
  }
}

function summary(c: Catalogue): Pick<CatalogueStats, 'version' | 'places'> {
  const { version, places } = c.stats()
  return { version, places }
}
