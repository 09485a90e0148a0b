import { createHash } from 'node:crypto'
import { AppError } from '../errors.js'
import { readCsvRecords, readCsvRecordsInTurns } from './csv-records.js'
import type { RawField, RawPlace } from './record.js'

/**
 * Header names we recognise, per field (compared lower-case, spaces and dashes as underscores).
 * Covers the minimal layout `id,name,category,lat,lng`, the OSM export columns, the common
 * lat/lon and latitude/longitude pairs, Wikidata and station lists, and Chinese headers from
 * operators' spreadsheets.
 */
const HEADER_ALIASES: Record<RawField, readonly string[]> = {
  id: ['id', 'place_id', 'poi_id', 'station_id', 'osm_id', 'qid', 'code', '编号', 'id号'],
  name: ['name', 'title', 'label', 'place', '名称', '名字', '店名'],
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

export interface CsvLayout {
  readonly header: readonly string[]
  /** Column index per recognised field. */
  readonly columns: Partial<Record<RawField, number>>
  /** True when the file has no id column and ids are derived from name and coordinates. */
  readonly generatedIds: boolean
}

function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_')
}

/** Maps each recognised field to its column index; throws when a required column is absent. */
export function mapHeader(header: readonly string[]): CsvLayout {
  const names = header.map(normaliseHeader)
  const columns: Partial<Record<RawField, number>> = {}
  for (const [field, aliases] of Object.entries(HEADER_ALIASES) as [RawField, readonly string[]][]) {
    const index = names.findIndex(n => aliases.includes(n))
    if (index >= 0) columns[field] = index
  }
  const missing: string[] = (['lat', 'lng'] as const).filter(f => columns[f] === undefined)
  if (columns.name === undefined && columns.nameZh === undefined && columns.nameEn === undefined) missing.push('name')
  if (missing.length > 0) {
    throw new AppError(
      'IMPORT_BAD_FILE',
      `the header has no ${missing.join(', ')} column (found: ${header.join(', ')}); ` +
        'a name column and lat and lng columns are required (id, category and the rest are optional)',
      400,
    )
  }
  return { header, columns, generatedIds: columns.id === undefined }
}

/**
 * A stable id for a row of a file without an id column: the same name and coordinates (as
 * written) give the same id on every import, whatever the row order.
 */
export function generatedId(fields: Partial<Record<RawField, string>>): string {
  const name = (fields.name ?? fields.nameZh ?? fields.nameEn ?? '').trim()
  const key = `${name}\u001f${(fields.lat ?? '').trim()}\u001f${(fields.lng ?? '').trim()}`
  return `gen:${createHash('sha1').update(key).digest('hex').slice(0, 16)}`
}

/** Turns parsed records into raw rows: the first is the header, blank lines are skipped. */
class RecordMapper {
  layout: CsvLayout | undefined
  rows = 0
  #columns: [RawField, number][] = []

  map(record: string[], line: number): RawPlace | undefined {
    if (!this.layout) {
      this.layout = mapHeader(record)
      this.#columns = Object.entries(this.layout.columns) as [RawField, number][]
      return undefined
    }
    if (record.every(v => v.trim() === '')) return undefined
    const fields: Partial<Record<RawField, string>> = {}
    for (const [field, index] of this.#columns) {
      const v = record[index]
      if (v !== undefined) fields[field] = v
    }
    if (this.layout.generatedIds) fields.id = generatedId(fields)
    this.rows++
    return { line, fields }
  }

  finish(): CsvLayout {
    if (!this.layout) throw new AppError('IMPORT_BAD_FILE', 'the file is empty', 400)
    if (this.rows === 0) throw new AppError('IMPORT_BAD_FILE', 'the file has a header but no rows', 400)
    return this.layout
  }
}

function rowMapper(onRow: (row: RawPlace) => void): { mapper: RecordMapper; onRecord: (cells: string[], line: number) => void } {
  const mapper = new RecordMapper()
  return {
    mapper,
    onRecord: (cells, line) => {
      const row = mapper.map(cells, line)
      if (row) onRow(row)
    },
  }
}

/**
 * UTF-8 CSV bytes → raw rows, handed one by one to `onRow` as they are parsed, so even a
 * million-row file is never held as records. How the CSV itself is read: csv-records.ts.
 */
export function readCsv(bytes: Buffer, onRow: (row: RawPlace) => void): CsvLayout {
  const { mapper, onRecord } = rowMapper(onRow)
  readCsvRecords(bytes, onRecord)
  return mapper.finish()
}

/** The same as readCsv, with turns of the event loop in between (see readCsvRecordsInTurns). */
export async function readCsvAsync(bytes: Buffer, onRow: (row: RawPlace) => void): Promise<CsvLayout> {
  const { mapper, onRecord } = rowMapper(onRow)
  await readCsvRecordsInTurns(bytes, onRecord)
  return mapper.finish()
}
