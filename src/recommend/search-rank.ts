import type { LatLng } from '../geo/datum.js'
import { distanceM } from '../geo/distance.js'
import { byDistanceThenId, nearestPlaces } from './nearest.js'
import type { CatalogueReader, RankedPlace } from './place.js'
import { NO_GAZETTEER, type CatalogueNames, type PlaceName } from './place-names.js'
import { NameResolver } from './resolve-name.js'
import type { Wish } from './wishes.js'

export interface SearchRankOptions {
  readonly limit: number
  readonly maxRadiusM: number
  /** Only places of these kinds. */
  readonly wishes?: readonly Wish[] | undefined
  /** Only places whose names carry one of these folded keys (a chain, brands.ts). */
  readonly brandKeys?: readonly string[] | undefined
  /** The chain's places when already looked up for these keys. */
  readonly branches?: readonly PlaceName[] | undefined
}

/**
 * The nearest places to `at` for a text search. A chain is ranked from its own branches (found
 * by name, usually tens), kinds of place by a box search filtered in storage, anything else by
 * the plain nearest-place search. Nearest first, ties by id, like nearestPlaces.
 */
export function rankForSearch(at: LatLng, catalogue: CatalogueReader & CatalogueNames, opts: SearchRankOptions): RankedPlace[] {
  const categories = opts.wishes && opts.wishes.length > 0 ? [...new Set(opts.wishes.flatMap(w => w.categories))] : undefined
  if (opts.brandKeys && opts.brandKeys.length > 0) {
    let branches = opts.branches ?? new NameResolver({ gazetteer: NO_GAZETTEER, catalogue }).brandPlaces(opts.brandKeys)
    if (categories) branches = branches.filter(p => categories.includes(p.category))
    return nearestAmong(at, branches, catalogue, opts)
  }
  return nearestPlaces(at, catalogue, { limit: opts.limit, maxRadiusM: opts.maxRadiusM, ...(categories ? { categories } : {}) })
}

function nearestAmong(at: LatLng, candidates: readonly PlaceName[], catalogue: CatalogueNames, opts: SearchRankOptions): RankedPlace[] {
  const ranked: RankedPlace[] = []
  for (const p of candidates) {
    const d = distanceM(at, p)
    if (d <= opts.maxRadiusM) ranked.push({ place: p as RankedPlace['place'], distanceM: d })
  }
  ranked.sort(byDistanceThenId)
  // Only the places shown are read in full.
  const out: RankedPlace[] = []
  for (const r of ranked.slice(0, opts.limit)) {
    const place = catalogue.byId(r.place.id)
    if (place) out.push({ place, distanceM: r.distanceM })
  }
  return out
}
