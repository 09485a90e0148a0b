import { isAbsolute, resolve } from 'node:path'
import type { CatalogueSource } from './config.js'

const SOURCE_DATUMS = ['wgs84', 'gcj02', 'bd09'] as const

const SOURCE_FIELDS = ['location', 'path', 'url', 'datum', 'category', 'strict']

/**
 * A catalogue's sources: a JSON array (of locations, or of objects `{ "location", "datum",
 * "category", "strict" }`), or for the environment also a plain comma-separated list of
 * locations. Relative paths are taken from the working directory and stored absolute.
 * Exported so an accounts file can give each account's catalogue its own `sources`.
 */
export function parseSources(value: unknown, where: string, problems: string[]): CatalogueSource[] {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return []
  let list: unknown = value
  if (typeof value === 'string') {
    const text = value.trim()
    if (text.startsWith('[')) {
      try {
        list = JSON.parse(text)
      } catch {
        problems.push(`${where}: not valid JSON`)
        return []
      }
    } else {
      list = text.split(/[,\n]/).map(s => s.trim()).filter(Boolean)
    }
  }
  if (!Array.isArray(list)) {
    problems.push(`${where}: expected a list of files or URLs`)
    return []
  }
  const sources: CatalogueSource[] = []
  list.forEach((item, i) => {
    const entry: Record<string, unknown> = typeof item === 'string' ? { location: item } : (item as Record<string, unknown>) ?? {}
    // A misspelt option ("stict") must not leave the operator believing it is on.
    const unknown = typeof item === 'object' && item !== null ? Object.keys(entry).filter(k => !SOURCE_FIELDS.includes(k)) : []
    if (unknown.length > 0) {
      problems.push(`${where}[${i}]: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(k => `"${k}"`).join(', ')} (known: ${SOURCE_FIELDS.join(', ')})`)
      return
    }
    if (entry.strict !== undefined && typeof entry.strict !== 'boolean') {
      problems.push(`${where}[${i}].strict=${JSON.stringify(entry.strict)}: expected true or false`)
      return
    }
    const location = entry.location ?? entry.path ?? entry.url
    if (typeof location !== 'string' || location.trim() === '') {
      problems.push(`${where}[${i}]: expected a file path or URL (or an object with "location")`)
      return
    }
    const loc = location.trim()
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(loc) && !/^(https?|file):\/\//i.test(loc)) {
      problems.push(`${where}[${i}]=${JSON.stringify(loc)}: only files and http(s) URLs can be read`)
      return
    }
    const datum = entry.datum === undefined ? undefined : String(entry.datum).toLowerCase()
    if (datum !== undefined && !(SOURCE_DATUMS as readonly string[]).includes(datum)) {
      problems.push(`${where}[${i}].datum=${JSON.stringify(entry.datum)}: expected ${SOURCE_DATUMS.join(', ')}`)
      return
    }
    const plainPath = !/^[a-z][a-z0-9+.-]*:\/\//i.test(loc)
    sources.push({
      location: plainPath && !isAbsolute(loc) ? resolve(loc) : loc,
      ...(datum ? { datum: datum as CatalogueSource['datum'] } : {}),
      ...(typeof entry.category === 'string' && entry.category.trim() ? { category: entry.category.trim() } : {}),
      ...(entry.strict === true ? { strict: true } : {}),
    })
  })
  return sources
}
