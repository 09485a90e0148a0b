import Database from 'better-sqlite3'
import { copyFileSync } from 'node:fs'
copyFileSync('/tmp/imp-phase.sqlite', '/tmp/imp-fts.sqlite')
const db = new Database('/tmp/imp-fts.sqlite'); db.unsafeMode(true)
db.pragma('journal_mode = OFF'); db.pragma('synchronous = OFF'); db.pragma('cache_size = -65536'); db.pragma('temp_store = MEMORY')
const t = (label: string, f: () => void) => { const c = process.cpuUsage(); const t0 = performance.now(); f(); const d = process.cpuUsage(c); console.log(label.padEnd(44), 'wall', ((performance.now() - t0)/1000).toFixed(2), 'cpu', ((d.user + d.system)/1e6).toFixed(2)) }
const q = db.prepare("SELECT count(*) n FROM (SELECT rowid FROM places_fts WHERE places_fts MATCH ? ORDER BY rowid LIMIT 50)")
const queries = ['"便利店 1"', '"hotel 55"', '"酒店 12"', '" bank"', '"corner"', '"小吃 9"']
const runQ = () => { let n = 0; for (let i = 0; i < 200; i++) for (const x of queries) n += (q.get(x) as { n: number }).n; return n }
for (const [label, setup] of [['default', ''], ['automerge=0', "INSERT INTO places_fts(places_fts, rank) VALUES('automerge', 0)"], ['pgsz=4000', "INSERT INTO places_fts(places_fts, rank) VALUES('pgsz', 4000)"]] as const) {
  db.exec('BEGIN')
  if (setup) db.exec(setup)
  t(`fill ${label}`, () => { db.exec("INSERT INTO places_fts(places_fts) VALUES('delete-all')"); db.exec('INSERT INTO places_fts (rowid, names) SELECT rowid, names FROM place_texts') })
  console.log('  segments', (db.prepare("SELECT count(*) n FROM places_fts_idx WHERE term = ''").get() as {n:number}).n, 'data rows', (db.prepare('SELECT count(*) n, sum(length(block)) b FROM places_fts_data').get() as any))
  t('  queries', () => runQ())
  if (label === 'automerge=0') { t('  optimize', () => db.exec("INSERT INTO places_fts(places_fts) VALUES('optimize')")); t('  queries', () => runQ()) }
  db.exec('ROLLBACK')
}
