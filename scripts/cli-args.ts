import { parseArgs, type ParseArgsConfig } from 'node:util'

/** A mistake on the command line: said in one line with the usage, exit status 2. */
export class UsageError extends Error {}

/** A failure the operator can fix that is not about the command line (a path, say): one line, exit status 1. */
export class CommandError extends Error {}

/**
 * node:util's parseArgs in strict mode, with its failures as UsageErrors in our words: its own
 * message for an unknown option ends in advice about `--` that means nothing under `npm run`.
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config)
  } catch (err) {
    const e = err as Error & { code?: string }
    const option = /'(-[^']*)'/.exec(e.message)?.[1]
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) throw new UsageError(`unknown option ${option}`)
    throw new UsageError(e.message)
  }
}

/** Prints a usage error (message, then the usage) and sets exit status 2. */
export function reportUsage(err: UsageError, usage: string): void {
  process.stderr.write(`${err.message}\n${usage}\n`)
  process.exitCode = 2
}
