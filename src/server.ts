import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { callerKey } from './auth/viewer';
import { limitStatus, rejectUnsafeText, unexpectedErrorLogger } from './http/apollo-plugins';
import { edgeErrors } from './http/edge-errors';
import { graphqlLimits } from './http/graphql-limits';
import { graphqlRoute } from './http/graphql-route';
import { mediaRoute } from './http/media-route';
import { probeRoutes } from './http/probe-routes';
import type { HttpOptions, RunningServer, ServerHooks } from './http/types';
import { startWebSocketServer } from './http/websocket';
import { graphqlMetricsPlugin } from './observability/graphql-metrics-plugin';
import type { Logger } from './observability/logger';
import type { Context } from './schema/context';
import { formatError } from './schema/errors';

// The HTTP server: Express with Apollo on /graphql, graphql-ws on its upgrade, the probes, signed
// media links, extra routes and the dashboard. Each part lives in src/http/; this file puts them
// together in the order requests meet them.

export type { HttpOptions, RunningServer, ServerHooks } from './http/types';
export { WS_CLOSE } from './http/websocket';

export async function startHttpServer(
  schema: GraphQLSchema,
  hooks: ServerHooks,
  options: HttpOptions,
  logger: Logger,
): Promise<RunningServer> {
  const log = logger.child({ module: 'server' });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const limits = graphqlLimits(options);
  const ws = startWebSocketServer(httpServer, schema, hooks, limits, options.maxJsonBytes);

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !options.production,
    allowBatchedHttpRequests: false,
    validationRules: limits.validationRules,
    plugins: [
      ...limits.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      unexpectedErrorLogger(log),
      limitStatus,
      rejectUnsafeText,
      ...(hooks.observability
        ? [graphqlMetricsPlugin<Context>(hooks.observability, (c) => callerKey(c.viewer, c.clientAddress))]
        : []),
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: async () => {
              await ws.dispose();
            },
          }),
      },
    ],
  });
  await apollo.start();

  probeRoutes(app, hooks);
  mediaRoute(app, hooks);
  graphqlRoute(app, apollo, hooks, limits, options);
  hooks.routes?.(app, (req) => {
    const apiKey = req.headers['x-api-key'];
    return hooks.authenticate(req.headers.authorization, typeof apiKey === 'string' ? apiKey : undefined);
  });
  if (options.clientDir && existsSync(path.join(options.clientDir, 'index.html'))) {
    log.info({ dir: options.clientDir }, 'serving the dashboard');
    app.use(express.static(options.clientDir, { extensions: ['html'] }));
  }
  app.use(edgeErrors(log));

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? 'localhost' : options.host;
  log.info({ port }, 'listening');
  return {
    httpServer,
    port,
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    close: async () => {
      await apollo.stop();
    },
  };
}
