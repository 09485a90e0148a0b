import { toWgs84, type Datum } from '../geo/datum.js'
import type { PlaceRow } from './repository.js'

/** One place ready to store: a stored row plus where it came from. */
export interface PlaceRecord extends PlaceRow {
  readonly source: string
}

/** A source row after column mapping, before checks: every value still text as read. */
export interface RawPlace {
  /** 1-based line (CSV) or feature number (GeoJSON), for the import report. */
  readonly line: number
  readonly fields: Partial<Record<RawField, string>>
}

export type RawField =
  | 'id' | 'name' | 'nameZh' | 'nameEn' | 'category' | 'lat' | 'lng' | 'datum'
  | 'address' | 'phone' | 'url' | 'pictureUrl' | 'source'

export interface Refusal {
  readonly line: number
  readonly reason: string
}

export const DEFAULT_CATEGORY = 'other'
export const DATUMS: readonly Datum[] = ['wgs84', 'gcj02', 'bd09']

/** What a row without a value of its own gets. */
export interface RowDefaults {
  /** Datum of rows without a datum column of their own. */
  readonly datum: Datum
  /** Provenance stored with rows without a `source` column. */
  readonly source: string
  /** Category of rows without one (e.g. `metro_station` for a station list). */
  readonly category?: string
}

/**
 * Checks one row and converts its coordinates to WGS-84. Returns the record, or the reason it
 * was refused.
 */
export function toRecord(raw: RawPlace, defaults: RowDefaults): PlaceRecord | Refusal {
  const f = raw.fields
  const id = clean(f.id)
  const name = clean(f.name) ?? clean(f.nameZh) ?? clean(f.nameEn)
  if (!id) return refusal(raw.line, 'missing id')
  if (!name) return refusal(raw.line, 'missing name')
  const latText = clean(f.lat)
  const lngText = clean(f.lng)
  if (!latText || !lngText) return refusal(raw.line, 'missing latitude or longitude')
  const lat = decimal(latText)
  const lng = decimal(lngText)
  if (lat === undefined) return refusal(raw.line, `latitude ${JSON.stringify(latText)} is not a number`)
  if (lng === undefined) return refusal(raw.line, `longitude ${JSON.stringify(lngText)} is not a number`)
  if (Math.abs(lat) > 90) {
    const hint = Math.abs(lng) <= 90 ? ' (latitude and longitude look swapped)' : ''
    return refusal(raw.line, `latitude ${latText} is outside -90..90${hint}`)
  }
  if (Math.abs(lng) > 180) return refusal(raw.line, `longitude ${lngText} is outside -180..180`)
  const datumText = clean(f.datum)?.toLowerCase().replace(/[^a-z0-9]/g, '')
  const datum = datumText ? DATUMS.find(d => d === datumText) : defaults.datum
  if (!datum) return refusal(raw.line, `unknown datum ${JSON.stringify(f.datum)} (expected wgs84, gcj02 or bd09)`)
  const point = toWgs84({ lat, lng }, datum)
  return {
    id,
    name,
    nameZh: clean(f.nameZh),
    nameEn: clean(f.nameEn),
    category: clean(f.category)?.toLowerCase() ?? defaults.category ?? DEFAULT_CATEGORY,
    lat: point.lat,
    lng: point.lng,
    address: clean(f.address),
    phone: clean(f.phone),
    url: cleanUrl(f.url),
    pictureUrl: cleanUrl(f.pictureUrl),
    source: clean(f.source) ?? defaults.source,
  }
}

function refusal(line: number, reason: string): Refusal {
  return { line, reason }
}

export function isRefusal(r: PlaceRecord | Refusal): r is Refusal {
  return 'reason' in r
}

/** Trims spaces, a stray BOM and CR (Excel exports), and turns empty into null. */
export function clean(v: string | undefined): string | null {
  if (v === undefined) return null
  // trim() also drops U+FEFF; a CR inside a multi-line cell goes too, so none is ever stored.
  const t = (v.includes('\r') ? v.replace(/\r/g, '') : v).trim()
  return t === '' ? null : t
}

/** Only http(s) links are kept: a `javascript:` URL must never reach a page or a reply. */
function cleanUrl(v: string | undefined): string | null {
  const t = clean(v)
  if (!t) return null
  if (/^https?:\/\//i.test(t)) return t
  if (/^www\./i.test(t)) return `http://${t}`
  return null
}

function decimal(text: string): number | undefined {
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined
  return Number(text)
}
