import type { GazetteerKind } from './gazetteer-schema.js'
import { GAZETTEER_KINDS } from './gazetteer-schema.js'

/** One gazetteer entry ready to store. Points are WGS-84. */
export interface GazetteerRecord {
  readonly id: string
  readonly name: string
  readonly otherNames: readonly string[]
  readonly kind: GazetteerKind
  readonly detail: string | null
  readonly lat: number
  readonly lng: number
  readonly prominence: number
  readonly source: string
}

export type Row = Readonly<Record<string, string | undefined>>
/** A row turned into a record, or the reason it was left out. */
export type Mapped = GazetteerRecord | { readonly reason: string }

/**
 * The file layouts the gazetteer import understands, recognised by their header. Each maps a
 * row to a record and decides its kind and prominence (0–100), which settles name collisions:
 * a district 88, a metro interchange up to 92, a famous sight ~80–90, a subdistrict ~62, a
 * heritage building ~50, a bus stop 45, an artwork 35.
 */
export interface Layout {
  readonly name: string
  readonly matches: (columns: ReadonlySet<string>) => boolean
  readonly map: (row: Row) => Mapped
}

const DEFAULT_PROMINENCE: Record<GazetteerKind, number> = {
  district: 85,
  station: 80,
  landmark: 75,
  street: 65,
  subdistrict: 62,
  place: 55,
}

function text(v: string | undefined): string {
  return (v ?? '').replace(/^\uFEFF/, '').trim()
}

function point(latText: string | undefined, lngText: string | undefined): { lat: number; lng: number } | { reason: string } {
  const lat = text(latText)
  const lng = text(lngText)
  if (!lat || !lng) return { reason: 'no coordinates' }
  const la = Number(lat)
  const ln = Number(lng)
  if (!/^[-+]?\d+(\.\d+)?$/.test(lat) || !/^[-+]?\d+(\.\d+)?$/.test(lng) || Math.abs(la) > 90 || Math.abs(ln) > 180) {
    return { reason: `bad coordinates ${lat}, ${lng}` }
  }
  return { lat: la, lng: ln }
}

function names(...values: (string | undefined)[]): string[] {
  const out: string[] = []
  for (const v of values) {
    for (const part of text(v).split('|')) {
      const t = part.trim()
      if (t && !out.includes(t)) out.push(t)
    }
  }
  return out
}

function record(
  id: string,
  all: string[],
  kind: GazetteerKind,
  detail: string | null,
  at: ReturnType<typeof point>,
  prominence: number,
  source: string,
): Mapped {
  if ('reason' in at) return at
  const [name, ...otherNames] = all
  if (!name) return { reason: 'no name' }
  return { id, name, otherNames, kind, detail, lat: at.lat, lng: at.lng, prominence: Math.min(100, Math.max(0, prominence)), source }
}

/** shanghai_metro_stations_2017.csv: station_id,name_zh,name_en,lines_2017,lat,lon */
const METRO: Layout = {
  name: 'metro stations',
  matches: c => c.has('station_id') && c.has('lines_2017'),
  map: r => {
    const lines = text(r.lines_2017).split('|').filter(Boolean).length
    // An interchange is where more people meet and what more of them mean by the name.
    return record(`metro:${text(r.station_id)}`, names(r.name_zh, r.name_en), 'station', 'metro', point(r.lat, r.lon), 80 + 3 * Math.max(0, lines - 1), 'metroflow-2017')
  },
}

/** shanghai_admin_divisions.csv: code,name_zh,name_en,level,parent_zh,lat,lon,coord_source */
const DIVISIONS: Layout = {
  name: 'administrative divisions',
  matches: c => c.has('code') && c.has('level') && c.has('parent_zh'),
  map: r => {
    const district = text(r.level) === 'district'
    const zh = text(r.name_zh)
    const prominence = district ? 88 : zh.endsWith('街道') ? 64 : 60
    return record(`division:${text(r.code)}`, names(r.name_zh, r.name_en), district ? 'district' : 'subdistrict', null, point(r.lat, r.lon), prominence, 'nbs-divisions')
  },
}

/** shanghai_landmarks_osm.csv: id,name,name_zh,name_en,alt_names,kind (OSM tags),lat,lon,… */
const LANDMARKS: Layout = {
  name: 'OSM landmarks',
  matches: c => c.has('alt_names') && c.has('kind') && c.has('name_zh'),
  map: r => {
    const tags = new Map(text(r.kind).split(';').map(t => t.split('=') as [string, string]))
    let kind: GazetteerKind = 'landmark'
    if (tags.has('railway') || tags.get('public_transport') === 'station') kind = 'station'
    else if (tags.has('highway')) kind = 'street'
    return record(text(r.id), names(r.name_zh, r.name, r.name_en, r.alt_names), kind, null, point(r.lat, r.lon), landmarkProminence(tags, r), 'osm-landmarks')
  },
}

function landmarkProminence(tags: ReadonlyMap<string, string>, r: Row): number {
  const tourism = tags.get('tourism')
  const heritage = tags.get('heritage')
  let p = 45
  if (tourism === 'attraction') p = 78
  else if (tourism === 'theme_park' || tourism === 'zoo' || tourism === 'aquarium') p = 74
  else if (tourism === 'museum') p = 72
  else if (tourism === 'gallery') p = 66
  else if (tourism === 'viewpoint') p = 64
  else if (tourism === 'artwork') p = 35
  if (heritage === '1' || heritage === '2') p = Math.max(p, 68)
  else if (heritage || tags.has('historic')) p = Math.max(p, 50)
  if (tags.get('amenity') === 'place_of_worship') p = Math.max(p, 60)
  if (text(r.wikidata)) p += 6
  if (text(r.name_en)) p += 2
  return p
}

/** shanghai_places_wikidata.csv: qid,label,description,heritage_status,lat,lon,in_shanghai_bbox,zhwiki_url */
const WIKIDATA: Layout = {
  name: 'Wikidata places',
  matches: c => c.has('qid') && c.has('label'),
  map: r => {
    // Items whose coordinate lies outside the city (a river's point upstream) would mislead.
    if (text(r.in_shanghai_bbox) === 'no') return { reason: 'point outside Shanghai' }
    const label = text(r.label)
    const d = text(r.description).toLowerCase()
    let kind: GazetteerKind = 'place'
    let p = DEFAULT_PROMINENCE.place
    if (/街道$/.test(label)) [kind, p] = ['subdistrict', 62]
    else if (/镇$/.test(label) && /镇|town/.test(d)) [kind, p] = ['subdistrict', 60]
    else if (/[区區]$/.test(label) && /区|區|district/.test(d) && !/building|建筑|大楼/.test(d)) [kind, p] = ['district', 76]
    else if (/站$/.test(label) || /车站|station/.test(d)) [kind, p] = ['station', /公交|bus|brt/.test(d) ? 45 : 72]
    else if (/(路|街|大道|公路|弄|巷)$/.test(label) || /道路|road|street/.test(d)) [kind, p] = ['street', 62]
    if (text(r.heritage_status)) p += 5
    return record(`wikidata:${text(r.qid)}`, names(r.label), kind, null, point(r.lat, r.lon), p, 'wikidata')
  },
}

/**
 * The project's own layout (data/demo-gazetteer.csv):
 * id,name,other_names,kind,detail,lat,lng,prominence,source — other_names `|`-separated, kind one
 * of landmark/street/station/district/subdistrict/place, prominence optional (a default per kind).
 */
const NEARBY: Layout = {
  name: 'Nearby gazetteer CSV',
  matches: c => c.has('id') && c.has('name') && c.has('kind') && (c.has('lng') || c.has('lon')) && c.has('lat'),
  map: r => {
    const kind = text(r.kind).toLowerCase() as GazetteerKind
    if (!GAZETTEER_KINDS.includes(kind)) return { reason: `kind ${JSON.stringify(r.kind ?? '')} is not one of ${GAZETTEER_KINDS.join(', ')}` }
    const id = text(r.id)
    if (!id) return { reason: 'missing id' }
    const given = text(r.prominence)
    const prominence = given === '' ? DEFAULT_PROMINENCE[kind] : Number(given)
    if (!Number.isFinite(prominence)) return { reason: `prominence ${JSON.stringify(given)} is not a number` }
    return record(id, names(r.name, r.other_names), kind, text(r.detail) || null, point(r.lat, r.lng ?? r.lon), prominence, text(r.source) || 'nearby')
  },
}

export const LAYOUTS: readonly Layout[] = [METRO, DIVISIONS, LANDMARKS, WIKIDATA, NEARBY]

/**
 * Shortened names people also use: 黄浦 for 黄浦区, Pudong for Pudong New Area, 七宝 for 七宝镇.
 * Stored as derived keys, which lose to any place whose own name matches.
 */
export function shortNames(r: GazetteerRecord): string[] {
  const all = [r.name, ...r.otherNames]
  const out: string[] = []
  const add = (s: string) => {
    if ([...s].length >= 2 && !all.includes(s) && !out.includes(s)) out.push(s)
  }
  for (const n of all) {
    if (r.kind === 'district') {
      add(n.replace(/(新区|区)$/, ''))
      add(n.replace(/\s+(new area|district)$/i, ''))
    } else if (r.kind === 'subdistrict') {
      add(n.replace(/(街道|镇|乡)$/, ''))
      add(n.replace(/\s+(subdistrict|town)$/i, ''))
    }
  }
  return out
}
