import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'

/** A place's key (rowid) and exact position: what ranking by distance needs, without the id. */
export interface PositionRow {
  readonly key: number
  readonly lat: number
  readonly lng: number
}

export interface BoxBounds {
  readonly minLat: number
  readonly maxLat: number
  readonly minLng: number
  readonly maxLng: number
}

/** Points per leaf: scanned in a row, a few cache lines of each array. */
const LEAF_SIZE = 32

/**
 * Every place's position, in memory: a static k-d tree laid out in typed arrays (about 25 bytes
 * a place, some 25 MB at 1M places), built once per catalogue connection from the places
 * table. A box query walks a few levels and scans the leaves it meets, with no SQL statement
 * and no row objects: for the location reply this replaced an R*Tree query that was the
 * largest single cost of the answer. The R*Tree stays the storage's index (imports, the
 * results page, catalogues too large for memory).
 *
 * Points split alternately by longitude and latitude at the median, so the tree adapts to
 * where places crowd (a city centre, open country) as a flat grid cannot.
 */
export class PointIndex {
  /** Longitude and latitude of point i at 2i and 2i + 1: one cache line per point visited. */
  readonly #coords: Float64Array
  readonly #key: Float64Array
  readonly #kind: Uint16Array
  readonly #kinds: Map<string, number>
  /** Reused between queries: [left, right, axis] triples still to visit. */
  #stack = new Int32Array(192)

  private constructor(coords: Float64Array, key: Float64Array, kind: Uint16Array, kinds: Map<string, number>) {
    this.#coords = coords
    this.#key = key
    this.#kind = kind
    this.#kinds = kinds
  }

  get size(): number {
    return this.#key.length
  }

  /** Reads every place's position from the catalogue in one go (see IndexReader for slices). */
  static fromDb(db: Db, count: number): PointIndex {
    const reader = new IndexReader(db, count)
    for (let more = true; more; ) more = reader.readSome(count)
    return reader.finish()
  }

  /** Arranges the points read into the tree (about half a second at 1M places). */
  static build(coords: Float64Array, key: Float64Array, kind: Uint16Array, kinds: Map<string, number>): PointIndex {
    const index = new PointIndex(coords, key, kind, kinds)
    index.#build(0, key.length - 1, 0)
    return index
  }

  /**
   * Positions inside the box (bounds included), any order; at most `max` of them (negative:
   * all); only of `categories` when given.
   */
  inBox(box: BoxBounds, max = -1, categories?: readonly string[]): PositionRow[] {
    const out: PositionRow[] = []
    const n = this.#key.length
    if (n === 0 || max === 0) return out
    let wanted: Uint8Array | undefined
    if (categories) {
      wanted = new Uint8Array(this.#kinds.size)
      let any = false
      for (const c of categories) {
        const code = this.#kinds.get(c)
        if (code === undefined) continue
        wanted[code] = 1
        any = true
      }
      if (!any) return out
    }
    const { minLat, maxLat, minLng, maxLng } = box
    const coords = this.#coords
    const key = this.#key
    const kind = this.#kind
    let stack = this.#stack
    stack[0] = 0
    stack[1] = n - 1
    stack[2] = 0
    let top = 3
    while (top > 0) {
      const axis = stack[--top]!
      const right = stack[--top]!
      const left = stack[--top]!
      if (right - left <= LEAF_SIZE) {
        for (let i = left; i <= right; i++) {
          const ln = coords[2 * i]!
          const la = coords[2 * i + 1]!
          if (la >= minLat && la <= maxLat && ln >= minLng && ln <= maxLng && (!wanted || wanted[kind[i]!])) {
            out.push({ key: key[i]!, lat: la, lng: ln })
            if (out.length === max) return out
          }
        }
        continue
      }
      const m = (left + right) >> 1
      const ln = coords[2 * m]!
      const la = coords[2 * m + 1]!
      if (la >= minLat && la <= maxLat && ln >= minLng && ln <= maxLng && (!wanted || wanted[kind[m]!])) {
        out.push({ key: key[m]!, lat: la, lng: ln })
        if (out.length === max) return out
      }
      if (top + 6 > stack.length) {
        const bigger = new Int32Array(stack.length * 2)
        bigger.set(stack)
        stack = this.#stack = bigger
      }
      const split = axis === 0 ? ln : la
      if ((axis === 0 ? minLng : minLat) <= split) {
        stack[top++] = left
        stack[top++] = m - 1
        stack[top++] = 1 - axis
      }
      if ((axis === 0 ? maxLng : maxLat) >= split) {
        stack[top++] = m + 1
        stack[top++] = right
        stack[top++] = 1 - axis
      }
    }
    return out
  }

  /** Orders [left, right] so that each node's median splits its range (axis 0: longitude). */
  #build(left: number, right: number, axis: number): void {
    if (right - left <= LEAF_SIZE) return
    const m = (left + right) >> 1
    this.#select(m, left, right, axis)
    this.#build(left, m - 1, 1 - axis)
    this.#build(m + 1, right, 1 - axis)
  }

  /**
   * Moves the k-th smallest of `coord[left..right]` to k, smaller ones before it, larger ones
   * after (quickselect with a median-of-three pivot; equal values split evenly).
   */
  #select(k: number, left: number, right: number, axis: number): void {
    const c = this.#coords
    while (right > left) {
      const mid = (left + right) >> 1
      // Median of three to the left end, as the pivot.
      if (c[2 * mid + axis]! < c[2 * left + axis]!) this.#swap(mid, left)
      if (c[2 * right + axis]! < c[2 * left + axis]!) this.#swap(right, left)
      if (c[2 * right + axis]! < c[2 * mid + axis]!) this.#swap(right, mid)
      this.#swap(left, mid)
      const pivot = c[2 * left + axis]!
      let i = left
      let j = right + 1
      for (;;) {
        do i++
        while (i <= right && c[2 * i + axis]! < pivot)
        do j--
        while (c[2 * j + axis]! > pivot)
        if (i >= j) break
        this.#swap(i, j)
      }
      this.#swap(left, j)
      if (j === k) return
      if (j < k) left = j + 1
      else right = j - 1
    }
  }

  #swap(i: number, j: number): void {
    swap(this.#coords, 2 * i, 2 * j)
    swap(this.#coords, 2 * i + 1, 2 * j + 1)
    swap(this.#key, i, j)
    const k = this.#kind
    const t = k[i]!
    k[i] = k[j]!
    k[j] = t
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!
  a[i] = a[j]!
  a[j] = t
}

/**
 * Reads the places table into the arrays of an index, a slice at a time, so that a server can
 * index a replaced catalogue between requests instead of stopping for seconds (reading is
 * most of the cost: about 2 µs a row). Rows come in rowid order.
 */
export class IndexReader {
  readonly #coords: Float64Array
  readonly #key: Float64Array
  readonly #kind: Uint16Array
  readonly #kinds = new Map<string, number>()
  readonly #slice: Statement<[number, number], [number, number, number, string]>
  #n = 0
  #lastRowid = Number.NEGATIVE_INFINITY
  #done = false

  constructor(
    db: Db,
    readonly count: number,
  ) {
    this.#coords = new Float64Array(count * 2)
    this.#key = new Float64Array(count)
    this.#kind = new Uint16Array(count)
    this.#slice = db
      .prepare<[number, number], [number, number, number, string]>(
        'SELECT rowid, lat, lng, category FROM places WHERE rowid > ? ORDER BY rowid LIMIT ?',
      )
      .raw(true)
  }

  /** Reads up to `rows` more rows; false once every row is read. */
  readSome(rows: number): boolean {
    if (this.#done) return false
    // Rows added since the count (never while serving: the file is read-only) are left out.
    const want = Math.min(rows, this.count - this.#n)
    const got = want > 0 ? this.#slice.all(this.#lastRowid, want) : []
    const kinds = this.#kinds
    for (const [rowid, lat, lng, category] of got) {
      let code = kinds.get(category)
      if (code === undefined) {
        // More kinds than a Uint16 holds is not a catalogue we serve; they share the last code.
        code = Math.min(kinds.size, 0xffff)
        kinds.set(category, code)
      }
      const n = this.#n++
      this.#coords[2 * n] = lng
      this.#coords[2 * n + 1] = lat
      this.#key[n] = rowid
      this.#kind[n] = code
      this.#lastRowid = rowid
    }
    if (got.length < want || got.length === 0) this.#done = true
    return !this.#done
  }

  finish(): PointIndex {
    const n = this.#n
    return PointIndex.build(this.#coords.subarray(0, 2 * n), this.#key.subarray(0, n), this.#kind.subarray(0, n), this.#kinds)
  }
}
