import { parse } from 'csv-parse/sync'
import { AppError } from '../errors.js'
import type { RawField, RawPlace } from './record.js'

/**
 * Header names we recognise, per field (compared lower-case, spaces and dashes as underscores).
 * Covers the minimal layout `id,name,category,lat,lng`, the OSM export columns, the common
 * lat/lon and latitude/longitude pairs, and Chinese headers from operators' spreadsheets.
 */
const HEADER_ALIASES: Record<RawField, readonly string[]> = {
  id: ['id', 'place_id', 'poi_id', 'code', '编号', 'id号'],
  name: ['name', 'title', 'place', '名称', '名字', '店名'],
  nameZh: ['name_zh', 'name_cn', 'name:zh', '中文名'],
  nameEn: ['name_en', 'name:en', 'english_name', '英文名'],
  category: ['category', 'type', 'kind', 'class', '类别', '分类', '类型'],
  lat: ['lat', 'latitude', 'y', '纬度'],
  lng: ['lng', 'lon', 'long', 'longitude', 'x', '经度'],
  datum: ['crs', 'datum', 'coord_system', 'coordinate_system', 'srs', '坐标系'],
  address: ['address', 'addr', '地址'],
  phone: ['phone', 'tel', 'telephone', '电话'],
  url: ['url', 'website', 'link', 'web', '网址', '链接'],
  pictureUrl: ['picture_url', 'picture', 'image', 'image_url', 'pic_url', 'photo', '图片'],
  source: ['source', '来源'],
}

function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_')
}

/** Maps each recognised field to its column index; throws when a required column is absent. */
export function mapHeader(header: readonly string[]): Partial<Record<RawField, number>> {
  const names = header.map(normaliseHeader)
  const map: Partial<Record<RawField, number>> = {}
  for (const [field, aliases] of Object.entries(HEADER_ALIASES) as [RawField, readonly string[]][]) {
    const index = names.findIndex(n => aliases.includes(n))
    if (index >= 0) map[field] = index
  }
  const missing = (['id', 'lat', 'lng'] as const).filter(f => map[f] === undefined)
  if (map.name === undefined && map.nameZh === undefined && map.nameEn === undefined) missing.push('name' as never)
  if (missing.length > 0) {
    throw new AppError(
      'IMPORT_BAD_FILE',
      `the header has no ${missing.join(', ')} column (found: ${header.join(', ')}); ` +
        'expected at least id,name,category,lat,lng',
      400,
    )
  }
  return map
}

/** CSV text (already decoded) → raw rows with their line numbers. */
export function readCsv(text: string): RawPlace[] {
  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[]
  } catch (err) {
    const line = (err as { lines?: number }).lines
    throw new AppError('IMPORT_BAD_FILE', `CSV cannot be read${line ? ` (line ${line})` : ''}: ${(err as Error).message}`, 400, {
      cause: err,
    })
  }
  const [head, ...rows] = records
  if (!head) throw new AppError('IMPORT_BAD_FILE', 'the file is empty', 400)
  const columns = mapHeader(head.record)
  return rows.map(({ record, info }) => {
    const fields: Partial<Record<RawField, string>> = {}
    for (const [field, index] of Object.entries(columns) as [RawField, number][]) {
      const v = record[index]
      if (v !== undefined) fields[field] = v
    }
    return { line: info.lines, fields }
  })
}
