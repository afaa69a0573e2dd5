/**
 * A request's body as its server adapter holds it, for the one reader of bodies (read-body.ts). On Node, touching
 * `request.body` makes @hono/node-server build a whole web `Request` (headers, an `AbortSignal`, a web stream over
 * the socket: ~100 µs of CPU per request, half of what the body costs); its incoming message is read directly
 * instead, chunk by chunk, under the same size limit and deadline.
 * @module
 */

const sources = new WeakMap<Request, AsyncIterable<Uint8Array>>();

/**
 * Says that the body of `request` is the chunks of `source`, to be read instead of `request.body` (once).
 * @example
 * ```ts
 * setBodySource(request, incomingMessage); // a node:http IncomingMessage is an async iterable of Buffers
 * ```
 */
export function setBodySource(request: Request, source: AsyncIterable<Uint8Array>): void {
  sources.set(request, source);
}

/**
 * The source {@link setBodySource} recorded for `request`, if any.
 * @example
 * ```ts
 * const source = bodySource(request) ?? request.body;
 * ```
 */
export function bodySource(request: Request): AsyncIterable<Uint8Array> | undefined {
  return sources.get(request);
}
