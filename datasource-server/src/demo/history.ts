// One VM's replication history: an initial full copy, then nightly incrementals, with CBT rows,
// volume operations and CloudStack job tracking. Pure and deterministic for (seed, VM index).
import type { ErrorClassification, VOLUME_OPERATION_TYPES } from '@oma-insights/contracts';
import type {
  CbtHistoryTable,
  JobTrackingTable,
  NetworkMappingsTable,
  ReplicationJobsTable,
  VmDisksTable,
  VmReplicationContextsTable,
  VolumeOperationHistoryTable,
  VolumeOperationsTable,
} from '../db/schema';
import type { DbTime } from '../db/time';
import { Rng } from './rng';
import type { VmSpec, World } from './world';

export interface VmHistory {
  context: VmReplicationContextsTable;
  jobs: ReplicationJobsTable[];
  disks: Omit<VmDisksTable, 'id'>[];
  cbt: Omit<CbtHistoryTable, 'id'>[];
  volumeOperations: VolumeOperationsTable[];
  volumeHistory: Omit<VolumeOperationHistoryTable, 'id'>[];
  jobTracking: JobTrackingTable[];
  mappings: Omit<NetworkMappingsTable, 'id'>[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GB = 1024 ** 3;
const CBT_BLOCK = 64 * 1024;

export const FAILURE_MESSAGES: Record<ErrorClassification, string[]> = {
  connection: [
    'NBD connection to 10.20.0.15:10809 reset by peer',
    'read tcp 10.20.0.15:10809: i/o timeout after 300s',
    'VMA tunnel disconnected during transfer',
  ],
  authentication: [
    'vCenter session expired: 401 Unauthorized',
    'Cannot complete login due to an incorrect user name or password',
  ],
  permission: [
    'Permission to perform this operation was denied: VirtualMachine.Provisioning.DiskRandomRead',
    'NoPermission: VirtualMachine.State.CreateSnapshot',
  ],
  disk: [
    'Failed to open VMDK: file is locked by another host',
    'Snapshot creation failed: msg.snapshot.error-QUIESCINGERROR',
    'Target volume is full: no space left on device',
  ],
  network: [
    'CloudStack volume attach timed out after 600s',
    'Packet loss above 5% on migration network; transfer aborted',
  ],
  system: ['OMA volume daemon restarted during sync', 'migratekit exited with code 137 (out of memory)'],
};

/** How often each VMA error classification occurs among failures. */
export const CLASSIFICATION_WEIGHTS = [
  ['network', 30],
  ['connection', 25],
  ['disk', 15],
  ['system', 15],
  ['permission', 8],
  ['authentication', 7],
] as const;

/** Business hours load the source storage and the WAN: copies run slower. */
export function timeOfDayFactor(utcHour: number): number {
  if (utcHour >= 8 && utcHour < 18) return 0.55;
  if (utcHour >= 18 && utcHour < 22) return 0.8;
  return 1;
}

/** Effective MB/s for a copy starting at `at` from a datastore. */
function throughputMBps(rng: Rng, datastoreMBps: number, at: number): number {
  const hour = new Date(at).getUTCHours();
  return Math.max(5, Math.min(400, datastoreMBps * timeOfDayFactor(hour) * rng.jitter(0.25)));
}

const changeId = (rng: Rng, seq: number) =>
  `52 ${rng.hex(2)} ${rng.hex(2)} ${rng.hex(2)} ${rng.hex(2)} ${rng.hex(2)} ${rng.hex(2)} ${rng.hex(2)}-${rng.hex(2)} ${rng.hex(2)} ${rng.hex(2)} ${rng.hex(2)}/${seq}`;

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');

export interface HistoryWindow {
  start: number;
  end: number;
}

export function buildHistory(
  world: World,
  vm: VmSpec,
  window: HistoryWindow,
  osseaConfigId: number,
  time: DbTime,
): VmHistory {
  const rng = Rng.derive(world.seed, 1_000_000 + vm.index);
  const span = window.end - window.start;
  const jobs: ReplicationJobsTable[] = [];
  const cbt: VmHistory['cbt'] = [];
  const volumeOperations: VolumeOperationsTable[] = [];
  const volumeHistory: VmHistory['volumeHistory'] = [];
  const jobTracking: JobTrackingTable[] = [];

  // A few VMs are discovered but never replicated; the rest onboard in waves over the window.
  const neverStarted = rng.chance(0.04);
  const onboardAt = window.start + Math.floor(span * Math.pow(rng.float(), 1.6) * 0.7) + rng.int(0, 6) * HOUR;
  const siteFailure = vm.dc.failureFactor;

  let lastChange: string | null = null;
  let seq = 0;
  let cursor = onboardAt;
  let needsFull = true;
  let successful = 0;
  let failed = 0;
  let lastSuccessful: string | null = null;
  const diskLastJob = new Map<string, { jobId: string; bytes: number; status: string; at: number }>();

  while (!neverStarted && cursor < window.end) {
    const initial = needsFull;
    const type = initial ? 'initial' : 'incremental';
    const createdAt = cursor;
    const setupSeconds = rng.int(45, initial ? 600 : 240);
    const startedAt = createdAt + rng.int(2, 30) * 1000;
    // VM first, then start time: the seeder writes VM by VM, so primary keys arrive in order and
    // InnoDB appends instead of splitting pages all over the clustered index.
    const jobId = `job-${vm.index.toString(16).padStart(5, '0')}-${stamp(createdAt)}`;

    // Bytes each disk sends: a full copy sends used blocks, an incremental the day's changes.
    const weekday = new Date(createdAt).getUTCDay();
    const weekendFactor = weekday === 0 || weekday === 6 ? 0.35 : 1;
    const diskBytes = vm.disks.map((d) =>
      Math.round(
        initial
          ? d.sizeGb * GB * d.usedFraction
          : d.sizeGb * GB * d.usedFraction * vm.dailyChange * weekendFactor * rng.jitter(0.5),
      ),
    );
    const totalBytes = diskBytes.reduce((a, b) => a + b, 0);

    const failureRate = (initial ? 0.06 : 0.028) * siteFailure;
    const outcome = rng.chance(0.004) ? 'cancelled' : rng.chance(failureRate) ? 'failed' : 'completed';
    const failingDisk = outcome === 'completed' ? -1 : rng.int(0, vm.disks.length - 1);
    const classification = rng.weighted(CLASSIFICATION_WEIGHTS);

    let at = startedAt + setupSeconds * 1000;
    let moved = 0;
    const prevChange = lastChange;
    const jobCbt: VmHistory['cbt'] = [];
    const jobDisks: [string, { jobId: string; bytes: number; status: string; at: number }][] = [];
    for (const [d, disk] of vm.disks.entries()) {
      if (failingDisk >= 0 && d > failingDisk) break;
      const mbps = throughputMBps(rng, disk.datastore.speedMBps, at);
      const fraction = d === failingDisk ? rng.between(0.05, 0.9) : 1;
      const bytes = Math.round(diskBytes[d] * fraction);
      const seconds = Math.max(1, Math.round(bytes / (mbps * 1_000_000)));
      at += seconds * 1000;
      moved += bytes;
      const ok = d !== failingDisk;
      jobCbt.push({
        vm_context_id: vm.contextId,
        job_id: jobId,
        disk_id: disk.diskId,
        change_id: changeId(rng, seq + 1),
        previous_change_id: initial ? null : prevChange,
        sync_type: initial ? 'full' : 'incremental',
        blocks_changed: Math.ceil(bytes / CBT_BLOCK),
        bytes_transferred: bytes,
        sync_duration_seconds: seconds,
        sync_success: ok ? 1 : 0,
        created_at: time.toDb(at),
      });
      jobDisks.push([disk.diskId, { jobId, bytes, status: ok ? 'completed' : 'failed', at }]);
    }
    const completedAt = at + rng.int(5, 60) * 1000;
    // History ends now: a run that would still be going is left to the live simulator.
    if (completedAt > window.end) break;
    cbt.push(...jobCbt);
    for (const [diskId, run] of jobDisks) diskLastJob.set(diskId, run);
    const elapsedSeconds = Math.max(1, (completedAt - startedAt) / 1000);
    const avgBps = Math.round(moved / elapsedSeconds);
    const done = outcome === 'completed';
    if (done) {
      seq += 1;
      lastChange = changeId(rng, seq);
    }
    const message =
      outcome === 'failed'
        ? rng.pick(FAILURE_MESSAGES[classification])
        : outcome === 'cancelled'
          ? 'Cancelled by operator'
          : null;

    jobs.push({
      id: jobId,
      vm_context_id: vm.contextId,
      source_vm_id: vm.vmwareId,
      source_vm_name: vm.name,
      source_vm_path: `/${vm.dc.name}/vm/${vm.env}/${vm.name}`,
      v_center_host: vm.dc.vcenter,
      datacenter: vm.dc.name,
      replication_type: type,
      target_network: null,
      status: outcome,
      progress_percent: done ? 100 : Math.round((moved / Math.max(1, totalBytes)) * 10000) / 100,
      current_operation: done ? 'Completed' : outcome === 'failed' ? 'Transfer' : 'Cancelled',
      bytes_transferred: moved,
      total_bytes: totalBytes,
      transfer_speed_bps: avgBps,
      error_message: message,
      change_id: done ? lastChange : null,
      previous_change_id: initial ? null : prevChange,
      ossea_config_id: osseaConfigId,
      created_at: time.toDb(createdAt),
      updated_at: time.toDb(completedAt),
      started_at: time.toDb(startedAt),
      completed_at: time.toDb(completedAt),
      vma_sync_type: type,
      vma_current_phase: done ? 'PersistChangeIDs' : 'Transfer',
      vma_throughput_mbps: Math.round(avgBps / 10_000) / 100,
      vma_eta_seconds: done ? 0 : null,
      vma_last_poll_at: time.toDb(completedAt),
      vma_error_classification: outcome === 'failed' ? classification : null,
      vma_error_details: outcome === 'failed' ? message : null,
      setup_progress_percent: 85,
      vm_group_id: null,
    });

    if (initial) {
      addVolumeOperations(
        rng,
        vm,
        jobId,
        createdAt,
        startedAt + setupSeconds * 500,
        volumeOperations,
        volumeHistory,
        jobTracking,
        time,
      );
    }
    if (done) {
      successful += 1;
      lastSuccessful = jobId;
      needsFull = false;
    } else if (outcome === 'failed') {
      failed += 1;
    }

    // Next run: a retry within hours after a failure, otherwise the next nightly slot.
    if (outcome !== 'completed' && rng.chance(0.6)) {
      cursor = completedAt + rng.int(1, 4) * HOUR + rng.int(0, 59) * 60_000;
    } else {
      const nextDay = Math.floor(completedAt / DAY) * DAY + DAY;
      cursor = nextDay + vm.scheduleHour * HOUR + rng.int(0, 29) * 60_000;
      if (rng.chance(0.03)) cursor += DAY; // skipped night (maintenance, paused schedule)
    }
  }

  const last = jobs[jobs.length - 1];
  const lastStatus = last?.status;
  const failoverRoll = rng.float();
  const currentStatus = !last
    ? 'discovered'
    : lastStatus === 'completed'
      ? failoverRoll < 0.05
        ? 'failed_over_test'
        : failoverRoll < 0.07
          ? 'failed_over_live'
          : 'ready_for_failover'
      : lastStatus === 'failed'
        ? 'failed'
        : successful > 0
          ? 'ready_for_failover'
          : 'discovered';
  const firstAt = jobs[0]?.created_at ?? null;
  const lastAt = last?.completed_at ?? null;
  const discoveredAt = time.toDb(Math.max(window.start, onboardAt - rng.int(1, 72) * HOUR));
  const nicsJson = JSON.stringify(vm.nics);

  const context: VmReplicationContextsTable = {
    context_id: vm.contextId,
    vm_name: vm.name,
    vmware_vm_id: vm.vmwareId,
    vm_path: `/${vm.dc.name}/vm/${vm.env}/${vm.name}`,
    vcenter_host: vm.dc.vcenter,
    datacenter: vm.dc.name,
    current_status: currentStatus,
    current_job_id: null,
    total_jobs_run: jobs.length,
    successful_jobs: successful,
    failed_jobs: failed,
    last_successful_job_id: lastSuccessful,
    cpu_count: vm.cpu,
    memory_mb: vm.memoryMb,
    os_type: vm.os,
    power_state:
      currentStatus === 'failed_over_live' ? 'poweredOff' : rng.chance(0.95) ? 'poweredOn' : 'poweredOff',
    vm_tools_version: vm.toolsVersion,
    created_at: discoveredAt,
    updated_at: lastAt ?? discoveredAt,
    first_job_at: firstAt,
    last_job_at: lastAt,
    last_status_change: lastAt ?? discoveredAt,
    auto_added: last ? 0 : 1,
    scheduler_enabled: currentStatus === 'failed_over_live' ? 0 : 1,
    next_scheduled_at: null,
    ossea_config_id: osseaConfigId,
    last_operation_summary: last
      ? JSON.stringify({
          operation: 'replication',
          job_id: last.id,
          status: last.status,
          // JSON documents carry their own zone (the OMA's Go code writes RFC 3339).
          completed_at: time.toIso(last.completed_at),
        })
      : null,
  };

  const disks: VmHistory['disks'] = vm.disks.map((d) => {
    const lastRun = diskLastJob.get(d.diskId);
    return {
      vm_context_id: vm.contextId,
      job_id: lastRun?.jobId ?? last?.id ?? '',
      disk_id: d.diskId,
      vm_dk_path: d.path,
      size_gb: d.sizeGb,
      datastore: d.datastore.name,
      unit_number: d.unitNumber,
      label: d.label,
      capacity_bytes: d.sizeGb * GB,
      provisioning_type: d.provisioning,
      disk_change_id: lastChange,
      sync_status: lastRun?.status ?? 'pending',
      sync_progress_percent: lastRun?.status === 'completed' ? 100 : 0,
      bytes_synced: lastRun?.bytes ?? 0,
      created_at: discoveredAt,
      updated_at: lastRun ? time.toDb(lastRun.at) : discoveredAt,
      cpu_count: vm.cpu,
      memory_mb: vm.memoryMb,
      os_type: vm.os,
      vm_tools_version: vm.toolsVersion,
      network_config: nicsJson,
      display_name: vm.name,
      power_state: context.power_state,
      vmware_uuid: `42${vm.contextId.slice(2)}`,
    };
  });

  const mappings: VmHistory['mappings'] = [];
  if (last && rng.chance(0.35)) {
    const withTest = rng.chance(0.45);
    for (const nic of vm.nics) {
      const pg = vm.dc.portGroups.find((p) => p.name === nic.network_name);
      if (!pg) continue;
      const at = time.toDb(Math.min(window.end, (time.toMs(lastAt) ?? window.end) - rng.int(1, 48) * HOUR));
      const targets: [string | null, number][] = [[pg.liveNetworkId, 0]];
      if (withTest) targets.push([pg.testNetworkId, 1]);
      for (const [networkId, isTest] of targets) {
        const network = networkId ? world.networks.find((n) => n.id === networkId) : undefined;
        if (!network) continue;
        mappings.push({
          vm_id: vm.name,
          source_network_name: pg.name,
          destination_network_id: network.id,
          destination_network_name: network.name,
          is_test_network: isTest,
          created_at: at,
          updated_at: at,
          vm_context_id: vm.contextId,
          vmware_vm_id: vm.vmwareId,
          validation_status: rng.chance(0.85) ? 'valid' : 'pending',
          mapping_type: isTest ? 'test' : 'live',
          network_strategy: null,
          last_validated: at,
        });
      }
    }
  }

  addLaterVolumeOperations(
    Rng.derive(world.seed, 2_000_000 + vm.index),
    vm,
    jobs,
    currentStatus,
    window,
    { operations: volumeOperations, history: volumeHistory, tracking: jobTracking },
    time,
  );

  return { context, jobs, disks, cbt, volumeOperations, volumeHistory, jobTracking, mappings };
}

type VolumeOperationType = (typeof VOLUME_OPERATION_TYPES)[number];

/** Where volume operations, their status history and their CloudStack jobs go. */
interface VolumeRows {
  operations: VolumeOperationsTable[];
  history: VmHistory['volumeHistory'];
  tracking: JobTrackingTable[];
}

const CLOUDSTACK_COMMANDS: Record<VolumeOperationType, string> = {
  create: 'createVolume',
  attach: 'attachVolume',
  detach: 'detachVolume',
  delete: 'deleteVolume',
  cleanup: 'deleteVolume',
};

/** One finished volume operation: its row, its status changes and the CloudStack job it ran. */
function recordVolumeOperation(
  rng: Rng,
  out: VolumeRows,
  time: DbTime,
  op: {
    id: string;
    type: VolumeOperationType;
    vm: VmSpec;
    volumeId: string;
    request: Record<string, unknown>;
    response: Record<string, unknown> | null;
    error: string | null;
    startedAt: number;
    endedAt: number;
    failed: boolean;
  },
) {
  const status = op.failed ? 'failed' : 'completed';
  const { id, startedAt, endedAt } = op;
  out.operations.push({
    id,
    type: op.type,
    status,
    volume_id: op.volumeId,
    vm_id: op.vm.contextId,
    request: JSON.stringify(op.request),
    response: op.response ? JSON.stringify(op.response) : null,
    error: op.failed ? op.error : null,
    created_at: time.toDb(startedAt),
    updated_at: time.toDb(endedAt),
    completed_at: time.toDb(endedAt),
  });
  out.history.push(
    {
      operation_id: id,
      previous_status: null,
      new_status: 'pending',
      changed_at: time.toDb(startedAt),
      details: null,
    },
    {
      operation_id: id,
      previous_status: 'pending',
      new_status: 'executing',
      changed_at: time.toDb(startedAt + 500),
      details: null,
    },
    {
      operation_id: id,
      previous_status: 'executing',
      new_status: status,
      changed_at: time.toDb(endedAt),
      details: JSON.stringify({ duration_ms: endedAt - startedAt - 500 }),
    },
  );
  out.tracking.push({
    id: rng.uuid(),
    parent_job_id: null,
    job_type: 'cloudstack',
    operation: CLOUDSTACK_COMMANDS[op.type],
    status,
    cloudstack_job_id: rng.uuid(),
    external_job_id: id,
    metadata: JSON.stringify({ volume_id: op.volumeId, ...op.request }),
    error_message: op.failed ? 'resource unavailable' : null,
    started_at: time.toDb(startedAt),
    completed_at: time.toDb(endedAt),
    created_at: time.toDb(startedAt),
    updated_at: time.toDb(endedAt),
    percent_complete: 100,
    context_id: op.vm.contextId,
    job_category: 'system',
  });
}

/** The initial copy provisions one CloudStack volume per disk: create then attach, each a CloudStack job. */
function addVolumeOperations(
  rng: Rng,
  vm: VmSpec,
  jobId: string,
  createdAt: number,
  attachedBy: number,
  operations: VolumeOperationsTable[],
  history: VmHistory['volumeHistory'],
  tracking: JobTrackingTable[],
  time: DbTime,
) {
  let at = createdAt + rng.int(3, 20) * 1000;
  for (const disk of vm.disks) {
    const volumeId = rng.uuid();
    for (const type of ['create', 'attach'] as const) {
      const id = `op-${rng.hex(12)}`;
      const seconds = type === 'create' ? rng.int(4, 40) + Math.round(disk.sizeGb / 100) : rng.int(2, 25);
      const failed = rng.chance(0.012 * vm.dc.failureFactor);
      const endedAt = Math.min(attachedBy + 600_000, at + seconds * 1000);
      recordVolumeOperation(rng, { operations, history, tracking }, time, {
        id,
        type,
        vm,
        volumeId,
        request: { job_id: jobId, disk_id: disk.diskId, size_gb: disk.sizeGb, type },
        response: { volume_id: volumeId, device_path: `/dev/vd${'bcdefg'[disk.unitNumber] ?? 'z'}` },
        error: 'CloudStack async job failed: resource unavailable, retried successfully',
        startedAt: at,
        endedAt,
        failed,
      });
      at = endedAt + 1000;
    }
  }
}

/** How often each later volume operation fails (times the site's failure factor). */
const LATER_FAILURE_RATES = { attach: 0.012, detach: 0.025, cleanup: 0.03, delete: 0.02, create: 0.012 };

/**
 * Volume operations after the initial copy: a failed attach behind each sync that timed out
 * attaching a volume, cleanup of the volumes of a failed initial copy, and detach/attach moving
 * the volumes to the failover VM (and back after a test failover's cleanup). Drawn from their own
 * random stream, so the rest of the history is the same with or without them.
 */
function addLaterVolumeOperations(
  rng: Rng,
  vm: VmSpec,
  jobs: ReplicationJobsTable[],
  status: string,
  window: HistoryWindow,
  out: VolumeRows,
  time: DbTime,
) {
  const operation = (type: VolumeOperationType, jobId: string, disk: VmSpec['disks'][number], at: number) => {
    const failed = rng.chance(LATER_FAILURE_RATES[type] * vm.dc.failureFactor);
    const seconds = failed
      ? rng.int(60, 600)
      : type === 'attach' || type === 'detach'
        ? rng.int(2, 30)
        : rng.int(3, 45);
    const endedAt = at + seconds * 1000;
    if (endedAt > window.end) return null;
    recordVolumeOperation(rng, out, time, {
      id: `op-${rng.hex(12)}`,
      type,
      vm,
      volumeId: `vol-${vm.contextId.slice(0, 8)}-${disk.unitNumber}`,
      request: { job_id: jobId, disk_id: disk.diskId, type },
      response: failed ? null : { volume_id: `vol-${vm.contextId.slice(0, 8)}-${disk.unitNumber}` },
      error:
        type === 'detach'
          ? 'CloudStack detachVolume failed: volume is busy on the host'
          : 'CloudStack async job failed: resource unavailable',
      startedAt: at,
      endedAt,
      failed,
    });
    return endedAt + 1000;
  };
  /** Every disk's volume goes through the given types in turn; stops at the end of history. */
  const sequence = (types: VolumeOperationType[], jobId: string, startAt: number) => {
    let at: number | null = startAt;
    for (const disk of vm.disks) {
      for (const type of types) {
        if (at === null) return null;
        at = operation(type, jobId, disk, at);
      }
    }
    return at;
  };

  for (const job of jobs) {
    const endedAt = time.toMs(job.completed_at)!;
    if (job.status === 'failed' && /volume attach timed out/.test(job.error_message ?? '')) {
      // The sync's attach hit the 600 s timeout: it ended when the sync gave up.
      const disk = vm.disks[rng.int(0, vm.disks.length - 1)];
      const startedAt = endedAt - 600_000 - rng.int(1, 20) * 1000;
      recordVolumeOperation(rng, out, time, {
        id: `op-${rng.hex(12)}`,
        type: 'attach',
        vm,
        volumeId: `vol-${vm.contextId.slice(0, 8)}-${disk.unitNumber}`,
        request: { job_id: job.id, disk_id: disk.diskId, type: 'attach' },
        response: null,
        error: 'CloudStack attachVolume timed out after 600s',
        startedAt,
        endedAt: endedAt - 1000,
        failed: true,
      });
    }
    if (job.status === 'failed' && job.replication_type === 'initial') {
      sequence(['cleanup'], job.id, endedAt + rng.int(1, 10) * 60_000);
    }
  }

  const last = jobs[jobs.length - 1];
  if (!last || last.status !== 'completed') return;
  const lastAt = time.toMs(last.completed_at)!;
  if (status === 'failed_over_test' || status === 'failed_over_live') {
    sequence(['detach', 'attach'], last.id, lastAt + rng.int(1, 24) * HOUR + rng.int(0, 59) * 60_000);
  } else if (status === 'ready_for_failover' && rng.chance(0.3)) {
    // A test failover some time ago, cleaned up after a few hours: the volumes went back.
    const earlier = jobs[rng.int(0, jobs.length - 1)];
    if (earlier.status !== 'completed') return;
    const at = time.toMs(earlier.completed_at)! + rng.int(1, 12) * HOUR;
    const moved = sequence(['detach', 'attach'], earlier.id, at);
    if (moved !== null) sequence(['detach', 'attach'], earlier.id, moved + rng.int(1, 6) * HOUR);
  }
}
