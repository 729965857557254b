/**
 * Errors that domain and infrastructure code throw. Each carries a code; the
 * tRPC kernel maps codes to tRPC errors in one place, so business code never
 * imports tRPC. Add a subclass when callers need to tell a failure apart.
 */
export type AppErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'TOO_MANY_REQUESTS' | 'UNAVAILABLE';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Another append won: the aggregate is not at the version the command decided on. */
export class ConflictError extends AppError {
  constructor(
    readonly aggregateId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super('CONFLICT', `Someone else changed this just now (expected version ${expectedVersion}, found ${actualVersion}). Look at the latest state and try again.`);
  }
}

/** A unique value (a slug, an email in an organization) is already taken. */
export class ClaimTakenError extends AppError {
  constructor(
    readonly scope: string,
    readonly value: string,
  ) {
    super('CONFLICT', `${scope} "${value}" is already taken.`);
  }
}

/** An event type that is not in the catalogue, or data its schema rejects. */
export class InvalidEventError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_REQUEST', message, options);
  }
}

/** The message of anything thrown, for one-line logs: the root cause's, since wrappers say less. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error && error.cause instanceof Error) return errorMessage(error.cause);
  if (error instanceof Error) return error.message || error.constructor.name; // some libraries throw message-less errors
  return String(error);
}
