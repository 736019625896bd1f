/** One GraphQL request over HTTP with a bearer token, for the benches; GraphQL errors throw. */
export async function gql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) {
    throw new Error(JSON.stringify(body.errors));
  }
  return body.data;
}
