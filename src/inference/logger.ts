import { pino } from 'pino';

// Inference runs inside worker threads too, so it keeps its own logger instead of importing the app's.
export const logger = pino({ name: 'inference', level: process.env.LOG_LEVEL ?? 'info' });
