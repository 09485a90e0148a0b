import { distanceM } from '../geo/distance.js'
import { keyLength, nameKey, startsWithWord } from '../text/fold.js'
import { brandKeys, isChainKey } from './brands.js'
import type { CatalogueNames, GazetteerEntry, GazetteerKind, GazetteerReader, PlaceName } from './place-names.js'

/** A place to search around, from the gazetteer or the catalogue itself. Points are WGS-84. */
export interface Centre {
  readonly id: string
  readonly name: string
  readonly lat: number
  readonly lng: number
  /** The gazetteer kind, or `poi` for a place of the catalogue. */
  readonly kind: GazetteerKind | 'poi'
  /** `metro` for a metro station; the category for a catalogue place. */
  readonly detail: string | null
  readonly prominence: number
}

/** How a name matched: 0 its own name, 1 a shortened form or variant, 2 a prefix, 3 a part. */
export type MatchTier = 0 | 1 | 2 | 3

export interface Found {
  readonly centre: Centre
  readonly tier: MatchTier
}

/** A chain or name many catalogue places share ("星巴克", "KFC"): a filter, not a point. */
export interface Brand {
  /** As the follower wrote it. */
  readonly label: string
  /** Folded keys to look for, other spellings included. */
  readonly keys: readonly string[]
  /** Catalogue places carrying it. */
  readonly count: number
  /** Those places, when just looked up (ranking reuses them instead of asking again). */
  readonly places?: readonly PlaceName[]
}

export interface NameSources {
  readonly gazetteer: GazetteerReader
  readonly catalogue: CatalogueNames
}

/** Places that share a name within this distance are one place (two wings of a hotel). */
const ONE_SPOT_M = 300
/** More catalogue places than this under one name are not all looked at. */
export const BRAND_LIMIT = 2000
/** A place, not a shop branch, decides a substring match on its own from this prominence. */
const STRONG_PROMINENCE = 70
/** Catalogue places rank below every gazetteer kind when names collide. */
const POI_PROMINENCE = 20
/** What "…站" / "… station" adds for stations. */
const HINT_BOOST = 30

type Hint = 'station' | 'poi' | undefined

interface Variant {
  readonly key: string
  readonly tier: MatchTier
  readonly hint: Hint
}

/** The forms of a typed name worth an exact lookup: itself, without 站 / station, without 店. */
export function variants(key: string): Variant[] {
  const out: Variant[] = [{ key, tier: 0, hint: undefined }]
  const n = keyLength(key)
  const add = (k: string, hint: Hint) => {
    const trimmed = k.trim()
    if (trimmed && trimmed !== key && !out.some(v => v.key === trimmed)) out.push({ key: trimmed, tier: 1, hint })
  }
  if (startsWithWord(key)) {
    const m = /^(.+?) (?:metro station|subway station|railway station|train station|station|metro)$/.exec(key)
    if (m) add(m[1]!, 'station')
  } else if (n >= 3) {
    if (key.endsWith('地铁站')) add(key.slice(0, -3), 'station')
    else if (key.endsWith('站')) add(key.slice(0, -1), 'station')
    else if (key.endsWith('店')) add(key.slice(0, -1), 'poi')
  }
  return out
}

export function fromEntry(e: GazetteerEntry): Centre {
  return { id: e.id, name: e.name, lat: e.lat, lng: e.lng, kind: e.kind, detail: e.detail, prominence: e.prominence }
}

export function fromPlace(p: PlaceName): Centre {
  return { id: p.id, name: p.name, lat: p.lat, lng: p.lng, kind: 'poi', detail: p.category, prominence: POI_PROMINENCE }
}

/** A found place with the prominence it competes with (its own, plus a 站/店 hint's boost). */
interface Scored extends Found {
  readonly score: number
}

function scored(centre: Centre, tier: MatchTier, hint: Hint): Scored {
  return { centre, tier, score: centre.prominence + boost(centre, hint) }
}

function better(a: Scored, b: Scored | undefined): boolean {
  if (!b) return true
  if (a.tier !== b.tier) return a.tier < b.tier
  if (a.score !== b.score) return a.score > b.score
  if (a.centre.name.length !== b.centre.name.length) return a.centre.name.length < b.centre.name.length
  return a.centre.id < b.centre.id
}

function boost(c: Centre, hint: Hint): number {
  return (hint === 'station' && c.kind === 'station') || (hint === 'poi' && c.kind === 'poi') ? HINT_BOOST : 0
}

/** All within ONE_SPOT_M of the first. */
export function oneSpot(places: readonly { lat: number; lng: number }[]): boolean {
  const [first] = places
  return first !== undefined && places.every(p => distanceM(first, p) <= ONE_SPOT_M)
}

/**
 * Looks names up in the gazetteer and the catalogue. Each method answers one kind of match;
 * query understanding (understand.ts) decides in which order to ask.
 */
export class NameResolver {
  /** One request asks about the same chain several times (exact, split, substring): look once. */
  readonly #brands = new Map<string, PlaceName[]>()

  constructor(private readonly sources: NameSources) {}

  /**
   * A place whose own name (or a shortened form, or the name without 站/店) is `key`. When only
   * the catalogue knows the name and several places far apart carry it, it is a brand; so is a
   * chain we know by name with any branch at all (one with none is left to the other lookups,
   * which fall back to it: a gazetteer place may carry the name).
   */
  exact(key: string, label: string): Found | Brand | undefined {
    let best: Scored | undefined
    let brand: Brand | undefined
    for (const v of variants(key)) {
      for (const e of this.sources.gazetteer.named(v.key)) {
        // A station is as much "人民广场站" as "人民广场": the 站 form is its own name, not a variant.
        const tier = e.derived ? 1 : v.hint === 'station' && e.kind === 'station' ? 0 : v.tier
        const f = scored(fromEntry(e), tier, v.hint)
        if (better(f, best)) best = f
      }
      if (v.tier === 0 && isChainKey(v.key)) {
        const chain = this.brand(v.key, label)
        if (chain && chain.count > 0) brand ??= chain
        continue
      }
      const places = this.sources.catalogue.placesNamed(v.key)
      if (places.length > 1 && !oneSpot(places)) {
        brand ??= this.brand(v.key, label)
        continue
      }
      for (const p of places) {
        const f = scored(fromPlace(p), v.tier, v.hint)
        if (better(f, best)) best = f
      }
    }
    return best ? { centre: best.centre, tier: best.tier } : brand
  }

  /**
   * A gazetteer place whose name starts with `key` and is not much longer ("Nanjing Road" →
   * Nanjing Road Pedestrian Street, "淮海路" → 淮海中路).
   */
  prefix(key: string): Found | undefined {
    if (keyLength(key) < 2) return undefined
    const tries = [key]
    if (!startsWithWord(key) && keyLength(key) >= 3 && key.endsWith('路')) tries.push(key.slice(0, -1))
    for (const k of tries) {
      for (const e of this.sources.gazetteer.namedStartingWith(k, 8)) {
        if (closeEnough(k, e)) return { centre: fromEntry(e), tier: 2 }
      }
    }
    return undefined
  }

  /**
   * A catalogue place whose name starts with `key` (several apart: a brand), when no gazetteer
   * name does. Stricter than `containing`, for words found beside noise.
   */
  startingWith(key: string, label: string): Found | Brand | undefined {
    const chain = isChainKey(key) ? this.brand(key, label) : undefined
    if (chain && chain.count > 0) return chain
    const prefix = this.prefix(key)
    if (prefix) return prefix
    if (chain) return chain
    const places = this.sources.catalogue.placesNamedStartingWith(key, BRAND_LIMIT)
    if (places.length === 1 || (places.length > 1 && oneSpot(places))) return { centre: fromPlace(places[0]!), tier: 2 }
    return places.length > 1 ? { label, keys: [key], count: places.length } : undefined
  }

  /**
   * Names containing `key`: a prominent gazetteer place first (步行街 → 南京路步行街); else one
   * catalogue place (or several at one spot) is the place; several apart are a brand.
   */
  containing(key: string, label: string): Found | Brand | undefined {
    // "星巴克" alone means its branches, not the one branch a small catalogue may have.
    const chain = isChainKey(key) ? this.brand(key, label) : undefined
    if (chain && chain.count > 0) return chain
    const entries = this.sources.gazetteer.namedContaining(key, 5)
    const top = entries[0]
    if (chain) return top ? { centre: fromEntry(top), tier: 3 } : chain
    if (top && top.prominence >= STRONG_PROMINENCE) return { centre: fromEntry(top), tier: 3 }
    const places = this.brandPlaces(brandKeys(key))
    if (places.length === 1 || (places.length > 1 && oneSpot(places))) return { centre: fromPlace(places[0]!), tier: 3 }
    if (places.length > 1) return { label, keys: brandKeys(key), count: places.length, places }
    return top ? { centre: fromEntry(top), tier: 3 } : undefined
  }

  /**
   * A Chinese abbreviation of a longer gazetteer name — its characters in order, the name at most
   * four characters longer: 浦东机场 → 上海浦东国际机场, 虹桥机场 → 上海虹桥国际机场.
   */
  abbreviation(key: string): Found | undefined {
    const chars = [...key]
    if (chars.length < 4 || chars.length > 8 || startsWithWord(key) || key.includes(' ')) return undefined
    const a = chars.slice(0, 2).join('')
    const b = chars.slice(-2).join('')
    for (const e of this.sources.gazetteer.namedContainingBoth(a, b, 20)) {
      for (const name of [e.name, ...e.otherNames.split('|')]) {
        const k = nameKey(name)
        if (keyLength(k) <= chars.length + 4 && inOrder(chars, k)) return { centre: fromEntry(e), tier: 3 }
      }
    }
    return undefined
  }

  /** `key` as a brand, when any catalogue place carries it or it is a chain we know (then maybe none). */
  brand(key: string, label: string): Brand | undefined {
    const keys = brandKeys(key)
    const places = this.brandPlaces(keys)
    return places.length > 0 || isChainKey(key) ? { label, keys, count: places.length, places } : undefined
  }

  /** Catalogue places whose names contain any of `keys` (exact names too, for one-character keys). */
  brandPlaces(keys: readonly string[]): PlaceName[] {
    const cacheKey = keys.join('\n')
    const cached = this.#brands.get(cacheKey)
    if (cached) return cached
    const seen = new Map<string, PlaceName>()
    for (const k of keys) {
      // A name containing the key includes one equal to it; only a key too short to look for
      // inside names (one CJK character) needs the exact lookup.
      let found = this.sources.catalogue.placesNamedContaining(k, BRAND_LIMIT)
      if (found.length === 0) found = this.sources.catalogue.placesNamed(k)
      for (const p of found) seen.set(p.id, p)
    }
    const places = [...seen.values()]
    this.#brands.set(cacheKey, places)
    return places
  }
}

/** A prefix match counts when the name adds at most three characters or two words. */
function closeEnough(key: string, e: GazetteerEntry): boolean {
  const word = startsWithWord(key)
  for (const name of [e.name, ...e.otherNames.split('|')]) {
    const k = nameKey(name)
    if (!k.startsWith(key)) continue
    const extra = k.slice(key.length)
    if (word ? extra.trim().split(' ').filter(Boolean).length <= 2 : keyLength(extra) <= 3) return true
  }
  return false
}

function inOrder(chars: readonly string[], key: string): boolean {
  let at = 0
  for (const c of chars) {
    at = key.indexOf(c, at)
    if (at < 0) return false
    at += c.length
  }
  return true
}

export function isBrand(r: Found | Brand | undefined): r is Brand {
  return r !== undefined && 'keys' in r
}
