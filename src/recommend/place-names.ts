import type { Place } from './place.js'

/**
 * What query understanding needs from storage to resolve names (ports; the catalogue and the
 * gazetteer classes fit them structurally). Keys are folded with src/text/fold.ts on both sides.
 */

export type GazetteerKind = 'landmark' | 'street' | 'station' | 'district' | 'subdistrict' | 'place'

/** A named place to search around (landmark, station, district …). Points are WGS-84. */
export interface GazetteerEntry {
  readonly id: string
  readonly name: string
  readonly otherNames: string
  readonly kind: GazetteerKind
  /** A finer kind, e.g. `metro` for a metro station. */
  readonly detail: string | null
  readonly lat: number
  readonly lng: number
  /** 0–100: which of several places sharing a name people most likely mean. */
  readonly prominence: number
  readonly source: string
  /** Matched a shortened form (黄浦 for 黄浦区), not the name itself. */
  readonly derived: boolean
}

export interface GazetteerReader {
  /** Entries one of whose keys equals `key`, most prominent first. */
  named(key: string): GazetteerEntry[]
  namedStartingWith(key: string, limit: number): GazetteerEntry[]
  namedContaining(key: string, limit: number): GazetteerEntry[]
  /** Entries with names containing both keys, most prominent first. */
  namedContainingBoth(a: string, b: string, limit: number): GazetteerEntry[]
}

/** A catalogue place found by name: enough to search around it or to filter by it. */
export type PlaceName = Pick<Place, 'id' | 'name' | 'category' | 'lat' | 'lng'>

/** The catalogue's own places, by name. */
export interface CatalogueNames {
  placesNamed(key: string): PlaceName[]
  placesNamedStartingWith(key: string, limit: number): PlaceName[]
  placesNamedContaining(key: string, limit: number): PlaceName[]
  /** The whole row of a place found by name. */
  byId(id: string): Place | undefined
}

/** For a server without a gazetteer file: only the catalogue's own names are found. */
export const NO_GAZETTEER: GazetteerReader = {
  named: () => [],
  namedStartingWith: () => [],
  namedContaining: () => [],
  namedContainingBoth: () => [],
}
