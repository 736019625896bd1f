import { CircuitState, type CircuitBreakerPolicy } from 'cockatiel';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Every circuit breaker of one app instance by name, so /readyz and /metrics report them all and
 * each state change is logged once (not once per refused call).
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(private readonly logger?: Logger) {}

  register(name: string, breaker: CircuitBreakerPolicy): CircuitBreakerPolicy {
    if (this.breakers.has(name)) {
      throw new Error(`circuit breaker ${name} is registered twice`);
    }
    this.breakers.set(name, breaker);
    const log = this.logger?.child({ module: 'CircuitBreaker', breaker: name });
    // Logged when the circuit opens and when it closes again; the half-open trials in between (one
    // every few seconds while the dependency stays down) are not.
    let open = false;
    breaker.onStateChange((state) => {
      if (state === CircuitState.Open && !open) {
        open = true;
        log?.warn({ state: 'open' }, 'circuit open: calls fail fast');
      } else if (state === CircuitState.Closed && open) {
        open = false;
        log?.info({ state: 'closed' }, 'circuit closed: dependency healthy again');
      }
    });
    return breaker;
  }

  states(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [name, breaker] of this.breakers) {
      out[name] = STATE_NAMES[breaker.state];
    }
    return out;
  }

  /** rollcall_circuit_breaker_state{breaker} (0 closed, 1 open, 2 half-open, 3 isolated). */
  registerMetrics(registry: Registry): void {
    const gauge: Gauge<'breaker'> = new Gauge({
      name: 'rollcall_circuit_breaker_state',
      help: 'Circuit breaker state by guarded dependency: 0 closed, 1 open, 2 half-open, 3 isolated',
      labelNames: ['breaker'],
      registers: [registry],
      collect: () => {
        for (const [name, breaker] of this.breakers) {
          gauge.set({ breaker: name }, breaker.state);
        }
      },
    });
  }
}
