import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { Accounts1764100000000 } from './1764100000000-Accounts';
import { Alerts1764200000000 } from './1764200000000-Alerts';
import { LmsIntegration1796291666554 } from './1796291666554-LmsIntegration';

export const MIGRATIONS = [
  InitialSchema1764000000000,
  Accounts1764100000000,
  Alerts1764200000000,
  LmsIntegration1796291666554,
];
