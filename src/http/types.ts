import type { Server } from 'node:http';
import type express from 'express';
import type { Viewer } from '../auth/viewer';
import type { ServerObservability } from '../observability/metrics';
import type { Context } from '../schema/context';
import type { MediaKind } from '../services/media.service';

// What the HTTP and WebSocket edge is given (options, the application's hooks) and gives back.

export interface HttpOptions {
  host: string;
  port: number;
  maxUploadBytes: number;
  maxFiles: number;
  maxJsonBytes: number;
  introspection: boolean;
  production: boolean;
  limits: { depth: number; aliases: number; cost: number; tokens: number };
  /** A built static dashboard served at / when the directory exists. */
  clientDir?: string;
}

export interface RunningServer {
  httpServer: Server;
  port: number;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export interface ServerHooks {
  /** Turns the presented credentials into a viewer (anonymous when absent or invalid). */
  authenticate(authorization: string | undefined, apiKey: string | undefined): Promise<Viewer>;
  /** Seconds the caller must wait when over its request budget, else 0. */
  rateLimit(key: string): Promise<number>;
  /** Builds a fresh per-operation context; `live` for subscriptions, whose context outlives one result. */
  context(viewer: Viewer, clientAddress: string, live: boolean): Context;
  /** A stored image behind a signed link, or null when the link is bad or the image gone. */
  media(kind: MediaKind, id: string, query: Record<string, unknown>): Promise<Buffer | null>;
  /** Liveness/readiness probes. */
  health(): Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** Metrics: GET /metrics, an Apollo plugin and the active-subscriptions gauge (issue #6). */
  observability?: ServerObservability;
  /** Extra HTTP routes (attendance exports, issue #15), given the same authentication as the API. */
  routes?: (app: express.Express, viewerOf: (req: express.Request) => Promise<Viewer>) => void;
}
