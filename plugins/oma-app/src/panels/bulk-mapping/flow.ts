// The dry run -> apply flow as a reducer: which request a diff belongs to, when Apply is allowed,
// and which Idempotency-Key an apply carries. No React, no I/O.
import type { BulkMappingResult } from '@oma-insights/contracts/network-mapping';

export interface FlowError {
  during: 'dryRun' | 'apply';
  message: string;
  status?: number;
  kind?: string;
}

export interface FlowState {
  /** requestKey() of the request the dry run, the apply or the error is about. */
  requestKey: string | null;
  busy: 'dryRun' | 'apply' | null;
  dryRun: BulkMappingResult | null;
  error: FlowError | null;
  /**
   * The key of the apply in flight, or of the last apply that got no answer or an error: a retry of
   * the same request sends it again, so the server applies it at most once.
   */
  idempotencyKey: string | null;
  /** The last applied result, kept after the request changes (the operator reads it while moving on). */
  applied: { requestKey: string; result: BulkMappingResult } | null;
}

export const initialFlow: FlowState = {
  requestKey: null,
  busy: null,
  dryRun: null,
  error: null,
  idempotencyKey: null,
  applied: null,
};

export type FlowAction =
  | { type: 'requestChanged'; requestKey: string | null }
  | { type: 'dryRunStarted'; requestKey: string }
  | { type: 'dryRunDone'; requestKey: string; result: BulkMappingResult }
  | { type: 'applyStarted'; requestKey: string; idempotencyKey: string }
  | { type: 'applyDone'; requestKey: string; result: BulkMappingResult }
  | { type: 'failed'; requestKey: string; error: FlowError };

export function flowReducer(state: FlowState, action: FlowAction): FlowState {
  switch (action.type) {
    case 'requestChanged':
      if (action.requestKey === state.requestKey) return state;
      // A diff, an error or a pending key belong to the old request; a finished apply stays shown.
      // Busy work finishes against its own key and is dropped when it answers.
      return { ...initialFlow, requestKey: action.requestKey, applied: state.applied };
    case 'dryRunStarted':
      return { ...state, requestKey: action.requestKey, busy: 'dryRun', dryRun: null, error: null };
    case 'dryRunDone':
      if (action.requestKey !== state.requestKey) return state;
      return { ...state, busy: null, dryRun: action.result, error: null };
    case 'applyStarted':
      return {
        ...state,
        requestKey: action.requestKey,
        busy: 'apply',
        error: null,
        idempotencyKey: action.idempotencyKey,
      };
    case 'applyDone':
      // Even for a request the operator has since changed: the change happened and is shown.
      return {
        ...state,
        busy: action.requestKey === state.requestKey ? null : state.busy,
        dryRun: action.requestKey === state.requestKey ? null : state.dryRun,
        idempotencyKey: action.requestKey === state.requestKey ? null : state.idempotencyKey,
        applied: { requestKey: action.requestKey, result: action.result },
      };
    case 'failed':
      if (action.requestKey !== state.requestKey) return state;
      return { ...state, busy: null, error: action.error };
  }
}

/** Apply needs a finished dry run of exactly this request, and nothing in flight. */
export function canApply(state: FlowState, requestKey: string | null): boolean {
  return (
    requestKey !== null && state.busy === null && state.requestKey === requestKey && state.dryRun !== null
  );
}

/**
 * The Idempotency-Key for applying `requestKey`: the pending one when this request's last apply
 * failed or got no answer (a retry must not apply twice), a new one otherwise.
 */
export function idempotencyKeyFor(state: FlowState, requestKey: string, newKey: () => string): string {
  return state.requestKey === requestKey && state.idempotencyKey !== null ? state.idempotencyKey : newKey();
}
