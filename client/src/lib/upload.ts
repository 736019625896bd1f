import { type TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { authorizationHeader, ensureFreshSession, refreshSession, sessionStore } from './auth';
import { graphqlHttpUrl } from './config';
import { ApiError, errorCodeOf, NETWORK_ERROR, type GraphQLErrorLike } from './errors';
import { isGatewayStatus, markReachable, markUnreachable } from './reachability';

// Uploads follow the GraphQL multipart request spec
// (https://github.com/jaydenseric/graphql-multipart-request-spec). They go through XMLHttpRequest
// rather than fetch because only XHR reports upload progress, which the class-photo list shows per file.

export interface UploadOptions {
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

type Files = Record<string, File | File[]>;

function buildForm(query: string, variables: Record<string, unknown>, files: Files): FormData {
  const vars: Record<string, unknown> = { ...variables };
  const map: Record<string, string[]> = {};
  const parts: File[] = [];
  for (const [name, value] of Object.entries(files)) {
    if (Array.isArray(value)) {
      vars[name] = value.map(() => null);
      value.forEach((file, i) => {
        map[String(parts.length)] = [`variables.${name}.${i}`];
        parts.push(file);
      });
    } else {
      vars[name] = null;
      map[String(parts.length)] = [`variables.${name}`];
      parts.push(value);
    }
  }
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: vars }));
  form.append('map', JSON.stringify(map));
  parts.forEach((file, i) => form.append(String(i), file, file.name));
  return form;
}

interface RawResult<T> {
  status: number;
  body: { data?: T | null; errors?: GraphQLErrorLike[] } | null;
}

function post<T>(form: FormData, options: UploadOptions): Promise<RawResult<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', graphqlHttpUrl);
    xhr.setRequestHeader('apollo-require-preflight', 'true');
    const authorization = authorizationHeader();
    if (authorization) {
      xhr.setRequestHeader('authorization', authorization);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) {
        options.onProgress?.(event.loaded / event.total);
      }
    };
    xhr.onload = () => {
      let body: RawResult<T>['body'] = null;
      try {
        body = JSON.parse(xhr.responseText) as RawResult<T>['body'];
      } catch {
        // not JSON: a proxy page or an empty body
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new ApiError(NETWORK_ERROR, 'network error'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

/** Runs a mutation with files; resolves to its data or rejects with an ApiError carrying the code. */
export async function uploadMutation<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: Omit<TVariables, keyof Files> & Partial<TVariables>,
  files: Files,
  options: UploadOptions = {},
): Promise<TData> {
  const query = print(document);
  await ensureFreshSession();
  let result: RawResult<TData>;
  try {
    result = await post<TData>(buildForm(query, variables, files), options);
    if (
      sessionStore.get() &&
      result.body?.errors?.some((e) => errorCodeOf(e) === 'UNAUTHENTICATED') &&
      (await refreshSession())
    ) {
      result = await post<TData>(buildForm(query, variables, files), options);
    }
  } catch (error) {
    if (error instanceof ApiError && error.code === NETWORK_ERROR) {
      markUnreachable();
    }
    throw error;
  }
  if (isGatewayStatus(result.status)) {
    markUnreachable();
    throw new ApiError(NETWORK_ERROR, `HTTP ${result.status}`);
  }
  markReachable();
  const first = result.body?.errors?.[0];
  if (first) {
    throw new ApiError(errorCodeOf(first), first.message, first.extensions ?? {});
  }
  if (!result.body?.data) {
    throw new ApiError(result.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL_SERVER_ERROR', 'no data');
  }
  return result.body.data;
}
