// The analytics benchmark's world: a year and more of OMA history written straight into a fresh
// MariaDB database with INSERT ... SELECT over MariaDB's sequence tables (seq_0_to_N), so a
// million jobs take seconds, not the hours row-by-row inserts would. Every value is a function
// of the row number (CRC32 of it), so a run is reproducible. Times are UTC.
const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/** How the history is shaped; `jobs`, `cbt` and `volumeOps` are row counts. */
function worldShape(jobs, cbt, volumeOps, endMs) {
  const days = 400;
  const end = Math.floor(endMs / 1000 / HOUR_S) * HOUR_S;
  return {
    jobs,
    cbt,
    volumeOps,
    vms: Math.max(20, Math.round(jobs / 200)),
    vcenters: 6,
    datacenters: 12, // two per vCenter (datacenter % vcenters is its vCenter)
    vmGroups: 20,
    days,
    startS: end - days * DAY_S,
    endS: end,
  };
}

/** The jobs still running at the end (the last ones written): never counted as finished. */
const RUNNING_JOBS = 50;
const CHUNK_ROWS = 250_000;

/** Runs `fill(from, to)` over [0, total) in chunks, printing progress on one line. */
async function chunked(label, total, fill, log) {
  const t0 = performance.now();
  for (let from = 0; from < total; from += CHUNK_ROWS) {
    const to = Math.min(total, from + CHUNK_ROWS);
    await fill(from, to);
    log(
      `\r  ${label}: ${to.toLocaleString('en')} / ${total.toLocaleString('en')} rows  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  log('\n');
}

/**
 * Writes contexts, replication jobs, CBT history, volume operations and CloudStack job tracking
 * rows. `conn` is a mysql2 connection on the bench database (session time zone set to UTC here).
 */
async function seedAnalyticsWorld(conn, shape, log = (s) => process.stdout.write(s)) {
  const { jobs, cbt, volumeOps, vms, vcenters, datacenters, vmGroups, startS, endS } = shape;
  const step = (endS - startS) / jobs;
  await conn.query("SET time_zone = '+00:00'");
  const seq = (from, to) => `seq_${from}_to_${to - 1}`;
  // The VM of row `v`: its name, vCenter, datacenter and group.
  const vmName = (v) => `CONCAT('vm-', LPAD(${v}, 6, '0'))`;
  const vcenter = (v) => `CONCAT('vcenter-', (${v}) % ${datacenters} % ${vcenters}, '.bench')`;
  const datacenter = (v) => `CONCAT('DC-', (${v}) % ${datacenters})`;

  await chunked(
    'vm_replication_contexts',
    vms,
    (from, to) =>
      conn.query(`
        INSERT INTO vm_replication_contexts
          (context_id, vm_name, vmware_vm_id, vm_path, vcenter_host, datacenter, current_status,
           cpu_count, memory_mb, os_type, power_state, created_at, updated_at)
        SELECT CONCAT('ctx-', seq), ${vmName('seq')}, CONCAT('uuid-', seq), CONCAT('/dc/vm/', seq),
          ${vcenter('seq')}, ${datacenter('seq')},
          ELT(1 + CRC32(seq) % 5, 'replicating', 'ready_for_failover', 'ready_for_failover', 'failed_over_live', 'discovered'),
          2 + CRC32(seq) % 7, 1024 * (2 + CRC32(seq) % 31), 'linux', 'poweredOn',
          FROM_UNIXTIME(${startS}), FROM_UNIXTIME(${endS})
        FROM ${seq(from, to)}`),
    log,
  );

  // Job `seq`: VM seq % vms, finished about step * seq seconds after the start.
  await chunked(
    'replication_jobs',
    jobs,
    (from, to) =>
      conn.query(`
        INSERT INTO replication_jobs
          (id, vm_context_id, source_vm_id, source_vm_name, source_vm_path, v_center_host, datacenter,
           replication_type, status, progress_percent, bytes_transferred, total_bytes, transfer_speed_bps,
           vma_error_classification, error_message, vm_group_id, created_at, updated_at, started_at, completed_at)
        SELECT id, ctx, ctx, name, name, vc, dc, rtype, status, 100, bytes, bytes,
          IF(h % 10 = 0 OR status <> 'completed', 0, bytes DIV duration),
          IF(status = 'failed', ELT(1 + h % 6, 'connection', 'authentication', 'permission', 'disk', 'network', 'system'), NULL),
          IF(status = 'failed', 'bench failure', NULL),
          IF(h % 4 = 0, NULL, CONCAT('group-', v % ${vmGroups})),
          done - INTERVAL duration SECOND, done, done - INTERVAL duration SECOND,
          IF(status = 'replicating', NULL, done)
        FROM (
          SELECT seq, h, seq % ${vms} AS v,
            CONCAT('job-', seq) AS id, CONCAT('ctx-', seq % ${vms}) AS ctx, ${vmName(`seq % ${vms}`)} AS name,
            ${vcenter(`seq % ${vms}`)} AS vc, ${datacenter(`seq % ${vms}`)} AS dc,
            IF(h % 10 = 0, 'initial', 'incremental') AS rtype,
            CASE WHEN seq >= ${jobs - RUNNING_JOBS} THEN 'replicating'
                 WHEN h % 100 < 88 THEN 'completed' WHEN h % 100 < 96 THEN 'failed' ELSE 'cancelled' END AS status,
            60 + (h DIV 100) % 3600 + IF(h % 7 = 0, (h DIV 7) % 30000, 0) AS duration,
            (h DIV 1000) % 40000000000 AS bytes,
            FROM_UNIXTIME(${startS} + FLOOR(seq * ${step}) + (h % 1800) + (h % 1000) / 1000) AS done
          FROM (SELECT seq, CRC32(seq) AS h FROM ${seq(from, to)}) s
        ) j`),
    log,
  );

  // CBT row `seq`: a disk of job seq * jobs / cbt, written when that job finished.
  await chunked(
    'cbt_history',
    cbt,
    (from, to) =>
      conn.query(`
        INSERT INTO cbt_history
          (vm_context_id, job_id, disk_id, change_id, previous_change_id, sync_type, blocks_changed,
           bytes_transferred, sync_duration_seconds, sync_success, created_at)
        SELECT CONCAT('ctx-', j % ${vms}), CONCAT('job-', j), CONCAT('disk-', 2000 + seq % 5),
          CONCAT('52 ', h, '/', seq), CONCAT('52 ', h, '/', seq + 1000000000),
          IF(h % 10 = 0, 'full', 'incremental'), (h DIV 10) % 100000, (h DIV 10) % 100000 * 65536,
          30 + (h DIV 100) % 1800, h % 100 < 95,
          FROM_UNIXTIME(${startS} + FLOOR(j * ${step}) + (h % 1800))
        FROM (SELECT seq, CRC32(seq + 7) AS h, FLOOR(seq * ${jobs} / ${cbt}) AS j FROM ${seq(from, to)}) s`),
    log,
  );

  if (volumeOps > 0) {
    const opStep = (endS - startS) / volumeOps;
    await chunked(
      'volume_operations',
      volumeOps,
      (from, to) =>
        conn.query(`
          INSERT INTO volume_operations (id, type, status, volume_id, vm_id, request, error, created_at, updated_at, completed_at)
          SELECT CONCAT('vop-', seq), ELT(1 + h % 5, 'create', 'attach', 'detach', 'delete', 'cleanup'),
            IF(h % 100 < 93, 'completed', 'failed'), CONCAT('vol-', seq), CONCAT('vm-', LPAD(seq % ${vms}, 6, '0')),
            '{}', IF(h % 100 < 93, NULL, 'bench failure'), t, t + INTERVAL (1 + (h DIV 100) % 120) SECOND,
            t + INTERVAL (1 + (h DIV 100) % 120) SECOND
          FROM (SELECT seq, CRC32(seq + 11) AS h, FROM_UNIXTIME(${startS} + FLOOR(seq * ${opStep})) AS t FROM ${seq(from, to)}) s`),
      log,
    );
    await chunked(
      'job_tracking',
      volumeOps,
      (from, to) =>
        conn.query(`
          INSERT INTO job_tracking (id, job_type, operation, status, cloudstack_job_id, started_at, completed_at, created_at, updated_at)
          SELECT CONCAT('jt-', seq), 'cloudstack', ELT(1 + h % 4, 'createVolume', 'attachVolume', 'detachVolume', 'deleteVolume'),
            IF(h % 100 < 95, 'completed', 'failed'), CONCAT('cs-', seq), t, t + INTERVAL (1 + (h DIV 100) % 60) SECOND, t, t
          FROM (SELECT seq, CRC32(seq + 13) AS h, FROM_UNIXTIME(${startS} + FLOOR(seq * ${opStep})) AS t FROM ${seq(from, to)}) s`),
      log,
    );
  }
}

module.exports = { worldShape, seedAnalyticsWorld, RUNNING_JOBS };
