import type { LatLng } from '../geo/datum.js'
import { boxesAround, type Box } from '../geo/box.js'
import { distanceM } from '../geo/distance.js'
import { DensityMemo } from './density-memo.js'
import type { CatalogueReader, Place, PlacePosition, RankedPlace } from './place.js'

export interface NearestOptions {
  /** How many places to return at most. */
  readonly limit: number
  /** Places farther than this are never returned (metres). */
  readonly maxRadiusM: number
  /** First search radius; by default sized from the density earlier searches saw here (metres). */
  readonly startRadiusM?: number
  /** Keep only places this predicate accepts, before ranking. */
  readonly accept?: (place: Place) => boolean
  /** Keep only places of these categories; asked of storage, where filtering is cheapest. */
  readonly categories?: readonly string[]
}

/** First radius where no search has run yet nearby (then the memo knows better). */
const DEFAULT_START_RADIUS_M = 200
const MIN_START_RADIUS_M = 10
/**
 * A box holding this many times the limit or more was far too large (a dense
 * centre the memo did not know yet): its rows are not all read; the box shrinks to the size the
 * density seen calls for and is read again. Bounds the cost of a bad first guess.
 */
const OVERSHOOT = 8
/** Aim the first box a little past the limit-th place, so one box query usually suffices. */
const START_MARGIN = 1.2

interface Located {
  readonly lat: number
  readonly lng: number
}

interface Identified extends Located {
  readonly id: string
}

interface Ranked<T> {
  readonly item: T
  readonly distanceM: number
}

// One memo per catalogue reader and kind of place: densities belong to a catalogue (and go
// when it does), and hotels are far sparser than places in general.
const memos = new WeakMap<CatalogueReader, Map<string, DensityMemo>>()

function memoFor(reader: CatalogueReader, categories: readonly string[] | undefined): DensityMemo {
  let byKind = memos.get(reader)
  if (!byKind) memos.set(reader, (byKind = new Map()))
  const kind = categories ? [...categories].sort().join(',') : ''
  let memo = byKind.get(kind)
  if (!memo) byKind.set(kind, (memo = new DensityMemo()))
  return memo
}

/**
 * The `limit` places nearest to `at` (WGS-84), nearest first, ties broken by id so the order is
 * stable. The R*Tree box is only a prefilter: it is widened until the circle inscribed in it
 * holds `limit` places (then nothing outside the box can be nearer than those), or until it
 * reaches `maxRadiusM`. The first box is sized from the density earlier searches saw around
 * `at`, each widening from the density seen so far. When the reader offers positions only
 * (`positionsInBox`, or `pointsInBox` with ids), ranking reads those and only the winners'
 * details are fetched.
 */
export function nearestPlaces(at: LatLng, reader: CatalogueReader, opts: NearestOptions): RankedPlace[] {
  return nearestRanked(at, reader, opts, opts.limit).places
}

/**
 * The `limit` nearest places, as nearestPlaces gives them, and whether at least one more lies
 * within `maxRadiusM` (so "更多" will find something). The one after them is ranked but its
 * details are not read: on a large catalogue each detail is a read from disk, and one more per
 * reply was a tenth more of them.
 */
export function nearestPlacesAndMore(at: LatLng, reader: CatalogueReader, opts: NearestOptions): { places: RankedPlace[]; more: boolean } {
  const { places, ranked } = nearestRanked(at, reader, opts, opts.limit + 1)
  return { places, more: ranked > opts.limit }
}

/**
 * Ranks at least `rankAtLeast` places (when there are) and returns the first `opts.limit` with
 * their details, and how many were ranked.
 */
function nearestRanked(at: LatLng, reader: CatalogueReader, opts: NearestOptions, rankAtLeast: number): { places: RankedPlace[]; ranked: number } {
  const { categories, limit } = opts
  const wide = rankAtLeast === limit ? opts : { ...opts, limit: rankAtLeast }
  const memo = memoFor(reader, categories)
  const { positionsInBox, pointsInBox, placesByKey } = reader
  const cap = rankAtLeast * OVERSHOOT
  if (positionsInBox && placesByKey && !opts.accept) {
    const ranked = search(at, (box, max) => positionsInBox.call(reader, box, max, categories), wide, memo, cap, byItemDistance)
    return { places: withDetails(ranked, limit, keys => placesByKey.call(reader, keys)), ranked: ranked.length }
  }
  if (pointsInBox && placesByKey && !opts.accept) {
    const all = search(at, (box, max) => pointsInBox.call(reader, box, max, categories), wide, memo, cap, byItemDistanceThenId)
    const ranked = all.slice(0, limit)
    const places = placesByKey.call(reader, ranked.map(r => r.item.key))
    // Same synchronous turn, same catalogue: a mismatch would be a bug, so it never goes unnoticed.
    if (places.length !== ranked.length || places.some((p, i) => p.id !== ranked[i]!.item.id)) {
      throw new Error('catalogue returned other places than the ones ranked')
    }
    return { places: ranked.map((r, i) => ({ place: places[i]!, distanceM: r.distanceM })), ranked: all.length }
  }
  const { accept } = opts
  const ofKind = categories ? new Set(categories) : undefined
  const fetch =
    categories && reader.inBoxOfCategories
      ? (box: Box) => reader.inBoxOfCategories!(box, categories)
      : ofKind
        ? (box: Box) => reader.inBox(box).filter(p => ofKind.has(p.category))
        : (box: Box) => reader.inBox(box)
  const read = accept ? (box: Box) => fetch(box).filter(accept) : fetch
  const all = search(at, read, wide, memo, -1, byItemDistanceThenId)
  return { places: all.slice(0, limit).map(r => ({ place: r.item, distanceM: r.distanceM })), ranked: all.length }
}

/**
 * The first `limit` of `ranked` (sorted by distance) with their details. Equal distances are
 * ordered by id, which only the details carry: every place tied with the last one kept is
 * fetched too, then ties are put in id order and the list cut to `limit`.
 */
function withDetails(ranked: Ranked<PlacePosition>[], limit: number, fetch: (keys: number[]) => Place[]): RankedPlace[] {
  let end = Math.min(limit, ranked.length)
  if (end === 0) return []
  const last = ranked[end - 1]!.distanceM
  while (end < ranked.length && ranked[end]!.distanceM === last) end++
  const keys: number[] = []
  for (let i = 0; i < end; i++) keys.push(ranked[i]!.item.key)
  const places = fetch(keys)
  const out: RankedPlace[] = []
  for (let i = 0; i < end; i++) {
    const r = ranked[i]!
    const place = places[i]
    // Same synchronous turn, same catalogue: a mismatch would be a bug, so it never goes unnoticed.
    if (!place || place.lat !== r.item.lat || place.lng !== r.item.lng) throw new Error('catalogue returned other places than the ones ranked')
    out.push({ place, distanceM: r.distanceM })
  }
  if (places.length !== end) throw new Error('catalogue returned other places than the ones ranked')
  if (end > 1) out.sort(byDistanceThenId)
  return out.length > limit ? out.slice(0, limit) : out
}

/**
 * Every item within the final search radius, sorted by `order`. `read(box, max)` returns at
 * most `max` items of the box (all when negative); a read that returns `max` was cut short
 * (see OVERSHOOT) and is never ranked.
 */
function search<T extends Located>(
  at: LatLng,
  read: (box: Box, max: number) => T[],
  opts: NearestOptions,
  memo: DensityMemo,
  cap: number,
  order: (a: Ranked<T>, b: Ranked<T>) => number,
): Ranked<T>[] {
  const { limit, maxRadiusM } = opts
  let radius = Math.min(opts.startRadiusM ?? startRadius(memo.at(at), limit), maxRadiusM)
  // Boxes this large or larger are read in full: one was cut short here, and growing back to it
  // means its rows are needed. (Also the smallest box: its rows are few, or all there is.)
  let fullFrom = Number.POSITIVE_INFINITY
  let cuts = 0
  read: for (;;) {
    const ranked: Ranked<T>[] = []
    const max = radius > MIN_START_RADIUS_M && radius < fullFrom ? cap : -1
    for (const box of boxesAround(at, radius)) {
      const items = read(box, max)
      if (max > 0 && items.length >= max) {
        // At least `max` in this box: size the next one for that density (twice at most).
        fullFrom = ++cuts >= 2 ? 0 : radius
        const density = max / (2 * radius) ** 2
        radius = Math.max(MIN_START_RADIUS_M, Math.min(radius / 2, startRadius(density, limit)))
        continue read
      }
      for (const item of items) {
        const d = distanceM(at, item)
        if (d <= radius) ranked.push({ item, distanceM: d })
      }
    }
    if (ranked.length >= limit || radius >= maxRadiusM) {
      memo.learn(at, ranked.length, radius)
      return ranked.sort(order)
    }
    radius = Math.min(maxRadiusM, nextRadius(radius, ranked.length, limit))
  }
}

/** The radius expected to hold `limit` places at `density` (per m²), with a margin. */
function startRadius(density: number | undefined, limit: number): number {
  if (density === undefined) return DEFAULT_START_RADIUS_M
  if (density === 0) return Number.POSITIVE_INFINITY
  return Math.max(MIN_START_RADIUS_M, Math.sqrt(limit / (Math.PI * density)) * START_MARGIN)
}

/** Grow so the circle should hold `limit` at the density seen so far; at least by half. */
function nextRadius(radius: number, found: number, limit: number): number {
  if (found === 0) return radius * 4
  const scale = Math.sqrt(limit / found) * START_MARGIN
  return radius * Math.max(1.5, scale)
}

function byItemDistance(a: Ranked<Located>, b: Ranked<Located>): number {
  return a.distanceM - b.distanceM
}

function byItemDistanceThenId(a: Ranked<Identified>, b: Ranked<Identified>): number {
  return a.distanceM - b.distanceM || (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0)
}

export function byDistanceThenId(a: RankedPlace, b: RankedPlace): number {
  return a.distanceM - b.distanceM || (a.place.id < b.place.id ? -1 : a.place.id > b.place.id ? 1 : 0)
}
