/**
 * Synthetic catalogues for the benchmark: points clustered around real city centres (GeoNames)
 * the way shops crowd into towns, or spread evenly over a metropolitan-sized square. Seeded, so
 * every run measures the same places. Nothing generated here is ever committed.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import type { PlaceRecord } from '../../src/catalogue/record.js'
import { gaussian, seeded } from './stats.js'

export interface Centre {
  readonly name: string
  readonly lat: number
  readonly lng: number
  /** Share of the points that fall around this centre. */
  readonly weight: number
  /** Standard deviation of the cluster, metres. */
  readonly spreadM: number
}

export interface Point {
  readonly lat: number
  readonly lng: number
}

/** Many points, compactly (a million point objects would put the benchmark's own GC in the timings). */
export interface PointSet {
  readonly lat: Float64Array
  readonly lng: Float64Array
  /** Catalogue ids are `syn:<prefix><index>`. */
  readonly prefix: string
}

export function idOf(set: PointSet, i: number): string {
  return `syn:${set.prefix}${i}`
}

const M_PER_DEG = 111_320
const CATEGORIES = ['restaurant', 'cafe', 'fast_food', 'convenience', 'supermarket', 'bank', 'hotel', 'bar']
const WORDS = ['Golden', 'Lotus', 'Harbour', 'Garden', 'Jade', 'River', 'Maple', 'Lucky', 'Panda', 'Silk', 'Cloud', 'Bamboo']
const ZH = ['小笼包', '咖啡', '面馆', '便利店', '酒店', '茶餐厅', '火锅', '烘焙', '超市', '银行']

/**
 * `count` city centres drawn from the GeoNames file, with Zipf-like weights (a few big towns,
 * many small ones) and cluster spreads from 0.5 to 6 km.
 */
export function cityCentres(citiesCsv: string, count: number, seed = 1): Centre[] {
  const rows = parse(readFileSync(citiesCsv), { columns: true, skip_empty_lines: true }) as Record<string, string>[]
  const rnd = seeded(seed)
  const picked = new Set<number>()
  while (picked.size < Math.min(count, rows.length)) picked.add(Math.floor(rnd() * rows.length))
  const centres = [...picked].map((i, rank) => {
    const r = rows[i]!
    return { name: r.name!, lat: Number(r.lat), lng: Number(r.lon), weight: 1 / (rank + 1) ** 0.7, spreadM: 500 + rnd() * 5500 }
  })
  const total = centres.reduce((s, c) => s + c.weight, 0)
  return centres.map(c => ({ ...c, weight: c.weight / total }))
}

/** `n` points around the centres, each centre getting its weight's share. */
export function clusteredPoints(n: number, centres: readonly Centre[], prefix: string, seed = 2): PointSet {
  const rnd = seeded(seed)
  const cumulative: number[] = []
  let acc = 0
  for (const c of centres) cumulative.push((acc += c.weight))
  const set = { lat: new Float64Array(n), lng: new Float64Array(n), prefix }
  for (let i = 0; i < n; i++) {
    const c = centres[lowerBound(cumulative, rnd() * acc)]!
    const p = around(c, c.spreadM, rnd)
    set.lat[i] = round7(p.lat)
    set.lng[i] = round7(p.lng)
  }
  return set
}

/** A point at a normal offset of `spreadM` metres around `p` (clamped to valid coordinates). */
export function around(p: Point, spreadM: number, rnd: () => number): Point {
  const lat = clamp(p.lat + (gaussian(rnd) * spreadM) / M_PER_DEG, -89.9, 89.9)
  let lng = p.lng + (gaussian(rnd) * spreadM) / (M_PER_DEG * Math.cos((lat * Math.PI) / 180))
  if (lng > 180) lng -= 360
  if (lng < -180) lng += 360
  return { lat, lng }
}

/** About 100 km × 100 km around Shanghai: as large as a big city's whole catalogue area. */
export const UNIFORM_AREA = { minLat: 30.7, maxLat: 31.6, minLng: 120.95, maxLng: 122.0 } as const

export function uniformPoints(n: number, prefix: string, seed = 3, area = UNIFORM_AREA): PointSet {
  const rnd = seeded(seed)
  const set = { lat: new Float64Array(n), lng: new Float64Array(n), prefix }
  for (let i = 0; i < n; i++) {
    set.lat[i] = round7(area.minLat + rnd() * (area.maxLat - area.minLat))
    set.lng[i] = round7(area.minLng + rnd() * (area.maxLng - area.minLng))
  }
  return set
}

/** The catalogue record of point `i`: names of realistic length in mixed scripts, an address. */
export function placeRecord(set: PointSet, i: number): PlaceRecord {
  return {
    id: idOf(set, i),
    name: `${WORDS[i % WORDS.length]} ${ZH[(i >> 3) % ZH.length]} ${i}`,
    nameZh: null,
    nameEn: null,
    category: CATEGORIES[(i * 7) % CATEGORIES.length]!,
    lat: set.lat[i]!,
    lng: set.lng[i]!,
    address: `${(i % 999) + 1} ${WORDS[(i >> 2) % WORDS.length]} Road`,
    phone: null,
    url: null,
    pictureUrl: null,
    source: 'bench-synthetic',
  }
}

/** The points as a CSV file in the import's minimal layout, written in chunks. */
export function writeCsv(file: string, set: PointSet): void {
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, 'id,name,category,lat,lng,address\n')
    const lines: string[] = []
    for (let i = 0; i < set.lat.length; i++) {
      const r = placeRecord(set, i)
      lines.push(`${r.id},${r.name},${r.category},${r.lat},${r.lng},${r.address}`)
      if (lines.length === 50_000 || i === set.lat.length - 1) {
        writeSync(fd, lines.join('\n') + '\n')
        lines.length = 0
      }
    }
  } finally {
    closeSync(fd)
  }
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x))
}
