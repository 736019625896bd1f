import type express from 'express';
import type { Viewer } from '../auth/viewer';
import type { Logger } from '../observability/logger';
import { DomainError, ErrorCode } from '../services/domain-error';
import type { ExportFormat, ExportService } from '../services/export.service';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
};
const TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  oneroster: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const one = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * GET /export/attendance.csv | .json | .oneroster.csv ?sessionId= | ?courseId=&from=&to=
 * Authorised like the API (Bearer token or API key with ATTENDANCE_READ); streamed.
 */
export function mountExportRoutes(
  app: express.Express,
  viewerOf: (req: express.Request) => Promise<Viewer>,
  exports: ExportService,
  logger: Logger,
): void {
  const log = logger.child({ module: 'export-route' });
  const handler =
    (format: ExportFormat): express.RequestHandler =>
    (req, res) => {
      void (async () => {
        try {
          const viewer = await viewerOf(req);
          const filter = await exports.authorize(viewer, {
            format,
            sessionId: one(req.query.sessionId),
            courseId: one(req.query.courseId),
            from: one(req.query.from),
            to: one(req.query.to),
          });
          const ext = format === 'json' ? 'json' : format === 'oneroster' ? 'oneroster.csv' : 'csv';
          res.status(200).set({
            'content-type': TYPES[format],
            'content-disposition': `attachment; filename="attendance.${ext}"`,
            'cache-control': 'no-store',
          });
          await exports.write(filter, format, res);
        } catch (error) {
          if (res.headersSent) {
            log.error({ err: error }, 'export failed while streaming');
            res.destroy();
            return;
          }
          if (error instanceof DomainError) {
            res.status(STATUS[error.code] ?? 400).json({
              errors: [
                { message: error.message, extensions: { code: error.code, ...(error.details ?? {}) } },
              ],
            });
            return;
          }
          log.error({ err: error }, 'export failed');
          res.status(500).json({
            errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
          });
        }
      })();
    };
  app.get('/export/attendance.csv', handler('csv'));
  app.get('/export/attendance.json', handler('json'));
  app.get('/export/attendance.oneroster.csv', handler('oneroster'));
}
