import { Worker } from 'node:worker_threads'
import { AppError, type ErrorCode } from '../errors.js'
import { readRowsInTurns, type ReadSummary, type RowBatch, type SourceInput } from './read-rows.js'
import type { ReadMessage, ReadRequest } from './read-worker.js'

/**
 * Reads a source in a worker thread while this thread writes what it has read: parsing, checking
 * and folding names (about half of an import's work) then run beside the database writes, on the
 * other core, and the event loop stays free for requests while a refresh parses.
 *
 * `onBatch` is called here, in order, one batch at a time. Should the worker not start, the source
 * is read in this thread instead, with turns of the event loop in between.
 */
export async function readRowsInWorker(input: SourceInput, onBatch: (batch: RowBatch) => void): Promise<ReadSummary> {
  let worker: Worker
  try {
    worker = startWorker()
  } catch {
    return readRowsInTurns(input, onBatch)
  }
  const written = new Int32Array(new SharedArrayBuffer(4))
  let started = false
  try {
    return await new Promise<ReadSummary>((resolve, reject) => {
      worker.on('message', (message: ReadMessage) => {
        started = true
        if (message.kind === 'batch') {
          try {
            onBatch(message.batch)
          } catch (err) {
            reject(err)
            return
          }
          Atomics.add(written, 0, 1)
          Atomics.notify(written, 0)
        } else if (message.kind === 'done') {
          resolve(message.summary)
        } else {
          reject(rebuildError(message.error))
        }
      })
      worker.once('error', reject)
      worker.once('exit', code => reject(new Error(`the reading thread stopped (exit ${code}) before it finished`)))
      const request: ReadRequest = { input: { name: input.name, defaults: input.defaults, bytes: input.bytes }, written }
      worker.postMessage(request)
    })
  } catch (err) {
    // A worker that could not even load its code: read here instead (nothing was written yet).
    if (!started && !(err instanceof AppError)) return readRowsInTurns(input, onBatch)
    throw err
  } finally {
    await worker.terminate()
  }
}

/**
 * From the built JavaScript the worker is a plain module. From TypeScript source (tsx, tests),
 * the worker first registers tsx's loader: workers do not inherit the loader tsx installs with
 * --import, and without it Node cannot load a .ts file.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./read-worker.js', import.meta.url))
  let tsx: string | undefined
  try {
    tsx = import.meta.resolve('tsx/esm/api')
  } catch {
    tsx = undefined
  }
  const boot = `
    const { workerData } = require('node:worker_threads')
    ;(async () => {
      if (workerData.tsx) (await import(workerData.tsx)).register()
      await import(workerData.entry)
    })()`
  return new Worker(boot, { eval: true, workerData: { entry: new URL('./read-worker.ts', import.meta.url).href, tsx } })
}

function rebuildError(e: { code?: string; message: string; status?: number; stack?: string }): Error {
  if (e.code) return new AppError(e.code as ErrorCode, e.message, e.status)
  const err = new Error(e.message)
  if (e.stack) err.stack = e.stack
  return err
}
