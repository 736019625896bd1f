'use client';

import { ALL_CAPABILITIES, capabilitiesStore, type Capabilities } from './capabilities';
import { useStore } from './store';

/** The server's capabilities; pages render only after they are known (AppShell waits for them). */
export function useCapabilities(): Capabilities {
  return useStore(capabilitiesStore, null) ?? ALL_CAPABILITIES;
}
