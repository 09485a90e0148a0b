/** Builds benchmark catalogues: SQLite files with the product's schema, in the run's temp folder. */
import { openDb } from '../../src/catalogue/db.js'
import { importFile } from '../../src/catalogue/import.js'
import { placeRecord, type PointSet } from './synthetic.js'

/**
 * Writes the points' records into a new catalogue file, rows in the order given (as an import of a file in
 * that order would). Faster than the importer — plain inserts, then the R*Tree filled in one
 * statement — so building millions of rows does not dominate the benchmark; the importer's own
 * speed is measured in the import section.
 */
export function catalogueFromPoints(file: string, set: PointSet): void {
  const db = openDb(file, { create: true })
  try {
    db.pragma('synchronous = OFF')
    const insert = db.prepare(
      `INSERT INTO places (id, name, name_zh, name_en, category, lat, lng, address, phone, url, picture_url, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    db.transaction(() => {
      for (let i = 0; i < set.lat.length; i++) {
        const r = placeRecord(set, i)
        insert.run(r.id, r.name, r.nameZh, r.nameEn, r.category, r.lat, r.lng, r.address, r.phone, r.url, r.pictureUrl, r.source)
      }
      db.exec('INSERT INTO places_rtree (place_rowid, min_lat, max_lat, min_lng, max_lng) SELECT rowid, lat, lat, lng, lng FROM places')
      const now = new Date().toISOString()
      db.prepare("INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES ('version', ?), ('imported_at', ?)").run(now, now)
    })()
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}

/** Imports a source file (CSV/GeoJSON) into a new catalogue file with the product's importer. */
export function catalogueFromFile(file: string, source: string): number {
  const db = openDb(file, { create: true })
  try {
    const report = importFile(db, source)
    db.pragma('wal_checkpoint(TRUNCATE)')
    return report.accepted
  } finally {
    db.close()
  }
}
