/**
 * One registry of the errors the server raises on purpose. Each carries a stable code that tests
 * and logs use (wording may change, codes do not) and the HTTP status the web layer should send.
 * Ordinary outcomes (no places nearby, unknown message kind) are values, never errors.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'WX_BAD_SIGNATURE'
  | 'WX_BAD_XML'
  | 'WX_BAD_REQUEST'
  | 'WX_DECRYPT_FAILED'
  | 'WX_APPID_MISMATCH'
  | 'WX_ENCRYPT_FAILED'
  | 'CATALOGUE_UNAVAILABLE'
  | 'CATALOGUE_SCHEMA'
  | 'CATALOGUE_BUSY'
  | 'WRONG_DATABASE'
  | 'REFRESH_FAILED'
  | 'IMPORT_BAD_FILE'
  | 'IMPORT_BAD_ROW'

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status = 500,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'AppError'
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code)
}
