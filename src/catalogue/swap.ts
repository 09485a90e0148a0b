import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { AppError } from '../errors.js'
import { leaveWal } from './db.js'
import { CatalogueLock } from './lock.js'

/** The build file for `file`: beside it (same file system, so the swap is a rename). */
export const buildFileOf = (file: string): string => `${file}.next`

/**
 * The whole replacement of a live database file, for catalogues and gazetteers alike: under the
 * file's lock (one build at a time; `waitMs` to wait for another), `make` writes a new file
 * beside it, which is then swapped in. A build left by a killed run is removed first; a failed
 * `make` or swap removes its own, and the live file is never written.
 */
export async function replaceByBuild<R>(file: string, waitMs: number | undefined, make: (built: string) => Promise<R>): Promise<R> {
  mkdirSync(dirname(resolve(file)), { recursive: true })
  const lock = CatalogueLock.acquire(file, waitMs)
  const built = buildFileOf(file)
  try {
    removeBuild(built)
    const result = await make(built)
    await swapIn(built, file)
    return result
  } catch (err) {
    removeBuild(built)
    throw err
  } finally {
    lock.release()
  }
}

/**
 * Puts a finished catalogue file in place of the live one, atomically: the file is synced to
 * disk first, then renamed over the live name (one rename is atomic on POSIX file systems),
 * then the directory is synced so the rename itself survives a power cut. Readers that still
 * have the old file open keep reading it, whole, until they reopen.
 */
export async function swapIn(built: string, live: string): Promise<void> {
  // Synced off the event loop: flushing a large file can take a while, and requests go on.
  await syncPath(built)
  // A WAL log beside the live name would be replayed into the new file by the next reader.
  if (existsSync(`${live}-wal`)) leaveWal(live)
  if (existsSync(`${live}-wal`)) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `${live}-wal is still there after a checkpoint; not swapping`)
  }
  renameSync(built, live)
  await syncPath(dirname(live))
}

/** Removes a build file left behind (by a failed or killed run) and its journal, if any. */
export function removeBuild(built: string): void {
  for (const f of [built, `${built}-journal`, `${built}-wal`, `${built}-shm`]) rmSync(f, { force: true })
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
