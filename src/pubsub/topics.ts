// Channels of live events. Payloads are plain JSON (ISO strings, not Dates) because with Redis
// they cross process boundaries.

export enum Topic {
  AttendanceMarked = 'ATTENDANCE_MARKED',
  PhotoProcessed = 'PHOTO_PROCESSED',
}

export interface AttendanceMarkedPayload {
  id: string;
  sessionId: string;
  studentId: string;
  status: string;
  confidence: number | null;
  firstSeenAt: string | null;
  photoId: string | null;
  faceId: string | null;
  source: string;
  note: string | null;
  updatedAt: string;
}

export interface PhotoProcessedPayload {
  photoId: string;
  sessionId: string;
  status: string;
}

export interface TopicPayloads {
  [Topic.AttendanceMarked]: AttendanceMarkedPayload;
  [Topic.PhotoProcessed]: PhotoProcessedPayload;
}

/** The shape type-graphql's `PubSub` expects, plus typed publishing and shutdown. */
export interface AppPubSub {
  publish(routingKey: string, ...args: unknown[]): void;
  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown>;
  emit<T extends Topic>(topic: T, scopeId: string, payload: TopicPayloads[T]): Promise<void>;
  close(): Promise<void>;
}

export const channelOf = (topic: string, scopeId?: unknown) =>
  scopeId === undefined
    ? topic
    : `${topic}.${typeof scopeId === 'string' ? scopeId : JSON.stringify(scopeId)}`;
