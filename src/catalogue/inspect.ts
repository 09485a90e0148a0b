import { statSync } from 'node:fs'
import { openDb } from './db.js'
import { countPlaces, readMeta, sourceList } from './import.js'

export interface CatalogueReport {
  readonly file: string
  readonly bytes: number
  readonly places: number
  readonly categories: readonly { readonly category: string; readonly places: number }[]
  readonly version: string | null
  readonly importedAt: string | null
  readonly sources: readonly string[]
}

/** What an operator wants to know about a catalogue file (`npm run catalogue -- stats`). */
export function inspectCatalogue(file: string): CatalogueReport {
  const db = openDb(file, { readonly: true })
  try {
    const categories = db
      .prepare('SELECT category, count(*) AS places FROM places GROUP BY category ORDER BY places DESC, category')
      .all() as { category: string; places: number }[]
    return {
      file,
      bytes: statSync(file).size,
      places: countPlaces(db),
      categories,
      version: readMeta(db, 'version'),
      importedAt: readMeta(db, 'imported_at'),
      sources: sourceList(db),
    }
  } finally {
    db.close()
  }
}

export const EXPORT_COLUMNS = ['id', 'name', 'name_zh', 'name_en', 'category', 'lat', 'lng', 'crs', 'address', 'phone', 'url', 'picture_url', 'source'] as const

/**
 * The catalogue back out as CSV (UTF-8, LF, a header the import reads as is; coordinates are
 * the stored WGS-84 ones, so `crs` is always wgs84). Lines are handed to `write` in chunks of
 * about 64 KB, in id order, so exporting twice gives the same bytes.
 */
export async function exportCatalogue(file: string, write: (chunk: string) => Promise<void> | void): Promise<number> {
  const db = openDb(file, { readonly: true })
  try {
    let chunk = `${EXPORT_COLUMNS.join(',')}\n`
    let rows = 0
    const select = db.prepare(
      `SELECT id, name, name_zh, name_en, category, lat, lng, 'wgs84', address, phone, url, picture_url, source FROM places ORDER BY id`,
    )
    for (const row of select.raw().iterate() as Iterable<unknown[]>) {
      chunk += `${row.map(csvField).join(',')}\n`
      rows++
      if (chunk.length >= 65_536) {
        await write(chunk)
        chunk = ''
      }
    }
    await write(chunk)
    return rows
  } finally {
    db.close()
  }
}

/** RFC 4180 quoting: only where needed, quotes doubled. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
