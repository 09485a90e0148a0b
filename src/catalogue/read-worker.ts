/**
 * Worker thread entry (see read-in-worker.ts): reads one source with readRows and posts its
 * batches to the importing thread, never more than MAX_IN_FLIGHT ahead of what that thread has
 * written, so a fast reader cannot pile a whole file up in memory.
 */
import { parentPort } from 'node:worker_threads'
import { isAppError } from '../errors.js'
import { readRows, type SourceInput } from './read-rows.js'

/** Batches posted and not yet written; the writer counts them down in `written`. */
export const MAX_IN_FLIGHT = 4

export interface ReadRequest {
  readonly input: Omit<SourceInput, 'bytes'> & { readonly bytes: Uint8Array }
  /** Batches written so far, counted up by the importing thread (Int32Array over shared memory). */
  readonly written: Int32Array
}

export type ReadMessage =
  | { readonly kind: 'batch'; readonly batch: import('./read-rows.js').RowBatch }
  | { readonly kind: 'done'; readonly summary: import('./read-rows.js').ReadSummary }
  | { readonly kind: 'failed'; readonly error: { code?: string; message: string; status?: number; stack?: string } }

const port = parentPort
if (port) {
  port.once('message', ({ input, written }: ReadRequest) => {
    const post = (message: ReadMessage) => port.postMessage(message)
    try {
      let sent = 0
      const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength)
      const summary = readRows({ ...input, bytes }, batch => {
        for (let done = Atomics.load(written, 0); sent - done >= MAX_IN_FLIGHT; done = Atomics.load(written, 0)) {
          Atomics.wait(written, 0, done)
        }
        post({ kind: 'batch', batch })
        sent++
      })
      post({ kind: 'done', summary })
    } catch (err) {
      const e = err as Error & { status?: number }
      post({ kind: 'failed', error: { code: isAppError(err) ? err.code : undefined, message: e.message, status: e.status, stack: e.stack } })
    }
  })
}
