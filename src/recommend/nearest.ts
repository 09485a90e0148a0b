import type { LatLng } from '../geo/datum.js'
import { boxesAround, type Box } from '../geo/box.js'
import { distanceM } from '../geo/distance.js'
import type { CatalogueReader, Place, RankedPlace } from './place.js'

export interface NearestOptions {
  /** How many places to return at most. */
  readonly limit: number
  /** Places farther than this are never returned (metres). */
  readonly maxRadiusM: number
  /** First search radius; the search widens from here (metres). */
  readonly startRadiusM?: number
  /** Keep only places this predicate accepts (e.g. a category), before ranking. */
  readonly accept?: (place: Place) => boolean
  /** Keep only places of these categories; asked of storage when it can filter. */
  readonly categories?: readonly string[]
}

const DEFAULT_START_RADIUS_M = 200

/**
 * The `limit` places nearest to `at` (WGS-84), nearest first, ties broken by id so the order is
 * stable. The R*Tree box is only a prefilter: it is widened until the circle inscribed in it
 * holds `limit` places (then nothing outside the box can be nearer than those), or until it
 * reaches `maxRadiusM`. Each widening is sized from the density seen so far.
 */
export function nearestPlaces(at: LatLng, reader: CatalogueReader, opts: NearestOptions): RankedPlace[] {
  const { limit, maxRadiusM, accept, categories } = opts
  const inStorage = categories !== undefined && reader.inBoxOfCategories !== undefined
  const fetch = inStorage ? (b: Box) => reader.inBoxOfCategories!(b, categories) : (b: Box) => reader.inBox(b)
  const ofKind = categories !== undefined && !inStorage ? new Set(categories) : undefined
  let radius = Math.min(opts.startRadiusM ?? DEFAULT_START_RADIUS_M, maxRadiusM)
  for (;;) {
    const ranked: RankedPlace[] = []
    for (const box of boxesAround(at, radius)) {
      for (const place of fetch(box)) {
        if (ofKind && !ofKind.has(place.category)) continue
        if (accept && !accept(place)) continue
        const d = distanceM(at, place)
        if (d <= radius) ranked.push({ place, distanceM: d })
      }
    }
    if (ranked.length >= limit || radius >= maxRadiusM) {
      ranked.sort(byDistanceThenId)
      return ranked.slice(0, limit)
    }
    radius = Math.min(maxRadiusM, nextRadius(radius, ranked.length, limit))
  }
}

/** Grow so the circle should hold `limit` at the density seen so far; at least double. */
function nextRadius(radius: number, found: number, limit: number): number {
  if (found === 0) return radius * 4
  const scale = Math.sqrt(limit / found) * 1.2
  return radius * Math.max(2, scale)
}

export function byDistanceThenId(a: RankedPlace, b: RankedPlace): number {
  return a.distanceM - b.distanceM || (a.place.id < b.place.id ? -1 : a.place.id > b.place.id ? 1 : 0)
}
