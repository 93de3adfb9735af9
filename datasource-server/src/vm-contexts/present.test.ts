import type { CbtHistoryRow, ReplicationJobRow, VmContextRow, VmDiskRow } from '../db/schema';
import { dbTimeIn, UTC } from '../db/time';
import { presentCbt, presentContext, presentDisk, presentJob } from './present';

// Fixed rows as the OMA tables hold them. Datetime columns are NULL except one or two: the
// DB-time conversion has its own tests, here it only has to be applied.

function contextRow(overrides: Partial<VmContextRow> = {}): VmContextRow {
  return {
    context_id: 'ctx-db-01-20260301',
    vm_name: 'db-01',
    vmware_vm_id: '4205a1b2-0000-0000-0000-000000000001',
    vm_path: '/DC-East/vm/db-01',
    vcenter_host: 'vc-01.lab',
    datacenter: 'DC-East',
    current_status: 'replicating',
    current_job_id: 'job-0002',
    total_jobs_run: 3,
    successful_jobs: 2,
    failed_jobs: 1,
    last_successful_job_id: 'job-0001',
    cpu_count: 4,
    memory_mb: 8192,
    os_type: 'ubuntu64Guest',
    power_state: 'poweredOn',
    vm_tools_version: '12352',
    created_at: '2026-03-01 10:00:00',
    updated_at: null,
    first_job_at: null,
    last_job_at: null,
    last_status_change: null,
    auto_added: 0,
    scheduler_enabled: 1,
    next_scheduled_at: null,
    ossea_config_id: 1,
    last_operation_summary: '{"operation":"replication","status":"running"}',
    ...overrides,
  };
}

function jobRow(overrides: Partial<ReplicationJobRow> = {}): ReplicationJobRow {
  return {
    id: 'job-0002',
    vm_context_id: 'ctx-db-01-20260301',
    source_vm_id: '4205a1b2-0000-0000-0000-000000000001',
    source_vm_name: 'db-01',
    source_vm_path: '/DC-East/vm/db-01',
    v_center_host: 'vc-01.lab',
    datacenter: 'DC-East',
    replication_type: 'incremental',
    target_network: null,
    status: 'replicating',
    progress_percent: 42.5,
    current_operation: 'Transfer',
    bytes_transferred: 21_474_836_480,
    total_bytes: 53_687_091_200,
    transfer_speed_bps: 104_857_600,
    error_message: null,
    change_id: '52 3c 1a/17',
    previous_change_id: '52 3c 1a/9',
    ossea_config_id: 1,
    created_at: null,
    updated_at: null,
    started_at: '2026-03-01 11:00:00.250',
    completed_at: null,
    vma_sync_type: 'incremental',
    vma_current_phase: 'Transfer',
    vma_throughput_mbps: 100,
    vma_eta_seconds: 307,
    vma_last_poll_at: null,
    vma_error_classification: null,
    vma_error_details: null,
    setup_progress_percent: 85,
    vm_group_id: null,
    ...overrides,
  };
}

function diskRow(overrides: Partial<VmDiskRow> = {}): VmDiskRow {
  return {
    id: 7,
    vm_context_id: 'ctx-db-01-20260301',
    job_id: 'job-0002',
    disk_id: 'disk-2000',
    vm_dk_path: '[datastore1] db-01/db-01.vmdk',
    size_gb: 50,
    datastore: 'datastore1',
    unit_number: 0,
    label: 'Hard disk 1',
    capacity_bytes: 53_687_091_200,
    provisioning_type: 'thin',
    disk_change_id: null,
    sync_status: 'syncing',
    sync_progress_percent: 40,
    bytes_synced: 21_474_836_480,
    created_at: null,
    updated_at: null,
    cpu_count: 4,
    memory_mb: 8192,
    os_type: 'ubuntu64Guest',
    vm_tools_version: '12352',
    network_config: '[{"name":"Network adapter 1","network_name":"prod-web","connected":true}]',
    display_name: 'db-01',
    power_state: 'poweredOn',
    vmware_uuid: '4205a1b2-0000-0000-0000-000000000001',
    ...overrides,
  };
}

function cbtRow(overrides: Partial<CbtHistoryRow> = {}): CbtHistoryRow {
  return {
    id: 11,
    vm_context_id: 'ctx-db-01-20260301',
    job_id: 'job-0002',
    disk_id: 'disk-2000',
    change_id: '52 3c 1a/17',
    previous_change_id: '52 3c 1a/9',
    sync_type: 'incremental',
    blocks_changed: 1024,
    bytes_transferred: 67_108_864,
    sync_duration_seconds: 12,
    sync_success: 1,
    created_at: null,
    ...overrides,
  };
}

/**
 * mysql2 hands over BIGINTs beyond 2^53 (and DECIMALs, without its decimalNumbers option) as
 * numeric strings, which the row types (number) do not say; this builds such a row.
 */
function withDbStrings<Row>(row: Row, strings: { [K in keyof Row]?: string }): Row {
  return { ...row, ...strings } as Row;
}

describe('presentContext', () => {
  test('reads datetimes in the database zone and answers in UTC', () => {
    const row = contextRow({ created_at: '2026-03-01 12:00:00', last_job_at: '2026-07-01 02:30:00.5' });
    expect(presentContext(row, dbTimeIn('+02:00'))).toMatchObject({
      created_at: '2026-03-01T10:00:00.000Z',
      last_job_at: '2026-07-01T00:30:00.500Z',
    });
    // Berlin is UTC+1 in March and UTC+2 in July.
    expect(presentContext(row, dbTimeIn('Europe/Berlin'))).toMatchObject({
      created_at: '2026-03-01T11:00:00.000Z',
      last_job_at: '2026-07-01T00:30:00.500Z',
    });
  });

  test('maps every column of a complete row', () => {
    expect(presentContext(contextRow(), UTC)).toEqual({
      context_id: 'ctx-db-01-20260301',
      vm_name: 'db-01',
      vmware_vm_id: '4205a1b2-0000-0000-0000-000000000001',
      vm_path: '/DC-East/vm/db-01',
      vcenter_host: 'vc-01.lab',
      datacenter: 'DC-East',
      current_status: 'replicating',
      current_job_id: 'job-0002',
      last_successful_job_id: 'job-0001',
      total_jobs_run: 3,
      successful_jobs: 2,
      failed_jobs: 1,
      cpu_count: 4,
      memory_mb: 8192,
      os_type: 'ubuntu64Guest',
      power_state: 'poweredOn',
      vm_tools_version: '12352',
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: null,
      first_job_at: null,
      last_job_at: null,
      last_status_change: null,
      scheduler_enabled: true,
      next_scheduled_at: null,
      ossea_config_id: 1,
      last_operation_summary: { operation: 'replication', status: 'running' },
    });
  });

  test('NULL counters are 0, NULL sizes stay null, a NULL scheduler flag means enabled', () => {
    const ctx = presentContext(
      contextRow({
        total_jobs_run: null,
        successful_jobs: null,
        failed_jobs: null,
        cpu_count: null,
        memory_mb: null,
        ossea_config_id: null,
        scheduler_enabled: null,
        created_at: null,
      }),
      UTC,
    );
    expect(ctx).toMatchObject({
      total_jobs_run: 0,
      successful_jobs: 0,
      failed_jobs: 0,
      cpu_count: null,
      memory_mb: null,
      ossea_config_id: null,
      scheduler_enabled: true,
      created_at: null,
    });
  });

  test('scheduler_enabled 0 is false', () => {
    expect(presentContext(contextRow({ scheduler_enabled: 0 }), UTC).scheduler_enabled).toBe(false);
  });

  test('numeric strings become numbers', () => {
    const row = withDbStrings(contextRow(), {
      total_jobs_run: '12',
      memory_mb: '16384',
      scheduler_enabled: '0',
    });
    expect(presentContext(row, UTC)).toMatchObject({
      total_jobs_run: 12,
      memory_mb: 16384,
      scheduler_enabled: false,
    });
  });

  test.each([
    ['NULL', null],
    ['empty text', ''],
    ['malformed JSON', '{"operation":'],
  ])('last_operation_summary: %s -> null', (_what, text) => {
    expect(
      presentContext(contextRow({ last_operation_summary: text }), UTC).last_operation_summary,
    ).toBeNull();
  });
});

describe('presentJob', () => {
  test('maps every column of a complete row', () => {
    expect(presentJob(jobRow(), UTC)).toEqual({
      id: 'job-0002',
      vm_context_id: 'ctx-db-01-20260301',
      source_vm_id: '4205a1b2-0000-0000-0000-000000000001',
      source_vm_name: 'db-01',
      source_vm_path: '/DC-East/vm/db-01',
      v_center_host: 'vc-01.lab',
      datacenter: 'DC-East',
      replication_type: 'incremental',
      target_network: null,
      status: 'replicating',
      progress_percent: 42.5,
      current_operation: 'Transfer',
      bytes_transferred: 21_474_836_480,
      total_bytes: 53_687_091_200,
      transfer_speed_bps: 104_857_600,
      error_message: null,
      change_id: '52 3c 1a/17',
      previous_change_id: '52 3c 1a/9',
      vma_sync_type: 'incremental',
      vma_current_phase: 'Transfer',
      vma_throughput_mbps: 100,
      vma_eta_seconds: 307,
      vma_last_poll_at: null,
      vma_error_classification: null,
      vma_error_details: null,
      setup_progress_percent: 85,
      vm_group_id: null,
      created_at: null,
      updated_at: null,
      started_at: '2026-03-01T11:00:00.250Z',
      completed_at: null,
    });
  });

  test('a NULL status is pending; NULL progress and byte counts are 0; NULL VMA figures stay null', () => {
    const job = presentJob(
      jobRow({
        status: null,
        progress_percent: null,
        bytes_transferred: null,
        total_bytes: null,
        transfer_speed_bps: null,
        vma_throughput_mbps: null,
        vma_eta_seconds: null,
        setup_progress_percent: null,
        started_at: null,
      }),
      UTC,
    );
    expect(job).toMatchObject({
      status: 'pending',
      progress_percent: 0,
      bytes_transferred: 0,
      total_bytes: 0,
      transfer_speed_bps: 0,
      vma_throughput_mbps: null,
      vma_eta_seconds: null,
      setup_progress_percent: null,
      started_at: null,
    });
  });

  test('DECIMAL and BIGINT strings become numbers', () => {
    const row = withDbStrings(jobRow(), {
      progress_percent: '42.50',
      bytes_transferred: '21474836480',
      total_bytes: '53687091200',
      setup_progress_percent: '85.00',
      vma_eta_seconds: '0',
    });
    expect(presentJob(row, UTC)).toMatchObject({
      progress_percent: 42.5,
      bytes_transferred: 21_474_836_480,
      total_bytes: 53_687_091_200,
      setup_progress_percent: 85,
      vma_eta_seconds: 0,
    });
  });
});

describe('presentDisk', () => {
  test('maps every column and parses the NIC list', () => {
    expect(presentDisk(diskRow(), UTC)).toEqual({
      id: 7,
      vm_context_id: 'ctx-db-01-20260301',
      job_id: 'job-0002',
      disk_id: 'disk-2000',
      vm_dk_path: '[datastore1] db-01/db-01.vmdk',
      size_gb: 50,
      datastore: 'datastore1',
      unit_number: 0,
      label: 'Hard disk 1',
      capacity_bytes: 53_687_091_200,
      provisioning_type: 'thin',
      sync_status: 'syncing',
      sync_progress_percent: 40,
      bytes_synced: 21_474_836_480,
      network_config: [{ name: 'Network adapter 1', network_name: 'prod-web', connected: true }],
      created_at: null,
      updated_at: null,
    });
  });

  test.each([
    ['NULL', null],
    ['empty text', ''],
    ['malformed JSON', '[{"network_name":'],
    ['a JSON object, not an array', '{"network_name":"prod-web"}'],
    ['an array of non-objects', '[null,"prod-web",3]'],
  ])('network_config %s gives no NICs', (_what, text) => {
    expect(presentDisk(diskRow({ network_config: text }), UTC).network_config).toEqual([]);
  });

  test('NULL optional figures stay null; BIGINT strings become numbers', () => {
    const disk = presentDisk(
      withDbStrings(
        diskRow({ unit_number: null, capacity_bytes: null, sync_progress_percent: null, bytes_synced: null }),
        { size_gb: '2048' },
      ),
      UTC,
    );
    expect(disk).toMatchObject({
      size_gb: 2048,
      unit_number: null,
      capacity_bytes: null,
      sync_progress_percent: null,
      bytes_synced: null,
    });
  });
});

describe('presentCbt', () => {
  test('maps every column of a complete row', () => {
    expect(presentCbt(cbtRow(), UTC)).toEqual({
      id: 11,
      vm_context_id: 'ctx-db-01-20260301',
      job_id: 'job-0002',
      disk_id: 'disk-2000',
      change_id: '52 3c 1a/17',
      previous_change_id: '52 3c 1a/9',
      sync_type: 'incremental',
      blocks_changed: 1024,
      bytes_transferred: 67_108_864,
      sync_duration_seconds: 12,
      sync_success: true,
      created_at: null,
    });
  });

  test.each([
    [1, true],
    [0, false],
    [null, false],
  ])('sync_success %p -> %p', (flag, expected) => {
    expect(presentCbt(cbtRow({ sync_success: flag }), UTC).sync_success).toBe(expected);
  });

  test('NULL figures stay null; BIGINT strings become numbers', () => {
    const cbt = presentCbt(
      withDbStrings(cbtRow({ blocks_changed: null, sync_duration_seconds: null }), {
        bytes_transferred: '1099511627776',
      }),
      UTC,
    );
    expect(cbt).toMatchObject({
      blocks_changed: null,
      sync_duration_seconds: null,
      bytes_transferred: 1_099_511_627_776,
    });
  });
});
