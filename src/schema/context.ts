import type { Loaders } from '../loaders';
import type { Topic } from '../pubsub';

/** What every resolver receives. Identity is a fixed actor until accounts arrive (issue #4). */
export interface Context {
  institutionId: string;
  /** Who is acting, recorded on consent and audit fields. */
  actor: string;
  loaders: Loaders;
  /** Opens a live feed of one session after checking the caller may see it. */
  subscribeToSession(topic: Topic, sessionId: string): Promise<AsyncIterable<unknown>>;
}
