// The network edge of a component test: `fetch` replaced by a script of replies per
// "METHOD /path?query", recording every request so a test can assert exactly what was sent.
import { act } from "@testing-library/react";
import { vi } from "vitest";

export interface SentRequest {
  method: string;
  /** Path and query string, as the client built them. */
  path: string;
  /** Parsed JSON body; absent when none was sent. */
  body?: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

interface Held {
  reply: Promise<Reply>;
}

type Scripted = Reply | Held;

interface Queue {
  replies: Scripted[];
  /** The reply left in `replies` has answered at least once; a newly scripted one replaces it. */
  answered: boolean;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const accepted = (body: unknown): Reply => ({ status: 202, body });
export const noContent: Reply = { status: 204 };

/** The error body every route answers with (`ErrorBody` of the API). */
export function failure(
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
  field?: string,
): Reply {
  return {
    status,
    body: {
      error: { code, message, ...(details ? { details } : {}), ...(field ? { field } : {}) },
      requestId: "req-7f3a",
    },
  };
}

export class FakeApi {
  readonly requests: SentRequest[] = [];
  private readonly script = new Map<string, Queue>();

  /**
   * Answers `method path` with these replies in turn; the last one keeps answering until the test
   * scripts another.
   */
  on(method: string, path: string, ...replies: Reply[]): this {
    this.append(method, path, replies);
    return this;
  }

  /**
   * Holds the next `method path` call open until `release`, so a test can look at the page while
   * the call runs (busy buttons, disabled controls).
   */
  hold(method: string, path: string): { release: (reply: Reply) => Promise<void> } {
    let resolve: (reply: Reply) => void = () => undefined;
    const reply = new Promise<Reply>((done) => {
      resolve = done;
    });
    this.append(method, path, [{ reply }]);
    return {
      release: async (answer) => {
        await act(async () => {
          resolve(answer);
          await reply;
          await this.settle();
        });
        // React runs the renders and effects queued inside act when act ends; the calls those
        // effects start (a reload after a save) get their own rounds.
        for (let round = 0; round < 5 && this.inFlight.size > 0; round += 1) {
          await act(() => this.settle());
        }
      },
    };
  }

  /** Requests other than GET: what the user's actions changed. */
  get writes(): SentRequest[] {
    return this.requests.filter((request) => request.method !== "GET");
  }

  readonly fetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const answer = this.answer(input, init);
    this.inFlight.add(answer);
    const done = () => this.inFlight.delete(answer);
    answer.then(done, done);
    return answer;
  };

  /**
   * Lets the calls a released reply set off (a reload, and the calls that reload chains) answer
   * and render before the test goes on. A body is read a few turns after its response arrives, so
   * this waits until no call has been open for three turns; bounded, so polling cannot hang a test.
   */
  private async settle(): Promise<void> {
    let quiet = 0;
    for (let turn = 0; turn < 50 && quiet < 3; turn += 1) {
      await new Promise((next) => setTimeout(next, 0));
      quiet = this.inFlight.size === 0 ? quiet + 1 : 0;
    }
  }

  private readonly inFlight = new Set<Promise<Response>>();

  private async answer(input: string | URL | Request, init: RequestInit): Promise<Response> {
    const method = init.method ?? "GET";
    const path = String(input);
    const sent: SentRequest = { method, path };
    if (typeof init.body === "string") sent.body = JSON.parse(init.body);
    this.requests.push(sent);
    const queue = this.script.get(`${method} ${path}`);
    const first = queue?.replies[0];
    if (!queue || !first) throw new TypeError(`no reply scripted for ${method} ${path}`);
    // A held reply answers once; of plain replies the last one keeps answering.
    const sticky = queue.replies.length === 1 && !("reply" in first);
    const next = sticky ? first : (queue.replies.shift() ?? first);
    queue.answered = sticky;
    const reply = "reply" in next ? await next.reply : next;
    if (init.signal?.aborted) throw new DOMException("The operation was aborted.", "AbortError");
    return new Response(reply.status === 204 ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { "content-type": "application/json", ...reply.headers },
    });
  }

  private append(method: string, path: string, replies: Scripted[]): void {
    const key = `${method} ${path}`;
    const queue = this.script.get(key) ?? { replies: [], answered: false };
    if (queue.answered) queue.replies = [];
    queue.replies.push(...replies);
    queue.answered = false;
    this.script.set(key, queue);
  }
}

/** Replaces `fetch` for the current test (the setup file restores it afterwards). */
export function fakeApi(): FakeApi {
  const api = new FakeApi();
  vi.stubGlobal("fetch", api.fetch);
  return api;
}
