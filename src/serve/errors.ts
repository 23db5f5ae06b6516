/**
 * A request the server refuses, with the HTTP status that says why (400 bad input, 401 no or
 * wrong key, 404 unknown model, 413 body too large, 503 queue full). The error handler answers
 * `{ "error": message }` with that status; anything else thrown is a 500 and is logged.
 */
export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Extra response headers (`Retry-After` with a 503). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** 400: the request names, shapes or types something wrongly. */
export const badRequest = (message: string): RequestError => new RequestError(400, message);
