import type { LatLng } from '../geo/datum.js'

/** Cells of 0.01° (about 1 km north–south): small enough that density within one is similar. */
const CELLS_PER_DEGREE = 100
/** Bounded memory: past this many cells the memo starts afresh (it is only a starting guess). */
const MAX_CELLS = 100_000

/**
 * How densely places lie around each cell, as seen by earlier searches there (places per m²).
 * It only sizes the first search box of the next query nearby, so a dense city centre starts
 * with a box of a few dozen metres and open country with one of kilometres; the search is
 * exact whatever it says.
 */
export class DensityMemo {
  readonly #cells = new Map<number, number>()
  /** Running mean of log-density over every search: where people usually ask, how dense it is. */
  #logMean = 0
  #seen = 0

  /**
   * The remembered density at `at`: its own cell's, else the highest of its neighbours' (a box
   * too small costs one more query, one too large in a dense centre costs far more), else the
   * typical density of all searches so far, else undefined when no search ran yet.
   */
  at(at: LatLng): number | undefined {
    const key = cellOf(at)
    const own = this.#cells.get(key)
    if (own !== undefined) return own
    let best: number | undefined
    for (const dRow of [-1, 0, 1]) {
      for (const dCol of [-1, 0, 1]) {
        const d = this.#cells.get(key + dRow * ROW + dCol)
        if (d !== undefined && (best === undefined || d > best)) best = d
      }
    }
    return best ?? (this.#seen > 0 ? Math.exp(this.#logMean) : undefined)
  }

  /** Records that `found` places lay within `radiusM` of `at`. */
  learn(at: LatLng, found: number, radiusM: number): void {
    const key = cellOf(at)
    const seen = found / (Math.PI * radiusM * radiusM)
    if (seen > 0) {
      // The first thousand searches weigh equally, later ones as a moving average.
      this.#seen = Math.min(this.#seen + 1, 1000)
      this.#logMean += (Math.log(seen) - this.#logMean) / this.#seen
    }
    const before = this.#cells.get(key)
    if (before === undefined && this.#cells.size >= MAX_CELLS) this.#cells.clear()
    // Geometric mean with what was known: one odd spot in a cell does not swing it.
    this.#cells.set(key, before === undefined || before === 0 || seen === 0 ? seen : Math.sqrt(before * seen))
  }
}

const ROW = 360 * CELLS_PER_DEGREE

// Neighbours across ±180° are not joined up; that only costs a default-sized first box there.
function cellOf(p: LatLng): number {
  const row = Math.floor((p.lat + 90) * CELLS_PER_DEGREE)
  const col = Math.floor((p.lng + 180) * CELLS_PER_DEGREE)
  return row * ROW + col
}
