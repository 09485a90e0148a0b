import type { Box } from '../geo/box.js'

/** A catalogue entry as the domain sees it. Coordinates are WGS-84. */
export interface Place {
  readonly id: string
  readonly name: string
  readonly nameZh: string | null
  readonly nameEn: string | null
  readonly category: string
  readonly lat: number
  readonly lng: number
  readonly address: string | null
  readonly phone: string | null
  readonly url: string | null
  readonly pictureUrl: string | null
}

/** Where a place is, and nothing else: enough to rank by distance. `key` fetches the details. */
export interface PlacePosition {
  readonly key: number
  readonly lat: number
  readonly lng: number
}

/** A position with the place's id. */
export interface PlacePoint extends PlacePosition {
  readonly id: string
}

/** What the domain needs from storage. The catalogue's repository fits it structurally. */
export interface CatalogueReader {
  /** Every place inside the rectangle (any order). */
  inBox(box: Box): Place[]
  /** Only places of these categories inside the rectangle; optional (else inBox is filtered). */
  inBoxOfCategories?(box: Box, categories: readonly string[]): Place[]
  /**
   * Optional fast path for ranking: only the positions inside the rectangle (at most `max` of
   * them, any order; only of `categories` when given), then the details of the winners by key
   * (in the order asked). A reader without it is read with `inBox`.
   */
  pointsInBox?(box: Box, max: number, categories?: readonly string[]): PlacePoint[]
  placesByKey?(keys: readonly number[]): Place[]
  /**
   * Optional, preferred over `pointsInBox`: the same without ids (an index held in memory
   * need not keep a million strings). Distance ties are then ordered by the ids of the
   * details fetched with `placesByKey`.
   */
  positionsInBox?(box: Box, max: number, categories?: readonly string[]): PlacePosition[]
}

export interface RankedPlace {
  readonly place: Place
  /** Great-circle distance from the query point, metres. */
  readonly distanceM: number
}
