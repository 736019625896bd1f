import type { Viewer } from '../auth/viewer';
import type { Loaders } from '../loaders';
import type { Topic } from '../pubsub';
import type { MediaKind } from '../services/media.service';

/** What every resolver receives. */
export interface Context {
  /** Who is asking; services decide what they may do. */
  viewer: Viewer;
  /** The client's address, for login rate limits. */
  clientAddress: string;
  loaders: Loaders;
  /** Opens a live feed of one session after checking the caller may see it. */
  subscribeToSession(topic: Topic, sessionId: string): Promise<AsyncIterable<unknown>>;
  /**
   * Charges photos about to be analysed to the caller's inference budget (and the platform's):
   * IMAGE_TOO_LARGE or INFERENCE_BUDGET_EXCEEDED before any pixel is decoded.
   */
  admitInference(photos: readonly Uint8Array[]): Promise<void>;
  /** A signed, short-lived URL for a stored image the caller has just been allowed to see. */
  mediaUrl(kind: MediaKind, id: string): string;
}
