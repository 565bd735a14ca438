// The command's two kinds of failure: a user's mistake (exit 2, one line
// naming the flag) and anything else (exit 1). The core's errors carry the
// spec field at fault; each command says which flag sets that field.

export class UsageError extends Error {
  /** `joiner`: ' ' where the reason reads on from the flag (`--devices needs a value`). */
  constructor(flag, reason, joiner = ': ') {
    super(`${flag}${joiner}${reason}`);
    this.flag = flag;
    this.reason = reason;
  }
}

const kebab = (field) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The core's Error as a UsageError naming the flag behind its `field`
 * (`flags` maps fields to flags where the names differ); other errors as they are.
 */
export function asUsageError(error, flags = {}) {
  if (error instanceof UsageError || typeof error?.field !== 'string') return error;
  return new UsageError(flags[error.field] ?? `--${kebab(error.field)}`, error.message);
}

/** Runs `fn` (sync or async), turning the core's field errors into UsageErrors. */
export async function naming(flags, fn) {
  try {
    return await fn();
  } catch (error) {
    throw asUsageError(error, flags);
  }
}
