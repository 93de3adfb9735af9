// GET /analytics/predictions and /analytics/predictions/backtest.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Backtest,
  BacktestQuery,
  DEFAULT_PREDICTION_CONCURRENCY,
  ErrorBody,
  PredictionList,
  PredictionQuery,
} from '@oma-insights/contracts';
import { scoped } from '../../auth/plugin';
import { ApiError } from '../../http/errors';
import { parseTime, rangeFromQuery } from '../../http/time-params';
import { resolveVm } from '../../networks/mappings';
import { backtest } from './backtest';
import { HISTORY_DAYS, loadHistory, loadVms } from './load';
import { predictNextSyncs, RECENT_MS } from './predict';
import { PAST_MODELS } from './cache';

const security = [{ bearer: [] }];
const authErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const DAY_MS = 86_400_000;

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, time } = app.store;

  app.get(
    '/analytics/predictions',
    {
      schema: {
        tags: ['analytics'],
        summary:
          "Each VM's next sync: predicted duration with a p10-p90 interval and its basis; the time to finish",
        description: `duration = setup overhead (median of the sync type) + expected bytes / expected throughput. Bytes: an initial sends its earlier attempt's total, else the disks' capacity times the median fill of past initials; an incremental the VM's recent change rate (its last 8 incrementals, per hour since the sync before) times the hours since its last completed sync, times a learned weekday factor. Throughput (CBT copy bytes per copy second): the VM's last 8 copies, else its datastore's (3+ jobs), its vCenter's, everyone's, times a learned UTC hour-of-day factor (30+ samples). The interval: p10/p90 of log(actual/predicted) of past predictions of the same sync type. Learns from the jobs started since midnight UTC ${HISTORY_DAYS} days before \`at\` and finished by \`at\` (or by now, when \`at\` is later or less than ${RECENT_MS / 60_000} minutes before now). The server keeps the model and brings it forward with only the jobs started or finished since its last request (the first request, and the first of each UTC day, trains in full); an earlier \`at\` trains a model on demand (slow on a large history), kept for the next request with the same \`at\` (the last ${PAST_MODELS} such times) until a finished job changes. Time to finish: one more sync for each VM not failed over live (nor completed or cleanup_required), \`concurrency\` at a time, longest first.`,
        security,
        querystring: PredictionQuery,
        response: { 200: PredictionList, ...authErrors, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const { vm, vcenter, datacenter, concurrency = DEFAULT_PREDICTION_CONCURRENCY } = request.query;
      const at = request.query.at === undefined ? Date.now() : parseTime(request.query.at);
      if (at === null)
        throw new ApiError(
          400,
          'invalid_time',
          `"at" must be ISO-8601 or epoch ms; got "${request.query.at}"`,
        );
      const contextId = vm ? (await resolveVm(db, vm)).context_id : undefined;
      return predictNextSyncs(
        db,
        time,
        {
          contextId,
          vcenters: vcenter ? [vcenter] : undefined,
          datacenters: datacenter ? [datacenter] : undefined,
        },
        at,
        concurrency,
      );
    },
  );

  app.get(
    '/analytics/predictions/backtest',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Replays finished jobs: MAPE and p10-p90 coverage of the model and of two baselines',
        description: `Each completed job started in [from, to] (default: the last 30 days) is predicted from only the jobs that finished before it started (learning from ${HISTORY_DAYS} days before \`from\`), by the model, by the global mean duration so far, and by the VM's mean over its last five completed syncs (the global mean for a VM without any). Baselines get intervals the same way as the model: p10/p90 of their own past log-errors.`,
        security,
        querystring: BacktestQuery,
        response: { 200: Backtest, ...authErrors },
      },
    },
    async (request) => {
      const range = rangeFromQuery(request.query, 30 * DAY_MS);
      if (typeof range === 'string') throw new ApiError(400, 'invalid_time_range', range);
      const vms = await loadVms(db);
      const { facts, jobs } = await loadHistory(db, time, vms, range.from - HISTORY_DAYS * DAY_MS, range.to);
      const r = backtest(facts, jobs, range.from, range.to);
      return {
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        jobs: r.jobs,
        initial: r.initial,
        incremental: r.incremental,
        model: r.model,
        global_mean: r.globalMean,
        vm_last_five: r.vmLastFive,
        by_sync_type: {
          initial: {
            model: r.byType.initial.model,
            global_mean: r.byType.initial.globalMean,
            vm_last_five: r.byType.initial.vmLastFive,
          },
          incremental: {
            model: r.byType.incremental.model,
            global_mean: r.byType.incremental.globalMean,
            vm_last_five: r.byType.incremental.vmLastFive,
          },
        },
      };
    },
  );
};

const predictionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scoped('read', readRoutes));
};

export default predictionRoutes;
