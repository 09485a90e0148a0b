import type { InboundMessage } from './types.js'

/**
 * WeChat re-sends a push it got no answer to within 5 s, up to three more times, with a fresh
 * timestamp and nonce (protocol doc §5). Each push is therefore claimed on arrival under a key
 * that is the same for every delivery of it; the work runs once and its answer is kept so that
 * retries get it again.
 */

/**
 * The key shared by every delivery of one push, scoped to the account: MsgId (a string, never a
 * Number) for messages, sender + CreateTime + event for events, which carry no MsgId.
 */
export function deliveryKey(account: string, msg: InboundMessage): string {
  if ('msgId' in msg && msg.msgId) return JSON.stringify([account, 'm', msg.msgId])
  const name = msg.kind === 'other-event' ? msg.event : msg.kind === 'unknown' ? msg.msgType : msg.kind
  return JSON.stringify([account, 'e', msg.from, msg.createTime, name])
}

export type DeliveryRecord<T = string> =
  | { readonly state: 'pending'; readonly at: number }
  | { readonly state: 'done'; readonly value: T; readonly at: number }

/**
 * Where claims and finished answers are kept. Implementations keep a record for their TTL
 * (which must outlast WeChat's retries: at least 60 s). `claim` must be atomic: of several
 * concurrent claims of one key — from one process or several — exactly one gets `undefined`.
 */
export interface DeliveryStore<T = string> {
  /** Claims `key` for this caller (returns undefined) unless a live record exists (returned). */
  claim(key: string, now: number): DeliveryRecord<T> | undefined
  /** Stores the finished answer for later deliveries. */
  finish(key: string, value: T, now: number): void
  /** The live record for `key`, if any. */
  get(key: string, now: number): DeliveryRecord<T> | undefined
}

/** Keep answers well past WeChat's ~15 s retry window. */
export const DEFAULT_DELIVERY_TTL_MS = 5 * 60_000

/**
 * One process's store: enough for a single server process (every delivery reaches it), and for
 * tests. Answers are kept as they are, with no encoding.
 */
export class MemoryDeliveryStore<T = string> implements DeliveryStore<T> {
  // Insertion order is time order (finish re-inserts), so expired records sit at the front.
  readonly #records = new Map<string, DeliveryRecord<T>>()

  constructor(readonly ttlMs = DEFAULT_DELIVERY_TTL_MS) {}

  claim(key: string, now: number): DeliveryRecord<T> | undefined {
    this.#prune(now)
    const live = this.get(key, now)
    if (live) return live
    this.#records.delete(key)
    this.#records.set(key, { state: 'pending', at: now })
    return undefined
  }

  finish(key: string, value: T, now: number): void {
    this.#records.delete(key)
    this.#records.set(key, { state: 'done', value, at: now })
  }

  get(key: string, now: number): DeliveryRecord<T> | undefined {
    const r = this.#records.get(key)
    return r && now - r.at < this.ttlMs ? r : undefined
  }

  get size(): number {
    return this.#records.size
  }

  #prune(now: number): void {
    for (const [key, r] of this.#records) {
      if (now - r.at < this.ttlMs) break
      this.#records.delete(key)
    }
  }
}

/** Time as the deliveries see it; tests pass a fake one and move it by hand. */
export interface DeliveryClock {
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * Optional: calls `fn` after `ms` unless the returned function is called first. Used for the
   * reply deadline when present: an AbortController per message (its listener, its abort event
   * and reason) cost more than all the rest of the bookkeeping here.
   */
  after?(ms: number, fn: () => void): () => void
}

/** How values are written to a store of strings and read back (see EncodedDeliveryStore). */
export interface DeliveryCodec<T> {
  encode(value: T): string
  decode(text: string): T
}

/**
 * A store of strings (the SQLite one, shared by worker processes) seen as a store of values:
 * answers are encoded on the way in and decoded on the way out. A single process keeps its
 * values as they are instead (MemoryDeliveryStore), with no encoding at all.
 */
export class EncodedDeliveryStore<T> implements DeliveryStore<T> {
  constructor(
    readonly inner: DeliveryStore<string>,
    readonly codec: DeliveryCodec<T>,
  ) {}

  claim(key: string, now: number): DeliveryRecord<T> | undefined {
    return this.#decoded(this.inner.claim(key, now))
  }

  finish(key: string, value: T, now: number): void {
    this.inner.finish(key, this.codec.encode(value), now)
  }

  get(key: string, now: number): DeliveryRecord<T> | undefined {
    return this.#decoded(this.inner.get(key, now))
  }

  #decoded(r: DeliveryRecord<string> | undefined): DeliveryRecord<T> | undefined {
    return r?.state === 'done' ? { state: 'done', value: this.codec.decode(r.value), at: r.at } : r
  }
}

export const realClock: Required<DeliveryClock> = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return () => clearTimeout(timer)
  },
  sleep: (ms, signal) =>
    new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms)
      timer.unref()
      signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        resolve()
      })
    }),
}

export type Delivered<T = string> =
  /** This delivery did the work and it finished in time. */
  | { readonly kind: 'first'; readonly value: T }
  /** An earlier delivery did (or was doing) the work; this is its answer. */
  | { readonly kind: 'repeat'; readonly value: T }
  /**
   * No answer by the deadline. `settled` is the still-running work when this process runs it,
   * so the caller can log when it ends; its answer is stored for the retries either way.
   */
  | { readonly kind: 'late'; readonly first: boolean; readonly settled: Promise<T> | undefined }

export interface DeliveriesOptions<T = string> {
  /** Answer no later than this after arrival (ms); WeChat gives up at 5 s. */
  readonly deadlineMs: number
  /** How often to look for an answer another process is working on (ms). */
  readonly pollMs?: number
  /** A store that fails must not cost the reply: the work then runs unguarded. */
  readonly onStoreError?: (err: unknown, operation: 'claim' | 'finish' | 'get') => void
  /** What later deliveries get when the work rejected (default: the empty string). */
  readonly failed?: T
}

const DEFAULT_POLL_MS = 100

/**
 * Runs each push's work at most once and hands every delivery of it the same answer, within a
 * deadline. Claims go through the store (shared by worker processes when it is the SQLite one);
 * a retry in the same process simply awaits the in-flight promise, one in another process
 * polls the store.
 */
export class Deliveries<T = string> {
  readonly #inFlight = new Map<string, Promise<T>>()
  readonly #pollMs: number
  readonly #failed: T

  constructor(
    readonly store: DeliveryStore<T>,
    readonly clock: DeliveryClock,
    readonly options: DeliveriesOptions<T>,
  ) {
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS
    this.#failed = 'failed' in options ? (options.failed as T) : ('' as T)
  }

  /**
   * `work` should not reject (the caller turns its failures into a value); if it does, the
   * rejection reaches this delivery and later ones get an empty answer, so it is never redone.
   */
  async deliver(key: string, work: () => Promise<T>): Promise<Delivered<T>> {
    const deadline = this.clock.now() + this.options.deadlineMs
    let earlier: DeliveryRecord<T> | undefined
    try {
      earlier = this.store.claim(key, this.clock.now())
    } catch (err) {
      this.options.onStoreError?.(err, 'claim')
      earlier = undefined
    }
    if (!earlier) return this.#within(this.#start(key, work), deadline, 'first')
    if (earlier.state === 'done') return { kind: 'repeat', value: earlier.value }
    const local = this.#inFlight.get(key)
    if (local) return this.#within(local, deadline, 'repeat')
    return this.#poll(key, deadline)
  }

  #start(key: string, work: () => Promise<T>): Promise<T> {
    const running = (async () => {
      let value = this.#failed
      try {
        value = await work()
        return value
      } finally {
        this.#inFlight.delete(key)
        try {
          this.store.finish(key, value, this.clock.now())
        } catch (err) {
          this.options.onStoreError?.(err, 'finish')
        }
      }
    })()
    this.#inFlight.set(key, running)
    return running
  }

  async #within(work: Promise<T>, deadline: number, kind: 'first' | 'repeat'): Promise<Delivered<T>> {
    const ms = Math.max(0, deadline - this.clock.now())
    const after = this.clock.after
    if (after) {
      return new Promise<Delivered<T>>((resolve, reject) => {
        const cancel = after.call(this.clock, ms, () => resolve({ kind: 'late', first: kind === 'first', settled: work }))
        work.then(
          value => {
            cancel()
            resolve({ kind, value })
          },
          (err: unknown) => {
            cancel()
            reject(err)
          },
        )
      })
    }
    const stop = new AbortController()
    const timer = this.clock.sleep(ms, stop.signal).then(() => undefined)
    try {
      const value = await Promise.race([work, timer])
      if (value === undefined) return { kind: 'late', first: kind === 'first', settled: work }
      return { kind, value }
    } finally {
      stop.abort()
    }
  }

  /** Another process holds the claim: look for its answer until the deadline. */
  async #poll(key: string, deadline: number): Promise<Delivered<T>> {
    for (;;) {
      let record: DeliveryRecord<T> | undefined
      try {
        record = this.store.get(key, this.clock.now())
      } catch (err) {
        this.options.onStoreError?.(err, 'get')
      }
      if (record?.state === 'done') return { kind: 'repeat', value: record.value }
      const remaining = deadline - this.clock.now()
      if (!record || remaining <= 0) return { kind: 'late', first: false, settled: undefined }
      await this.clock.sleep(Math.min(this.#pollMs, remaining))
    }
  }
}
