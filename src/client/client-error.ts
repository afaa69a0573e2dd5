/**
 * `EdgeprocError`: what the client throws for every non-2xx answer, carrying the contract's error body.
 * @module
 */
import type { ErrorBody } from "../wire/response-schemas.ts";

/**
 * A non-2xx answer of the API: its HTTP `status`, the stable `code` of docs/api.md §1, and the whole error
 * `body`. The message is the server's `message`, so it reads the same as coder's.
 * @example
 * ```ts
 * try {
 *   await client.get("nope");
 * } catch (err) {
 *   if (err instanceof EdgeprocError && err.code === "not_found") console.log(err.status); // 404
 * }
 * ```
 */
export class EdgeprocError extends Error {
  override name = "EdgeprocError";
  /** The HTTP status, e.g. 404. */
  readonly status: number;
  /** The contract's error code, e.g. `"not_found"`; `http_<status>` when the body was not a contract body. */
  readonly code: string;
  /** The error body as the server sent it (or one made up from a body that was not JSON). */
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.body = body;
  }

  /**
   * The error of a non-2xx response. A body that is not the contract's (a proxy's HTML page, say) still gives
   * an error with a useful message rather than a JSON parse failure.
   * @example
   * ```ts
   * if (!response.ok) throw await EdgeprocError.fromResponse(response);
   * ```
   */
  static async fromResponse(response: Response): Promise<EdgeprocError> {
    const text = await response.text().catch(() => "");
    try {
      const parsed = JSON.parse(text) as Partial<ErrorBody>;
      if (typeof parsed?.message === "string" && typeof parsed.code === "string") {
        return new EdgeprocError(response.status, parsed as ErrorBody);
      }
    } catch {
      // Not JSON: described below from the status line.
    }
    const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`;
    const body: ErrorBody = { message, code: `http_${response.status}` };
    if (text) body.detail = text.slice(0, 1000);
    return new EdgeprocError(response.status, body);
  }
}
