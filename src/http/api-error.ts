/**
 * The one error the HTTP layer throws for problems a caller can fix. `app.onError` renders it as
 * `{success:false, error, field?}` with its status; anything else is a 500 without details.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
