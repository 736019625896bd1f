// The inference facade: plain data in, plain data out. Nothing here knows of GraphQL or the database.
export { createInferenceEngine } from './pool';
export { probe, stripMetadata } from './image';
export { FACE_API_MODEL, KNOWN_MODELS, MODEL_ID, MOBILEFACENET_MODEL, parseModelList } from './models';
export * from './types';
