import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { Accounts1764100000000 } from './1764100000000-Accounts';
import { Alerts1764200000000 } from './1764200000000-Alerts';
import { FaceEmbeddings1796291578649 } from './1796291578649-FaceEmbeddings';
import { SessionUndo1796291597051 } from './1796291597051-SessionUndo';
import { LmsIntegration1796291666554 } from './1796291666554-LmsIntegration';
import { PhotoJobs1796291748064 } from './1796291748064-PhotoJobs';
import { SecurityUserEmailPerInstitution1796291756814 } from './1796291756814-SecurityUserEmailPerInstitution';

export const MIGRATIONS = [
  InitialSchema1764000000000,
  Accounts1764100000000,
  Alerts1764200000000,
  FaceEmbeddings1796291578649,
  SessionUndo1796291597051,
  LmsIntegration1796291666554,
  PhotoJobs1796291748064,
  SecurityUserEmailPerInstitution1796291756814,
];
