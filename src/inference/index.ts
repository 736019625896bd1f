// The inference facade: plain data in, plain data out. Nothing here knows of GraphQL or the database.
export { createInferenceEngine } from './pool';
export { probe, stripMetadata } from './image';
export { MODEL_ID } from './models';
export * from './types';
