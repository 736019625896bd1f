import type express from 'express';
import type { MediaKind } from '../services/media.service';
import type { ServerHooks } from './types';

const MEDIA_KINDS: ReadonlySet<string> = new Set<MediaKind>(['photos', 'photo-faces', 'face-samples']);

/** Stored images behind signed links (the hook checks the signature). */
export function mediaRoute(app: express.Express, hooks: ServerHooks): void {
  app.get('/media/:kind/:id', (req, res, next) => {
    const { kind, id } = req.params;
    if (!MEDIA_KINDS.has(kind)) {
      res.status(404).end();
      return;
    }
    hooks
      .media(kind as MediaKind, id, req.query)
      .then((bytes) => {
        if (!bytes) {
          res.status(404).json({ error: 'This link is invalid or has expired' });
          return;
        }
        // Face data: never in shared caches.
        res.set({ 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=300' }).send(bytes);
      })
      .catch(next);
  });
}
