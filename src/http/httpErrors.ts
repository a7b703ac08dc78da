/**
 * An error answered to the client with an HTTP status and MLflow's error
 * body `{ "error_code": ..., "message": ... }`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** Extra fields of the JSON body (e.g. the missing columns). */
    readonly details: Readonly<Record<string, unknown>> = {},
    /** Extra response headers (e.g. `Allow` for a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** The JSON body of the error response. */
  body(): Record<string, unknown> {
    return { error_code: this.errorCode, message: this.message, ...this.details };
  }
}

/** 400 for a body that is not valid JSON / CSV or not in a scoring format: MLflow's scoring server says BAD_REQUEST. */
export function malformed(message: string): HttpError {
  return new HttpError(400, 'BAD_REQUEST', message);
}

/** 400 for a well-formed body whose values the model cannot take. */
export function invalidInput(message: string, details: Readonly<Record<string, unknown>> = {}): HttpError {
  return new HttpError(400, 'INVALID_PARAMETER_VALUE', message, details);
}
