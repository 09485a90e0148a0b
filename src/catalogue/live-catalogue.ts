import { Catalogue, type BoxQuery, type CatalogueStats, type PlaceRow, type PointRow } from './repository.js'

/**
 * The catalogue a running server answers from. Requests always go through `current`, so a
 * refreshed database can be swapped in between two requests without a restart; the one it
 * replaces is closed once the swap is done.
 */
export class LiveCatalogue {
  #current: Catalogue

  constructor(readonly file: string) {
    this.#current = new Catalogue(file)
  }

  get current(): Catalogue {
    return this.#current
  }

  inBox(box: BoxQuery): PlaceRow[] {
    return this.#current.inBox(box)
  }

  pointsInBox(box: BoxQuery, max?: number): PointRow[] {
    return this.#current.pointsInBox(box, max)
  }

  placesByKey(keys: readonly number[]): PlaceRow[] {
    return this.#current.placesByKey(keys)
  }

  byId(id: string): PlaceRow | undefined {
    return this.#current.byId(id)
  }

  stats(): CatalogueStats {
    return this.#current.stats()
  }

  /** Re-opens the file (after it was replaced on disk) and closes the old connection. */
  reopen(): void {
    const next = new Catalogue(this.file)
    const old = this.#current
    this.#current = next
    old.close()
  }

  close(): void {
    this.#current.close()
  }
}
