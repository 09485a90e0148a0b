/**
 * A clock the test moves by hand: `sleep` timers fire only when `advance` passes them, so
 * deadlines are exercised without waiting for real time.
 */
export class FakeClock {
  #now: number
  #timers: { at: number; resolve: () => void }[] = []

  constructor(startMs: number) {
    this.#now = startMs
  }

  readonly now = (): number => this.#now

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>(resolve => {
      const timer = { at: this.#now + ms, resolve }
      this.#timers.push(timer)
      signal?.addEventListener('abort', () => {
        this.#timers = this.#timers.filter(x => x !== timer)
        resolve()
      })
    })

  /** Moves time on by `ms`, fires the timers now due, and lets the callbacks they start run. */
  async advance(ms: number): Promise<void> {
    this.#now += ms
    const due = this.#timers.filter(x => x.at <= this.#now)
    this.#timers = this.#timers.filter(x => x.at > this.#now)
    for (const x of due) x.resolve()
    await settle()
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.length
  }
}

/** Lets every promise callback and I/O step that is ready run (no time passes on the fake clock). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise(resolve => setImmediate(resolve))
}

/** A promise the test resolves when it chooses: stands in for slow work. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void
  const promise = new Promise<T>(resolve => {
    open = resolve
  })
  return { promise, open }
}
