// Predicted duration of each VM's next sync, the time to finish the VMs not yet migrated, and a
// backtest of the model against two baselines (issue "Historical analytics", predictions).
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from './common';
import { VM_CONTEXT_STATUSES } from './enums';
import { DEFAULT_PREDICTION_CONCURRENCY, MAX_PREDICTION_CONCURRENCY } from './query-protocol';

const Name = Type.String({ minLength: 1, maxLength: 255 });
const TimeParameter = Type.String({ maxLength: 64, description: 'ISO-8601 or epoch milliseconds' });

export const SYNC_TYPES = ['initial', 'incremental'] as const;
export const THROUGHPUT_SOURCES = ['vm', 'datastore', 'vcenter', 'global', 'default'] as const;
export const BYTES_SOURCES = ['earlier_attempt', 'capacity', 'vm_change_rate', 'global_change_rate'] as const;
/** VM context statuses that count as migrated: the rest still need a sync before live failover. */
export const MIGRATED_STATUSES = ['failed_over_live', 'completed', 'cleanup_required'] as const;

export const PredictionQuery = Type.Object(
  {
    vm: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'VM name or VMware id' })),
    vcenter: Type.Optional(Name),
    datacenter: Type.Optional(Name),
    at: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          'When the next syncs start (default now; a VM with a later next_scheduled_at starts then). ISO-8601 or epoch ms',
      }),
    ),
    concurrency: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PREDICTION_CONCURRENCY,
        default: DEFAULT_PREDICTION_CONCURRENCY,
        description: 'Syncs the OMA runs at once, for the time to finish',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PredictionQuery = Static<typeof PredictionQuery>;

export const PredictionBasis = Type.Object({
  bytes_expected: Type.Number(),
  bytes_source: StringEnum(BYTES_SOURCES),
  change_rate_bytes_per_hour: Nullable(Type.Number()),
  hours_since_last_sync: Nullable(Type.Number()),
  throughput_source: StringEnum(THROUGHPUT_SOURCES, {
    description:
      "Whose copies gave the throughput: the VM's own, else its datastore's, vCenter's, everyone's",
  }),
  throughput_bytes_per_second: Type.Number({ description: 'After the time-of-day factor' }),
  time_of_day_factor: Type.Number({
    description:
      "Learned for the start's UTC hour against the datastore's pooled level (the median of the hour's last 500 log-ratios); 1 until the hour has 30",
  }),
  overhead_seconds: Type.Number({
    description: 'Median setup time (duration minus copy time) of the sync type',
  }),
  samples: Type.Object({
    vm: Type.Integer(),
    datastore: Type.Integer(),
    vcenter: Type.Integer(),
    global: Type.Integer(),
    residuals: Type.Integer({ description: 'Past errors the interval comes from (fewer than 20: 0.5x-2x)' }),
  }),
});

export const VmPrediction = Type.Object({
  vm_name: Type.String(),
  context_id: Type.String(),
  vcenter: Type.String(),
  datacenter: Type.String(),
  status: StringEnum(VM_CONTEXT_STATUSES),
  migrated: Type.Boolean(),
  sync_type: StringEnum(SYNC_TYPES),
  starts_at: Timestamp,
  predicted_seconds: Type.Number(),
  p10_seconds: Type.Number(),
  p90_seconds: Type.Number(),
  basis: PredictionBasis,
});
export type VmPrediction = Static<typeof VmPrediction>;

export const TimeToFinish = Type.Object(
  {
    vms: Type.Integer({ description: 'VMs not yet migrated (status not in MIGRATED_STATUSES)' }),
    concurrency: Type.Integer(),
    seconds: Type.Number({ description: 'Their next syncs on `concurrency` slots, longest first' }),
    p10_seconds: Type.Number(),
    p90_seconds: Type.Number(),
    serial_seconds: Type.Number({ description: 'The same syncs one after another' }),
  },
  {
    description:
      'Each VM not yet migrated needs one more sync (its initial, or the final incremental before live failover)',
  },
);

export const PredictionList = Type.Object({
  data: Type.Array(VmPrediction),
  time_to_finish: TimeToFinish,
});
export type PredictionList = Static<typeof PredictionList>;

export const BacktestQuery = Type.Object(
  { from: Type.Optional(TimeParameter), to: Type.Optional(TimeParameter) },
  { additionalProperties: false },
);

export const PredictorScore = Type.Object({
  mape: Type.Number({ description: 'Mean absolute percentage error, %' }),
  coverage: Type.Number({ description: 'Share of actual durations inside the p10-p90 interval, 0-1' }),
});

export const Backtest = Type.Object({
  from: Timestamp,
  to: Timestamp,
  jobs: Type.Integer({ description: 'Completed jobs started in the range, each predicted' }),
  initial: Type.Integer(),
  incremental: Type.Integer(),
  model: PredictorScore,
  global_mean: PredictorScore,
  vm_last_five: PredictorScore,
  by_sync_type: Type.Object(
    {
      initial: Type.Object({
        model: PredictorScore,
        global_mean: PredictorScore,
        vm_last_five: PredictorScore,
      }),
      incremental: Type.Object({
        model: PredictorScore,
        global_mean: PredictorScore,
        vm_last_five: PredictorScore,
      }),
    },
    { description: 'The same scores over the initial and the incremental syncs alone' },
  ),
});
export type Backtest = Static<typeof Backtest>;
