import type { IncomingHttpHeaders } from "node:http";
import { type LocalServer, listen } from "../../src/simulators/http.js";

/**
 * A host the app must never reach: an internal service, a cloud metadata address, someone else's server.
 * It answers every request with a small image and records it, so a test can show that nothing came — or
 * that what came carried no credentials.
 */
export class RecordingServer {
  readonly hits: { path: string; headers: IncomingHttpHeaders }[] = [];

  private constructor(private readonly server: LocalServer) {}

  static async start(): Promise<RecordingServer> {
    let recorder: RecordingServer | undefined;
    const server = await listen(async (req, url) => {
      recorder?.hits.push({ path: url.pathname, headers: req.headers });
      return {
        status: 200,
        body: Buffer.from("89504e470d0a1a0a", "hex"),
        headers: { "content-type": "image/png" },
      };
    });
    recorder = new RecordingServer(server);
    return recorder;
  }

  /** A URL on this server, e.g. `url("/latest/meta-data/")`. */
  url(path: string): string {
    return `${this.server.origin}${path}`;
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}
