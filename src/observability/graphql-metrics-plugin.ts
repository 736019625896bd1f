import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { classifyError, INTERNAL_SERVER_ERROR, SERVER_FAULT_CODES } from '../schema/errors';
import type { OperationRecorder } from './metrics';

// The Apollo side of the GraphQL metrics: times operations and root fields, and sorts each error
// into a server fault or the client's own mistake by its extensions.code. This is the one
// observability module that knows the schema's error mapper.

/** `callerOf` names who sent an operation (user:, key:, ip:) for the per-caller client-error signal. */
export function graphqlMetricsPlugin<TContext extends BaseContext>(
  recorder: OperationRecorder,
  callerOf?: (context: TContext) => string,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: () => {
      const started = process.hrtime.bigint();
      let failed = false;
      let serverFault = false;
      let clientError = false;
      return Promise.resolve({
        didEncounterErrors: ({ errors, contextValue }) => {
          failed = true;
          for (const error of errors) {
            const raw = error.extensions.code;
            const code =
              classifyError(error.originalError)?.code ??
              (typeof raw === 'string' ? raw : INTERNAL_SERVER_ERROR);
            const fault = SERVER_FAULT_CODES.has(code);
            recorder.graphqlError(code, fault);
            if (fault) {
              serverFault = true;
            } else {
              clientError = true;
            }
          }
          if (clientError && !serverFault && callerOf) {
            recorder.clientErrorBy(callerOf(contextValue));
          }
          return Promise.resolve();
        },
        executionDidStart: () =>
          Promise.resolve({
            willResolveField: ({ info }) => {
              if (info.path.prev !== undefined) {
                return undefined;
              }
              const end = recorder.rootFieldTimer(info.parentType.name, info.fieldName);
              return () => {
                end();
              };
            },
          }),
        willSendResponse: ({ operation }) => {
          recorder.operationFinished({
            type: operation?.operation ?? 'unknown',
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
            failed,
            fault: serverFault ? 'server' : clientError ? 'client' : null,
          });
          return Promise.resolve();
        },
      });
    },
  };
}
