import { rmSync, readFileSync } from 'node:fs'
import { openDb } from '../src/catalogue/db.js'
import { PlaceWriter } from '../src/catalogue/place-writer.js'
import { readRows, type RowBatch } from '../src/catalogue/read-rows.js'
const src = process.argv[2]!
const f = '/tmp/imp-store.sqlite'; rmSync(f, { force: true })
const db = openDb(f, { create: true, bulk: true })
if (process.argv[3]) db.pragma(`cache_size = ${process.argv[3]}`)
const bytes = readFileSync(src)
let c = process.cpuUsage(), t0 = performance.now()
const lap = (label: string) => { const d = process.cpuUsage(c); console.log(label.padEnd(20), 'wall', ((performance.now() - t0) / 1000).toFixed(2), 'cpu', ((d.user + d.system) / 1e6).toFixed(2)); c = process.cpuUsage(); t0 = performance.now() }
const batches: RowBatch[] = []
readRows({ name: src, bytes, defaults: { datum: 'wgs84', source: 'x' } }, b => batches.push(b))
lap('read all')
db.exec('BEGIN')
const w = new PlaceWriter(db)
for (const b of batches) w.add(b)
lap('store all')
db.exec('COMMIT'); db.close()
