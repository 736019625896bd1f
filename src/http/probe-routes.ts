import type express from 'express';
import type { ServerHooks } from './types';

/**
 * Liveness (/healthz), readiness (/readyz) and the Prometheus scrape (/metrics), for the API server
 * and the worker process alike. A readiness check that throws answers 503, as not ready.
 */
export function probeRoutes(
  app: express.Express,
  hooks: Pick<ServerHooks, 'health' | 'observability'>,
): void {
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', (_req, res) => {
    hooks.health().then(
      (h) => res.status(h.ok ? 200 : 503).json(h),
      () => res.status(503).json({ ok: false }),
    );
  });
  app.get('/metrics', (req, res, next) => {
    if (!hooks.observability) {
      res.status(404).end();
      return;
    }
    hooks.observability
      .scrape(req.headers.authorization)
      .then((m) => res.status(m.status).type(m.contentType).send(m.body))
      .catch(next);
  });
}
