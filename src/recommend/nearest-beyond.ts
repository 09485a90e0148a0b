import { boxesAround } from '../geo/box.js'
import type { LatLng } from '../geo/datum.js'
import { distanceM } from '../geo/distance.js'
import { nearestPlaces } from './nearest.js'
import type { CatalogueReader, PlacePoint, RankedPlace } from './place.js'

/** Half the Earth's circumference: every place is nearer than this. */
export const ANYWHERE_M = 20_040_000
/** A box read here never returns more than this many positions. */
const SAMPLE = 64
/** The edge of the nearest place is found to this share of its distance. */
const PRECISION = 0.01

/**
 * The nearest place (optionally of some categories) when none lies within `beyondM` of `at`:
 * to tell a follower in Beijing where the catalogue does have places. Made of a few capped box
 * reads (each asks for at most SAMPLE positions), never a full read of a large box, so it costs
 * about the same on a catalogue of a thousand places or a million: the box is grown until it
 * holds a place, its edge narrowed down by halving, and the few places at that edge ranked.
 * Exact when fewer than SAMPLE places are nearer than the first one found; from another
 * continent (the box then spans whole bands of latitude) a near one, within about 1 %.
 * Readers that only offer `inBox` are searched with nearestPlaces.
 */
export function nearestBeyond(at: LatLng, reader: CatalogueReader, beyondM: number, categories?: readonly string[]): RankedPlace | undefined {
  const { pointsInBox, placesByKey } = reader
  if (!pointsInBox || !placesByKey) return nearestPlaces(at, reader, { limit: 1, maxRadiusM: ANYWHERE_M, ...(categories ? { categories } : {}) })[0]
  const inside = (radiusM: number, max: number): PlacePoint[] =>
    boxesAround(at, radiusM).flatMap(box => pointsInBox.call(reader, box, max, categories))
  // Grow: the first box (×4 each time) that holds any place.
  let empty = 0
  let full = Math.max(beyondM, 1)
  while (inside(full, 1).length === 0) {
    if (full >= ANYWHERE_M) return undefined
    empty = full
    full = Math.min(ANYWHERE_M, full * 4)
  }
  // Narrow: the smallest box holding a place, to PRECISION.
  while (full - empty > full * PRECISION) {
    const mid = (empty + full) / 2
    if (inside(mid, 1).length > 0) full = mid
    else empty = mid
  }
  // The nearest of the few places at the edge; then every place nearer than that one, if few.
  let best = nearestOf(at, inside(full, SAMPLE))
  if (!best) return undefined
  const closer = inside(best.distanceM, SAMPLE)
  if (closer.length < SAMPLE) best = nearestOf(at, closer) ?? best
  const place = placesByKey.call(reader, [best.point.key])[0]
  return place ? { place, distanceM: best.distanceM } : undefined
}

function nearestOf(at: LatLng, points: readonly PlacePoint[]): { point: PlacePoint; distanceM: number } | undefined {
  let best: { point: PlacePoint; distanceM: number } | undefined
  for (const point of points) {
    const d = distanceM(at, point)
    if (!best || d < best.distanceM || (d === best.distanceM && point.id < best.point.id)) best = { point, distanceM: d }
  }
  return best
}
