import { Catalogue, type BoxQuery, type CatalogueStats, type PlaceNameRow, type PlaceRow } from './repository.js'

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

  inBoxOfCategories(box: BoxQuery, categories: readonly string[]): PlaceRow[] {
    return this.#current.inBoxOfCategories(box, categories)
  }

  byId(id: string): PlaceRow | undefined {
    return this.#current.byId(id)
  }

  placesNamed(key: string): PlaceNameRow[] {
    return this.#current.placesNamed(key)
  }

  placesNamedStartingWith(key: string, limit: number): PlaceNameRow[] {
    return this.#current.placesNamedStartingWith(key, limit)
  }

  placesNamedContaining(key: string, limit: number): PlaceNameRow[] {
    return this.#current.placesNamedContaining(key, limit)
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
