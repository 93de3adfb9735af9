// Drives demo migrations in real time. It plays both sides: the OMA (creates jobs, records CBT
// history when a job ends) and the VMA copier, whose pushes go through applyProgressPush exactly
// like POST /api/v1/progress/{job_id}.
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorClassification, ProgressPush, VmaStage, VmaStatus } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import type { EventBus } from '../events/bus';
import { inTransaction } from '../db/dialect';
import { shortCause } from '../db/errors';
import { applyProgressPush } from '../progress/ingest';
import { CLASSIFICATION_WEIGHTS, FAILURE_MESSAGES, timeOfDayFactor } from './history';
import { Rng } from './rng';
import { newJobRow } from '../vm-contexts/new-job';

interface DiskRun {
  diskId: string;
  total: number;
  bytes: number;
}

interface ActiveJob {
  jobId: string;
  contextId: string;
  stageIndex: number;
  disks: DiskRun[];
  diskIndex: number;
  bps: number;
  incremental: boolean;
  /** Fail when this fraction of the bytes has moved (undefined: succeed). */
  failAt?: number;
  classification: ErrorClassification;
  changeId: string | null;
  /** The VMA's load around which this job's pushes wander. */
  load: { cpu: number; memory: number; diskLatencyMs: number; networkLatencyMs: number };
}

const PREP: [VmaStage, VmaStatus][] = [
  ['Discover', 'Preparing'],
  ['EnableCBT', 'Preparing'],
  ['QueryCBT', 'Preparing'],
  ['Snapshot', 'Snapshotting'],
  ['PrepareVolumes', 'Preparing'],
  ['StartExports', 'Preparing'],
];

export interface SimulatorOptions {
  tickMs: number;
  concurrency: number;
  failureRate: number;
}

const DEFAULTS: SimulatorOptions = { tickMs: 1000, concurrency: 6, failureRate: 0.08 };

export class Simulator {
  private readonly rng = new Rng(Date.now() & 0x7fffffff);
  private readonly active = new Map<string, ActiveJob>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private lastError: string | null = null;
  private readonly options: SimulatorOptions;

  constructor(
    private readonly store: Db,
    private readonly bus: EventBus,
    private readonly log: FastifyBaseLogger,
    options: Partial<SimulatorOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  state(): { status: 'ok' | 'down'; message?: string } {
    if (!this.timer) return { status: 'down', message: 'simulator stopped' };
    return this.lastError
      ? { status: 'down', message: this.lastError }
      : { status: 'ok', message: `${this.active.size} jobs running` };
  }

  async start() {
    await this.abandonLeftovers();
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs one step: start jobs up to the concurrency, advance every running job. */
  async tick() {
    if (this.ticking) return; // a slow tick is never overlapped by the next
    this.ticking = true;
    try {
      while (this.active.size < this.options.concurrency) {
        if (!(await this.startJob())) break;
      }
      for (const job of [...this.active.values()]) await this.advance(job);
      this.lastError = null;
    } catch (err) {
      // Shown on /debug/health, which anyone may read: a short cause; the details go to the log.
      this.lastError = `tick failed: ${shortCause(err)}`;
      this.log.warn({ err }, 'simulator tick failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Jobs a previous process left running can no longer finish: fail them through the ingest path. */
  private async abandonLeftovers() {
    const leftovers = await this.store.db
      .selectFrom('replication_jobs')
      .select(['id', 'bytes_transferred', 'total_bytes'])
      .where('status', 'not in', ['completed', 'failed', 'cancelled'])
      .where('id', 'like', 'sim-%')
      .execute();
    for (const job of leftovers) {
      await applyProgressPush(this.store, this.bus, job.id, {
        stage: 'PersistChangeIDs',
        status: 'Failed',
        bytes_transferred: Number(job.bytes_transferred ?? 0),
        total_bytes: Number(job.total_bytes ?? 0),
        error_message: 'Simulator restarted: job abandoned',
        error_classification: 'system',
      });
    }
  }

  /** OMA side: pick an idle VM and create its next replication job. */
  private async startJob(): Promise<boolean> {
    const { db } = this.store;
    const candidates = await db
      .selectFrom('vm_replication_contexts')
      .select([
        'context_id',
        'vm_name',
        'vmware_vm_id',
        'vm_path',
        'vcenter_host',
        'datacenter',
        'successful_jobs',
        'ossea_config_id',
      ])
      .where('current_status', 'in', ['ready_for_failover', 'failed', 'discovered'])
      .where('scheduler_enabled', '=', 1)
      .orderBy('last_job_at')
      .limit(20)
      .execute();
    const idle = candidates.filter(
      (c) => ![...this.active.values()].some((a) => a.contextId === c.context_id),
    );
    if (!idle.length) return false;
    const vm = this.rng.pick(idle);
    const disks = await db
      .selectFrom('vm_disks')
      .select(['disk_id', 'capacity_bytes', 'size_gb', 'datastore'])
      .where('vm_context_id', '=', vm.context_id)
      .execute();
    if (!disks.length) return false;
    const last = await db
      .selectFrom('replication_jobs')
      .select('change_id')
      .where('vm_context_id', '=', vm.context_id)
      .where('status', '=', 'completed')
      .orderBy('completed_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const incremental = Number(vm.successful_jobs ?? 0) > 0;
    const now = new Date();
    // Demo jobs last about half a minute to three minutes at a realistic rate.
    const bps = Math.round(this.rng.between(60, 220) * 1_000_000 * timeOfDayFactor(now.getUTCHours()));
    const seconds = this.rng.between(30, incremental ? 90 : 180);
    const totalBytes = Math.round(bps * seconds);
    const weights = disks.map((d) => Number(d.capacity_bytes ?? Number(d.size_gb) * 1024 ** 3));
    const weightSum = weights.reduce((a, b) => a + b, 0) || 1;
    const jobId = `sim-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${this.rng.hex(6)}`;
    const nowDb = this.store.time.toDb(now);

    await inTransaction(this.store, async (trx) => {
      await trx
        .insertInto('replication_jobs')
        .values(
          newJobRow(vm, jobId, nowDb, {
            replication_type: incremental ? 'incremental' : 'initial',
            total_bytes: totalBytes,
            previous_change_id: incremental ? (last?.change_id ?? null) : null,
          }),
        )
        .execute();
      await trx
        .updateTable('vm_replication_contexts')
        .set((eb) => ({
          current_status: 'replicating',
          current_job_id: jobId,
          total_jobs_run: eb('total_jobs_run', '+', 1),
          first_job_at: eb.fn.coalesce('first_job_at', eb.val(nowDb)),
          last_status_change: nowDb,
          updated_at: nowDb,
        }))
        .where('context_id', '=', vm.context_id)
        .execute();
      await trx
        .updateTable('vm_disks')
        .set({ job_id: jobId, sync_status: 'pending', sync_progress_percent: 0, bytes_synced: 0 })
        .where('vm_context_id', '=', vm.context_id)
        .execute();
    });

    const failing = this.rng.chance(this.options.failureRate);
    this.active.set(jobId, {
      jobId,
      contextId: vm.context_id,
      stageIndex: 0,
      disks: disks.map((d, i) => ({
        diskId: d.disk_id,
        total: Math.round((totalBytes * weights[i]) / weightSum),
        bytes: 0,
      })),
      diskIndex: 0,
      bps,
      incremental,
      failAt: failing ? this.rng.between(0.05, 0.95) : undefined,
      classification: this.rng.weighted(CLASSIFICATION_WEIGHTS),
      changeId: null,
      // A busier copier at a higher rate; datastore and network latency of a healthy site.
      load: {
        cpu: Math.min(90, 15 + bps / 4_000_000),
        memory: this.rng.between(35, 65),
        diskLatencyMs: this.rng.between(2, 12),
        networkLatencyMs: this.rng.between(0.4, 3),
      },
    });
    return true;
  }

  private push(
    job: ActiveJob,
    push: Omit<ProgressPush, 'bytes_transferred' | 'total_bytes'> & Partial<ProgressPush>,
  ) {
    const disk = push.disk_id ? job.disks.find((d) => d.diskId === push.disk_id) : undefined;
    return applyProgressPush(this.store, this.bus, job.jobId, {
      sync_type: job.incremental ? 'incremental' : 'full',
      ...this.vmaLoad(job),
      bytes_transferred: disk ? disk.bytes : job.disks.reduce((a, d) => a + d.bytes, 0),
      total_bytes: disk ? disk.total : job.disks.reduce((a, d) => a + d.total, 0),
      ...push,
    });
  }

  /** The VMA's load figures a push reports: each wanders around the job's level. */
  private vmaLoad(
    job: ActiveJob,
  ): Pick<
    ProgressPush,
    'vma_cpu_percent' | 'vma_memory_percent' | 'source_disk_latency_ms' | 'network_latency_ms'
  > {
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return {
      vma_cpu_percent: r2(Math.min(100, job.load.cpu * this.rng.jitter(0.2))),
      vma_memory_percent: r2(Math.min(100, job.load.memory * this.rng.jitter(0.05))),
      source_disk_latency_ms: r2(job.load.diskLatencyMs * this.rng.jitter(0.4)),
      network_latency_ms: r2(job.load.networkLatencyMs * this.rng.jitter(0.3)),
    };
  }

  /** VMA side: one copier step for one job. */
  private async advance(job: ActiveJob) {
    if (job.stageIndex < PREP.length) {
      const [stage, status] = PREP[job.stageIndex++];
      await this.push(job, { stage, status });
      return;
    }
    const disk = job.disks[job.diskIndex];
    if (disk) {
      const bps = Math.round(job.bps * this.rng.jitter(0.15));
      disk.bytes = Math.min(disk.total, disk.bytes + Math.round((bps * this.options.tickMs) / 1000));
      const moved =
        job.disks.reduce((a, d) => a + d.bytes, 0) /
        Math.max(
          1,
          job.disks.reduce((a, d) => a + d.total, 0),
        );
      if (job.failAt !== undefined && moved >= job.failAt) {
        await this.push(job, {
          stage: 'Transfer',
          status: 'Failed',
          disk_id: disk.diskId,
          throughput_bps: 0,
          error_message: this.rng.pick(FAILURE_MESSAGES[job.classification]),
          error_classification: job.classification,
        });
        await this.finish(job, false);
        return;
      }
      await this.push(job, {
        stage: 'Transfer',
        status: 'Streaming',
        disk_id: disk.diskId,
        throughput_bps: bps,
      });
      if (disk.bytes >= disk.total) job.diskIndex += 1;
      return;
    }
    await this.push(job, { stage: 'Finalize', status: 'Finalizing', throughput_bps: 0 });
    await this.push(job, { stage: 'PersistChangeIDs', status: 'Succeeded', throughput_bps: 0 });
    await this.finish(job, true);
  }

  /** OMA side after the copier is done: CBT history per disk and the new change id, together. */
  private async finish(job: ActiveJob, success: boolean) {
    this.active.delete(job.jobId);
    const { time } = this.store;
    const changeId = success
      ? `52 ${this.rng.hex(2)} ${this.rng.hex(2)} ${this.rng.hex(2)}-${this.rng.hex(4)}/${Date.now() % 100000}`
      : null;
    await inTransaction(this.store, async (trx) => {
      const previous = await trx
        .selectFrom('replication_jobs')
        .select(['previous_change_id', 'started_at'])
        .where('id', '=', job.jobId)
        .executeTakeFirst();
      const startedMs = time.toMs(previous?.started_at) ?? Date.now();
      const rows = job.disks
        .filter((d) => d.bytes > 0)
        .map((d) => ({
          vm_context_id: job.contextId,
          job_id: job.jobId,
          disk_id: d.diskId,
          change_id: changeId ?? '',
          previous_change_id: previous?.previous_change_id ?? null,
          sync_type: job.incremental ? 'incremental' : 'full',
          blocks_changed: Math.ceil(d.bytes / 65536),
          bytes_transferred: d.bytes,
          sync_duration_seconds: Math.max(1, Math.round((Date.now() - startedMs) / 1000 / job.disks.length)),
          sync_success: success && d.bytes >= d.total ? 1 : 0,
          created_at: time.toDb(Date.now()),
        }));
      if (rows.length) await trx.insertInto('cbt_history').values(rows).execute();
      if (changeId)
        await trx
          .updateTable('replication_jobs')
          .set({ change_id: changeId })
          .where('id', '=', job.jobId)
          .execute();
    });
  }
}
