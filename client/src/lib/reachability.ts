import { apiBase } from './config';
import { createStore } from './store';

// Whether the server answered the last request. A banner shows while it does not, and a light
// /healthz poll notices when it is back.

export const reachableStore = createStore<boolean>(true);

let poll: ReturnType<typeof setInterval> | null = null;

export function markReachable(): void {
  reachableStore.set(true);
  if (poll) {
    clearInterval(poll);
    poll = null;
  }
}

export function markUnreachable(): void {
  reachableStore.set(false);
  poll ??= setInterval(() => void checkNow(), 5000);
}

export async function checkNow(): Promise<boolean> {
  try {
    const response = await fetch(`${apiBase}/healthz`, { cache: 'no-store' });
    if (response.ok) {
      markReachable();
      return true;
    }
  } catch {
    // still down
  }
  return false;
}

/** A gateway error means the server behind it is down, not that the request was wrong. */
export function isGatewayStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}
