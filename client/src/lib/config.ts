// Where the API lives. The static export is served by the Rollcall server itself, so the default is
// the same origin; `NEXT_PUBLIC_API_URL` (e.g. http://localhost:4000) points `npm run dev` elsewhere.

const configured = (process.env.NEXT_PUBLIC_API_URL ?? '').replace(/\/+$/, '');

/** Absolute or same-origin base of the server, without a trailing slash ('' = same origin). */
export const apiBase = configured;

export const graphqlHttpUrl = `${apiBase}/graphql`;

export function graphqlWsUrl(): string {
  const base = apiBase || window.location.origin;
  const url = new URL('/graphql', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Makes a server-relative URL (e.g. /media/…) absolute when the API is on another origin. */
export function mediaUrl(pathOrUrl: string): string {
  return /^[a-z]+:/i.test(pathOrUrl) ? pathOrUrl : `${apiBase}${pathOrUrl}`;
}
