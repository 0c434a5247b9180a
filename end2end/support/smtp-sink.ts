// The client of the run's one SMTP server (support/smtp-sink.mjs, started by
// playwright.config.ts beside Lobby): every worker asks it for the mail Lobby
// sent, over HTTP on loopback.
import { SINK } from '../playwright.config';

export type Mail = {
  at: number;
  receivers: string[];
  headers: Record<string, any>;
  body: string;
  html?: string;
};

async function ask(path: string, params: Record<string, string | number>): Promise<Response> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return fetch(`${SINK}${path}?${query}`);
}

export const sink = {
  /** The first message to `to` from the moment of this call on, within `wait` ms. */
  async captureOne(to: string, { wait = 15_000 } = {}): Promise<{ email: Mail }> {
    const after = Date.now();
    const answer = await ask('/next', { to, after, wait });
    if (!answer.ok) throw new Error(`No message delivered to ${to}`);
    return { email: (await answer.json()) as Mail };
  },

  /** Every message received since `after` (a `Date.now()` value). */
  async since(after: number): Promise<Mail[]> {
    return (await (await ask('/since', { after })).json()) as Mail[];
  },
};

export type Sink = typeof sink;
