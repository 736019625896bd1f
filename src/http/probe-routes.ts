import type express from 'express';
import type { ServerHooks } from './types';

/** Liveness (/healthz), readiness (/readyz) and the Prometheus scrape (/metrics). */
export function probeRoutes(app: express.Express, hooks: ServerHooks): void {
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', (_req, res, next) => {
    hooks
      .health()
      .then((h) => res.status(h.ok ? 200 : 503).json(h))
      .catch(next);
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
