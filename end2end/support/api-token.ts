// The API token that `lobby token create` wrote for this end-to-end run
// (see playwright.config.ts).
import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from '../playwright.config';

export function apiToken(): string {
  return fs.readFileSync(path.join(E2E_DIR, 'token'), 'utf8').trim();
}

/** The Authorization header that carries it. */
export function bearer() {
  return { authorization: `Bearer ${apiToken()}` };
}
