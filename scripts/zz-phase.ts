import { rmSync, readFileSync } from 'node:fs'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { openDb } from '../src/catalogue/db.js'
import { readSourceAsync, readSource } from '../src/catalogue/import.js'
import { PlaceWriter } from '../src/catalogue/place-writer.js'
import { indexCopiedNames, fillNameTable, fillTextIndex } from '../src/catalogue/name-index.js'
import { packBoxes } from '../src/catalogue/rtree-pack.js'
const src = process.argv[2]!; const mode = process.argv[3] ?? 'worker'
const f = '/tmp/imp-phase.sqlite'; rmSync(f, { force: true })
const db = openDb(f, { create: true, bulk: true })
const bytes = readFileSync(src)
let c = process.cpuUsage(), t0 = performance.now()
const lap = (label: string) => { const d = process.cpuUsage(c); console.log(label.padEnd(20), 'wall', ((performance.now() - t0) / 1000).toFixed(2), 'cpu(all threads)', ((d.user + d.system) / 1e6).toFixed(2)); c = process.cpuUsage(); t0 = performance.now() }
db.exec('BEGIN')
const w = new PlaceWriter(db)
const source = { name: src, bytes, options: {} }
if (mode === 'worker') await readSourceAsync(source, w); else readSource(source, w)
lap('load ' + mode)
for (const _ of indexCopiedNames(db, w.copiedUpTo));
lap('copied names')
for (const _ of fillNameTable(db));
lap('name table')
for (const _ of packBoxes(db));
lap('rtree pack')
for (const _ of fillTextIndex(db));
lap('fts')
db.exec('COMMIT'); db.close()
lap('commit+close')
