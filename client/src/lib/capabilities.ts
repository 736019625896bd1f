import { print } from 'graphql';
import { type CapabilitiesQuery as CapabilitiesData } from '@/gql/graphql';
import { graphqlHttpUrl } from './config';
import { authFetch } from './http';
import { CapabilitiesQuery } from './capabilities-operations';
import { createStore } from './store';

// Which optional parts of the API this server has (sign-in, signed image URLs, face quality checks).
// The dashboard asks once and leaves out what an older server lacks, so it also runs against one
// without accounts. A server with introspection off is taken to have them all.

export interface Capabilities {
  auth: boolean;
  assessFace: boolean;
  photoImages: boolean;
  sampleImages: boolean;
  faceImages: boolean;
}

export const ALL_CAPABILITIES: Capabilities = {
  auth: true,
  assessFace: true,
  photoImages: true,
  sampleImages: true,
  faceImages: true,
};

export const capabilitiesStore = createStore<Capabilities | null>(null);

function has(type: { fields?: { name: string }[] | null } | null | undefined, field: string): boolean {
  return Boolean(type?.fields?.some((f) => f.name === field));
}

export function fromIntrospection(data: CapabilitiesData): Capabilities {
  return {
    auth: has(data.mutationType, 'login') && has(data.mutationType, 'refreshSession'),
    assessFace: has(data.mutationType, 'assessFace'),
    photoImages: has(data.photoType, 'imageUrl'),
    sampleImages: has(data.sampleType, 'imageUrl'),
    faceImages: has(data.faceType, 'imageUrl'),
  };
}

let loading: Promise<Capabilities> | null = null;

export function loadCapabilities(): Promise<Capabilities> {
  loading ??= (async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await authFetch(graphqlHttpUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: print(CapabilitiesQuery), variables: {} }),
        });
        const body = (await response.json()) as { data?: CapabilitiesData | null };
        const caps = body.data?.mutationType ? fromIntrospection(body.data) : ALL_CAPABILITIES;
        capabilitiesStore.set(caps);
        return caps;
      } catch {
        // Unreachable: the banner is up; try again with a growing pause.
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 10_000)));
      }
    }
  })();
  return loading;
}
