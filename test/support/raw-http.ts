/**
 * One HTTP/1.x exchange over a raw TCP socket, for the headers `fetch` will not send (`Host`, `Origin`, HTTP/1.0
 * without `Host`) and exactly as a browser would send them.
 * @module
 */
import { connect } from "node:net";

/** A parsed answer: status, lower-cased headers, the body as text. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or `undefined`. */
  json: any;
}

/**
 * Sends `method path` to `url`'s port with exactly `headers` (nothing added but `Connection: close` and, with a
 * body, `Content-Length`) and reads the answer until the server closes. A body given as chunks is sent chunked
 * (`Transfer-Encoding: chunked`, no `Content-Length`), one HTTP chunk each, so a chunk may end inside a character.
 * @example
 * ```ts
 * const reply = await rawRequest(server.url, "GET", "/healthz", { Host: "evil.example" });
 * ```
 */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer[],
  version = "1.1",
): Promise<RawReply> {
  const { port } = new URL(url);
  const lines = [`${method} ${path} HTTP/${version}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  lines.push("Connection: close");
  if (typeof body === "string") lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  if (Array.isArray(body)) lines.push("Transfer-Encoding: chunked");
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  const chunked = (chunks: Buffer[]) => [
    ...chunks.flatMap((chunk) => [Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]),
    Buffer.from("0\r\n\r\n"),
  ];
  const request = Buffer.concat([head, ...(Array.isArray(body) ? chunked(body) : [Buffer.from(body ?? "")])]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(request));
    socket.setTimeout(30_000, () => socket.destroy(new Error(`no answer to ${method} ${path} in 30 s`)));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("error", reject);
    socket.once("close", () => {
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parse(bytes: Buffer): RawReply {
  const raw = bytes.toString("latin1");
  const split = raw.indexOf("\r\n\r\n");
  if (split === -1) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...headerLines] = raw.slice(0, split).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let body = bytes.subarray(split + 4);
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = unchunk(body);
  const text = body.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let rest = bytes;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.subarray(0, eol).toString("latin1"), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(rest.subarray(eol + 2, eol + 2 + size));
    rest = rest.subarray(eol + 2 + size + 2);
  }
}
