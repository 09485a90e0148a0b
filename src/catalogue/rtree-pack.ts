import type { Db } from './db.js'

/**
 * Fills the catalogue's R*Tree (`places_rtree`) from the places table by packing it, instead of
 * inserting a million points one by one (about 9 µs each, most of a large import).
 *
 * The points are sorted along a Hilbert curve and cut into full leaves, the leaves into parents,
 * and so on up to the root: a packed R-tree whose neighbouring points share leaves, the layout
 * that bulk-loading gives any R-tree. The nodes are written straight into the R*Tree's own tables
 * in SQLite's documented node format (sqlite/ext/rtree/rtree.c, "The data for each node…"):
 * - `<t>_node(nodeno, data)`: node 1 is the root; every node blob has the root's length; bytes
 *   0-1 hold the tree depth in the root (0 elsewhere), bytes 2-3 the number of cells, then cells
 *   of an 8-byte integer (a rowid in a leaf, a child's node number above) and min/max pairs of
 *   each dimension as 4-byte floats, all big-endian;
 * - `<t>_rowid(rowid, nodeno)`: the leaf of every point; `<t>_parent(nodeno, parentnode)`: the
 *   parent of every node but the root.
 * Coordinates are rounded outward to 32-bit floats exactly as the R*Tree's own insert rounds them,
 * so every box holds its point. `SELECT rtreecheck('places_rtree')` verifies the result (tests).
 *
 * Writing an R*Tree's tables needs SQLite's defensive mode off: only on a private build file.
 */

const TABLE = 'places_rtree'
/** Bytes per cell: the 8-byte id and four 4-byte coordinates (min_lat, max_lat, min_lng, max_lng). */
const CELL_BYTES = 24
/** Rowids handed to SQLite per statement when writing the rowid → leaf table. */
const ROWIDS_PER_STATEMENT = 500

/** Points read, and rowids or nodes written, between two turns of the event loop. */
const PER_TURN = 20_000
const NODES_PER_TURN = 400

interface Points {
  readonly n: number
  readonly rowid: Float64Array
  readonly lat: Float64Array
  readonly lng: Float64Array
}

/**
 * One level of the tree. Node j holds entries j·capacity … of the level below (points in curve
 * order for the leaves); `box` holds each node's min_lat, max_lat, min_lng, max_lng.
 */
interface Level {
  readonly nodes: number
  readonly box: Float32Array
  readonly nodeno: Int32Array
}

/** Fills places_rtree from places, replacing what it held; yields between chunks of work. */
export function* packBoxes(db: Db): Generator<void> {
  const nodeBytes = (db.prepare(`SELECT length(data) AS n FROM ${TABLE}_node WHERE nodeno = 1`).get() as { n: number } | undefined)?.n
  if (!nodeBytes) throw new Error(`${TABLE} has no root node`)
  const capacity = Math.floor((nodeBytes - 4) / CELL_BYTES)
  db.exec(`DELETE FROM ${TABLE}_node; DELETE FROM ${TABLE}_rowid; DELETE FROM ${TABLE}_parent;`)
  const points = yield* readPoints(db)
  const order = hilbertOrder(points)
  yield
  const pointBox = pointBoxes(points, order)
  const levels = buildLevels(pointBox, points.n, capacity)
  yield* writeNodes(db, { points, order, pointBox, levels, capacity, nodeBytes })
}

function* readPoints(db: Db): Generator<void, Points> {
  const n = (db.prepare('SELECT count(*) AS n FROM places').get() as { n: number }).n
  const rowid = new Float64Array(n)
  const lat = new Float64Array(n)
  const lng = new Float64Array(n)
  const page = db.prepare('SELECT rowid, lat, lng FROM places WHERE rowid > ? ORDER BY rowid LIMIT ?').raw(true)
  let i = 0
  for (let after = Number.MIN_SAFE_INTEGER; i < n; ) {
    const rows = page.all(after, PER_TURN) as [number, number, number][]
    if (rows.length === 0) break
    for (const [r, la, ln] of rows) {
      rowid[i] = r
      lat[i] = la
      lng[i] = ln
      i++
    }
    after = rows[rows.length - 1]![0]
    yield
  }
  return { n: i, rowid, lat, lng }
}

/**
 * Point indexes sorted along a Hilbert curve over the whole globe (65536 cells a side, about
 * 600 m × 300 m at the equator); points in the same cell keep their order, so every build of the
 * same rows gives the same tree.
 */
function hilbertOrder(p: Points): Uint32Array {
  const keys = new Uint32Array(p.n)
  for (let i = 0; i < p.n; i++) {
    const x = Math.min(65535, Math.floor(((p.lng[i]! + 180) / 360) * 65536))
    const y = Math.min(65535, Math.floor(((p.lat[i]! + 90) / 180) * 65536))
    keys[i] = hilbert(x, y)
  }
  // Radix sort by 16-bit halves, low then high: two stable linear passes.
  let order = new Uint32Array(p.n)
  for (let i = 0; i < p.n; i++) order[i] = i
  let spare = new Uint32Array(p.n)
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65537)
    for (let i = 0; i < p.n; i++) counts[((keys[i]! >>> shift) & 0xffff) + 1]!++
    for (let b = 1; b <= 65536; b++) counts[b]! += counts[b - 1]!
    for (let i = 0; i < p.n; i++) {
      const at = order[i]!
      spare[counts[(keys[at]! >>> shift) & 0xffff]!++] = at
    }
    ;[order, spare] = [spare, order]
  }
  return order
}

/** Position of (x, y) along the Hilbert curve filling a 65536 × 65536 grid. */
function hilbert(x: number, y: number): number {
  let d = 0
  for (let s = 1 << 15; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0
    const ry = (y & s) > 0 ? 1 : 0
    d += s * s * ((3 * rx) ^ ry)
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x
        y = s - 1 - y
      }
      const t = x
      x = y
      y = t
    }
  }
  return d
}

/** The points' boxes in curve order, rounded outward to floats exactly as the R*Tree rounds them. */
function pointBoxes(p: Points, order: Uint32Array): Float32Array {
  const box = new Float32Array(p.n * 4)
  for (let k = 0; k < p.n; k++) {
    const i = order[k]!
    box[k * 4] = down(p.lat[i]!)
    box[k * 4 + 1] = up(p.lat[i]!)
    box[k * 4 + 2] = down(p.lng[i]!)
    box[k * 4 + 3] = up(p.lng[i]!)
  }
  return box
}

// rtree.c's rtreeValueDown / rtreeValueUp: the nearest float, moved outward when it lies inside.
const TOWARDS = 1 - 1 / 8388608
const AWAY = 1 + 1 / 8388608
function down(d: number): number {
  const f = Math.fround(d)
  return f > d ? Math.fround(d * (d < 0 ? AWAY : TOWARDS)) : f
}
function up(d: number): number {
  const f = Math.fround(d)
  return f < d ? Math.fround(d * (d < 0 ? TOWARDS : AWAY)) : f
}

/** The levels above the points, leaves first, up to a single root (which is node 1). */
function buildLevels(pointBox: Float32Array, points: number, capacity: number): Level[] {
  const levels: Level[] = []
  let entries = points
  let entryBox = pointBox
  do {
    const nodes = Math.max(1, Math.ceil(entries / capacity))
    const box = new Float32Array(nodes * 4)
    for (let j = 0; j < nodes; j++) {
      let minLat = Infinity
      let maxLat = -Infinity
      let minLng = Infinity
      let maxLng = -Infinity
      for (let k = j * capacity; k < Math.min(entries, (j + 1) * capacity); k++) {
        minLat = Math.min(minLat, entryBox[k * 4]!)
        maxLat = Math.max(maxLat, entryBox[k * 4 + 1]!)
        minLng = Math.min(minLng, entryBox[k * 4 + 2]!)
        maxLng = Math.max(maxLng, entryBox[k * 4 + 3]!)
      }
      box[j * 4] = minLat
      box[j * 4 + 1] = maxLat
      box[j * 4 + 2] = minLng
      box[j * 4 + 3] = maxLng
    }
    levels.push({ nodes, box, nodeno: new Int32Array(nodes) })
    entries = nodes
    entryBox = box
  } while (entries > 1)
  // Node numbers: the root is 1, the others from 2, top down.
  let next = 2
  levels[levels.length - 1]!.nodeno[0] = 1
  for (let l = levels.length - 2; l >= 0; l--) {
    const level = levels[l]!
    for (let j = 0; j < level.nodes; j++) level.nodeno[j] = next++
  }
  return levels
}

interface Tree {
  readonly points: Points
  readonly order: Uint32Array
  readonly pointBox: Float32Array
  readonly levels: readonly Level[]
  readonly capacity: number
  readonly nodeBytes: number
}

function* writeNodes(db: Db, tree: Tree): Generator<void> {
  const { points, order, pointBox, levels, capacity, nodeBytes } = tree
  const addNode = db.prepare(`INSERT INTO ${TABLE}_node (nodeno, data) VALUES (?, ?)`)
  const addParent = db.prepare(`INSERT INTO ${TABLE}_parent (nodeno, parentnode) VALUES (?, ?)`)
  const depth = levels.length - 1
  // The leaf of every point, by its place in the rowid-ordered list.
  const leafOf = new Int32Array(points.n)
  const data = Buffer.alloc(nodeBytes)
  let written = 0
  for (let l = 0; l < levels.length; l++) {
    const level = levels[l]!
    const below = l > 0 ? levels[l - 1]! : undefined
    const entries = below ? below.nodes : points.n
    const entryBox = below ? below.box : pointBox
    for (let j = 0; j < level.nodes; j++) {
      const nodeno = level.nodeno[j]!
      const first = j * capacity
      const count = Math.min(capacity, entries - first)
      data.fill(0)
      if (nodeno === 1) data.writeUInt16BE(depth, 0)
      data.writeUInt16BE(count, 2)
      for (let c = 0; c < count; c++) {
        const k = first + c
        const at = 4 + c * CELL_BYTES
        if (below) {
          data.writeBigInt64BE(BigInt(below.nodeno[k]!), at)
          addParent.run(below.nodeno[k]!, nodeno)
        } else {
          data.writeBigInt64BE(BigInt(points.rowid[order[k]!]!), at)
          leafOf[order[k]!] = nodeno
        }
        for (let d = 0; d < 4; d++) data.writeFloatBE(entryBox[k * 4 + d]!, at + 8 + d * 4)
      }
      addNode.run(nodeno, data)
      if (++written % NODES_PER_TURN === 0) yield
    }
  }
  yield* writeRowids(db, points, leafOf)
}

/** rowid → leaf, in rowid order (appends to the table's b-tree), a few hundred per statement. */
function* writeRowids(db: Db, points: Points, leafOf: Int32Array): Generator<void> {
  const values = (k: number) => `INSERT INTO ${TABLE}_rowid (rowid, nodeno) VALUES ${Array(k).fill('(?, ?)').join(', ')}`
  const batch = db.prepare(values(ROWIDS_PER_STATEMENT))
  const params: number[] = []
  for (let i = 0; i < points.n; i++) {
    params.push(points.rowid[i]!, leafOf[i]!)
    if (params.length === ROWIDS_PER_STATEMENT * 2) {
      batch.run(params)
      params.length = 0
      if ((i + 1) % PER_TURN === 0) yield
    }
  }
  if (params.length > 0) db.prepare(values(params.length / 2)).run(params)
}
