import { AppError } from '../errors.js'
import type { RawField, RawPlace } from './record.js'

type Json = Record<string, unknown>

const PROPERTY_ALIASES: Partial<Record<RawField, readonly string[]>> = {
  id: ['id', '@id', 'place_id'],
  name: ['name', 'title'],
  nameZh: ['name_zh', 'name:zh'],
  nameEn: ['name_en', 'name:en'],
  category: ['category', 'type', 'amenity', 'tourism', 'shop'],
  datum: ['crs', 'datum'],
  address: ['address', 'addr:full'],
  phone: ['phone', 'contact:phone'],
  url: ['url', 'website', 'contact:website'],
  pictureUrl: ['picture_url', 'image'],
  source: ['source'],
}

/**
 * GeoJSON FeatureCollection → raw rows (RFC 7946: coordinates are [lng, lat], WGS-84).
 * `line` is the feature's 1-based position. Polygons and lines are reduced to one point
 * inside them (see representativePoint).
 */
export function readGeoJson(text: string): RawPlace[] {
  let doc: unknown
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new AppError('IMPORT_BAD_FILE', `GeoJSON is not valid JSON: ${(err as Error).message}`, 400, { cause: err })
  }
  const features = isObj(doc) && doc.type === 'FeatureCollection' && Array.isArray(doc.features) ? doc.features : undefined
  if (!features) throw new AppError('IMPORT_BAD_FILE', 'GeoJSON must be a FeatureCollection', 400)
  if (features.length === 0) throw new AppError('IMPORT_BAD_FILE', 'the file is empty (no features)', 400)
  return features.map((feature, i) => toRaw(feature, i + 1))
}

function toRaw(feature: unknown, line: number): RawPlace {
  const fields: Partial<Record<RawField, string>> = {}
  if (!isObj(feature)) return { line, fields }
  const props = isObj(feature.properties) ? feature.properties : {}
  for (const [field, aliases] of Object.entries(PROPERTY_ALIASES) as [RawField, readonly string[]][]) {
    for (const key of aliases) {
      const v = props[key]
      if (typeof v === 'string' || typeof v === 'number') {
        fields[field] = String(v)
        break
      }
    }
  }
  if (fields.id === undefined && (typeof feature.id === 'string' || typeof feature.id === 'number')) fields.id = String(feature.id)
  const point = isObj(feature.geometry) ? representativePoint(feature.geometry) : undefined
  if (point) {
    fields.lng = String(point[0])
    fields.lat = String(point[1])
  }
  return { line, fields }
}

/**
 * A point for any geometry: a Point itself, a MultiPoint's first point, a line's middle vertex
 * (of its first part), an area's centroid when it lies inside, else a point on its widest span.
 */
export function representativePoint(geometry: Json): [number, number] | undefined {
  const c = geometry.coordinates
  switch (geometry.type) {
    case 'Point':
      return isPosition(c) ? [c[0], c[1]] : undefined
    case 'MultiPoint':
      // Separate points (a shop's entrances, say) have no middle: the first one stands for them.
      return Array.isArray(c) && isPosition(c[0]) ? [c[0][0], c[0][1]] : undefined
    case 'LineString':
      return Array.isArray(c) && isPosition(c[0]) ? middleVertex(c as number[][]) : undefined
    case 'MultiLineString':
      return Array.isArray(c) && Array.isArray(c[0]) && isPosition(c[0][0]) ? middleVertex(c[0] as number[][]) : undefined
    case 'Polygon':
      return Array.isArray(c) && Array.isArray(c[0]) && isPosition(c[0][0]) ? pointInRing(c[0] as number[][]) : undefined
    case 'MultiPolygon':
      return Array.isArray(c) && Array.isArray(c[0]) && Array.isArray(c[0][0]) && isPosition(c[0][0][0])
        ? pointInRing(c[0][0] as number[][])
        : undefined
    default:
      return undefined
  }
}

function middleVertex(points: number[][]): [number, number] {
  const p = points[Math.floor(points.length / 2)]!
  return [p[0]!, p[1]!]
}

/**
 * The ring's area centroid when it falls inside the ring; for concave shapes (an L, a U) where
 * it does not, the middle of the widest span of a horizontal line through the ring's middle.
 */
function pointInRing(ring: number[][]): [number, number] {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    const f = xj * yi - xi * yj
    a += f
    cx += (xj + xi) * f
    cy += (yj + yi) * f
  }
  if (a !== 0) {
    const c: [number, number] = [cx / (3 * a), cy / (3 * a)]
    if (insideRing(c, ring)) return c
  }
  return scanlinePoint(ring) ?? middleVertex(ring)
}

function scanlinePoint(ring: number[][]): [number, number] | undefined {
  const ys = ring.map(p => p[1] as number)
  const y = (Math.min(...ys) + Math.max(...ys)) / 2
  const xs: number[] = []
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi)
  }
  xs.sort((a, b) => a - b)
  let best: [number, number] | undefined
  let width = -1
  for (let k = 0; k + 1 < xs.length; k += 2) {
    const w = xs[k + 1]! - xs[k]!
    if (w > width) {
      width = w
      best = [(xs[k]! + xs[k + 1]!) / 2, y]
    }
  }
  return best
}

function insideRing([x, y]: [number, number], ring: number[][]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isPosition(v: unknown): v is [number, number] {
  return Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number'
}
