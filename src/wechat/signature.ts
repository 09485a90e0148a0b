import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * WeChat's request signature: SHA-1 over the parts sorted as strings (never as numbers) and
 * joined without separators, lower-case hex. Three parts (token, timestamp, nonce) for the plain
 * `signature`; a fourth, the Encrypt text, for `msg_signature` — protocol doc §2.
 */
export function sign(...parts: string[]): string {
  // Default sort compares UTF-16 code units, which for these ASCII values is byte order.
  const joined = [...parts].sort().join('')
  return createHash('sha1').update(joined, 'utf8').digest('hex')
}

/** Constant-time check of a hex signature received from the network. */
export function signatureMatches(received: string | undefined, ...parts: string[]): boolean {
  if (typeof received !== 'string' || received.length !== 40) return false
  const expected = Buffer.from(sign(...parts), 'latin1')
  const got = Buffer.from(received.toLowerCase(), 'latin1')
  return got.length === expected.length && timingSafeEqual(got, expected)
}
