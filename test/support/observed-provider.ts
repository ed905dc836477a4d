import type { ProviderGateway } from '../../providers/provider-gateway';
import type { CallContext, ProviderAdapter } from '../../providers/types';

export interface ProviderCall {
  worker: string;
  generationId: string;
  start: number;
  end?: number;
}

/**
 * Wraps the provider gateway so every call is seen where it reaches the provider: when it
 * starts, when it ends, which worker made it, and how many were in flight at once. `delayMs`
 * turns the instant local provider into a slow one, so overlapping calls become visible.
 */
export class ProviderObserver {
  readonly calls: ProviderCall[] = [];
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;

  wrap(runtime: ProviderGateway, worker: string): ProviderGateway {
    // Wraps the body, not the call: the runtime's limiter runs first, as it does before a
    // real provider sees the request.
    const observed = <T>(generationId: string, body: (adapter: ProviderAdapter, ctx: CallContext) => Promise<T>) =>
      async (adapter: ProviderAdapter, callCtx: CallContext): Promise<T> => {
        const call: ProviderCall = { worker, generationId, start: Date.now() };
        this.calls.push(call);
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
          return await body(adapter, callCtx);
        } finally {
          this.inFlight -= 1;
          call.end = Date.now();
        }
      };
    return {
      ...runtime,
      // Submits go through callKeyed (they record the key), polls and cancels through call.
      call: (providerId, ctx, body, options) => runtime.call(providerId, ctx, observed(ctx.generationId, body), options),
      callKeyed: (providerId, ctx, body, options) => runtime.callKeyed(providerId, ctx, observed(ctx.generationId, body), options),
    };
  }

  /** The most calls that started within any window of `windowMs`. */
  maxStartsPerWindow(windowMs = 1_000): number {
    const starts = this.calls.map((c) => c.start).sort((a, b) => a - b);
    let max = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i]! - starts[j]! >= windowMs) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }
}
