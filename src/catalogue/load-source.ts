import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { AppError } from '../errors.js'

export interface LoadLimits {
  /** How long a download may take in all (ms). */
  readonly timeoutMs: number
  /** The largest download accepted (bytes); local files are read whatever their size. */
  readonly maxBytes: number
  /** Injected in tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch
}

export const isUrl = (location: string): boolean => /^https?:\/\//i.test(location)

/**
 * The bytes of a catalogue source: a local file, or an http(s) URL fetched with a deadline
 * and a size cap (an operator's server that hangs or sends a huge page must not stall or
 * exhaust the refresh).
 */
export async function loadSource(location: string, limits: LoadLimits): Promise<Buffer> {
  if (isUrl(location)) return download(location, limits)
  const file = location.startsWith('file:') ? fileURLToPath(location) : location
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (err) {
    throw new AppError('IMPORT_BAD_FILE', `cannot read ${file}: ${(err as Error).message}`, 400, { cause: err })
  }
  if (looksLikeHtml(bytes)) throw new AppError('IMPORT_BAD_FILE', `${file} is a web page (HTML), not CSV or GeoJSON`, 400)
  return bytes
}

/**
 * A login page, an error page or a file-sharing site's preview instead of the data: said as
 * such, rather than as a CSV whose header lacks the name and coordinate columns.
 */
export function looksLikeHtml(bytes: Buffer): boolean {
  const start = bytes.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase()
  return start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<head') || start.startsWith('<body')
}

async function download(url: string, limits: LoadLimits): Promise<Buffer> {
  const signal = AbortSignal.timeout(limits.timeoutMs)
  const fail = (why: string, cause?: unknown) => new AppError('IMPORT_BAD_FILE', `cannot download ${url}: ${why}`, 502, { cause })
  let res: Response
  try {
    res = await (limits.fetch ?? fetch)(url, { signal, redirect: 'follow' })
  } catch (err) {
    throw fail(signal.aborted ? `no answer within ${limits.timeoutMs} ms` : (err as Error).message, err)
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined)
    throw fail(`HTTP ${res.status}`)
  }
  const declared = Number(res.headers.get('content-length'))
  if (declared > limits.maxBytes) {
    await res.body?.cancel().catch(() => undefined)
    throw fail(`${declared} bytes is more than the ${limits.maxBytes}-byte limit`)
  }
  const chunks: Buffer[] = []
  let size = 0
  try {
    // Leaving the loop early cancels the body, so an oversized download stops at the cap.
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength
      if (size > limits.maxBytes) break
      chunks.push(Buffer.from(chunk))
    }
  } catch (err) {
    throw fail(signal.aborted ? `not complete within ${limits.timeoutMs} ms` : (err as Error).message, err)
  }
  if (size > limits.maxBytes) throw fail(`more than the ${limits.maxBytes}-byte limit`)
  const bytes = Buffer.concat(chunks, size)
  if (looksLikeHtml(bytes)) {
    const type = res.headers.get('content-type')
    throw fail(`it returned a web page (HTML${type ? `, ${type}` : ''}), not CSV or GeoJSON; use the address of the file itself`)
  }
  return bytes
}
