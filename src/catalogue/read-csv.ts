import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { CsvError, parse as parseStream, type Options } from 'csv-parse'
import { parse as parseSync } from 'csv-parse/sync'
import { AppError } from '../errors.js'
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

/**
 * csv-parse settings: `bom` so a BOM never sticks to the first header; quotes relaxed so a stray
 * `"` inside an unquoted field (`5" Tower`) is kept as text instead of failing the whole file;
 * rows may be shorter or longer than the header (spreadsheets trim trailing empty cells).
 * Record delimiters (LF, CRLF, CR) are detected by the parser.
 */
const CSV_OPTIONS: Options = { bom: true, relax_quotes: true, relax_column_count: true }

/** Input handed to the streaming parser between two turns of the event loop (about a thousand rows). */
const SLICE_BYTES = 64 * 1024

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
        'expected at least id,name,category,lat,lng',
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

/**
 * UTF-8 CSV bytes → raw rows, handed one by one to `onRow` as they are parsed, so even a
 * million-row file is never held as records. Synchronous: for tests and small files.
 */
export function readCsv(bytes: Buffer, onRow: (row: RawPlace) => void): CsvLayout {
  const mapper = new RecordMapper()
  try {
    parseSync(bytes, {
      ...CSV_OPTIONS,
      on_record: (record: string[], context) => {
        const row = mapper.map(record, context.lines)
        if (row) onRow(row)
        return undefined
      },
    })
  } catch (err) {
    throw readError(err)
  }
  return mapper.finish()
}

/**
 * The same as readCsv, but hands the parser the bytes in small slices and gives the event loop
 * a turn after each, so a server that refreshes its catalogue keeps answering while a large
 * file is read.
 */
export async function readCsvAsync(bytes: Buffer, onRow: (row: RawPlace) => void): Promise<CsvLayout> {
  const mapper = new RecordMapper()
  // Rows are handled inside the parser (on_record) and nothing is pushed downstream, so
  // there is no per-record stream overhead; the stream only carries the slices in.
  const parser = parseStream({
    ...CSV_OPTIONS,
    on_record: (record: string[], context) => {
      const row = mapper.map(record, context.lines)
      if (row) onRow(row)
      return undefined
    },
  })
  parser.resume()
  const done = finished(parser)
  // Awaited below; this only keeps a failure that comes mid-loop from counting as unhandled.
  done.catch(() => undefined)
  let failed = false
  parser.once('error', () => {
    failed = true
  })
  try {
    for (let i = 0; i < bytes.length && !failed; i += SLICE_BYTES) {
      if (!parser.write(bytes.subarray(i, i + SLICE_BYTES))) await once(parser, 'drain')
      await nextTurn()
    }
    if (!failed) parser.end()
    await done
  } catch (err) {
    throw readError(err)
  }
  return mapper.finish()
}

/** Parser errors name the line; anything else (a refused file, a database error) passes as is. */
function readError(err: unknown): unknown {
  if (!(err instanceof CsvError)) return err
  const line = (err as { lines?: number }).lines
  return new AppError('IMPORT_BAD_FILE', `CSV cannot be read${line ? ` (line ${line})` : ''}: ${(err as Error).message}`, 400, {
    cause: err,
  })
}
