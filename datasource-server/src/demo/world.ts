// The static part of a demo world: vCenters, datacenters, datastores, port groups, CloudStack
// zones and networks, VM specs. Pure and deterministic for a seed.
import type { CloudStackNetwork, Nic } from '@oma-insights/contracts';
import { Rng } from './rng';

export interface Datastore {
  name: string;
  /** Sustained read throughput for a full copy at night, MB/s. */
  speedMBps: number;
}

export interface PortGroup {
  name: string;
  vlan: number;
  env: string;
  role: string;
  liveNetworkId: string | null;
  testNetworkId: string | null;
}

export interface Datacenter {
  name: string;
  vcenter: string;
  zone: string;
  datastores: Datastore[];
  portGroups: PortGroup[];
  /** Some sites are flakier than others (WAN links, older hosts). */
  failureFactor: number;
}

export interface DiskSpec {
  diskId: string;
  label: string;
  unitNumber: number;
  sizeGb: number;
  usedFraction: number;
  datastore: Datastore;
  provisioning: string;
  path: string;
}

export interface VmSpec {
  index: number;
  name: string;
  vmwareId: string;
  contextId: string;
  dc: Datacenter;
  env: string;
  role: string;
  os: string;
  cpu: number;
  memoryMb: number;
  toolsVersion: string;
  nics: Nic[];
  disks: DiskSpec[];
  /** Fraction of used blocks that change per day. */
  dailyChange: number;
  /** UTC hour the nightly incremental starts. */
  scheduleHour: number;
}

export interface World {
  seed: number;
  datacenters: Datacenter[];
  networks: CloudStackNetwork[];
  osseaConfig: {
    name: string;
    api_url: string;
    api_key: string;
    secret_key: string;
    zone: string;
    network_id: string;
  };
}

const ENVS = [
  ['prod', 5],
  ['uat', 2],
  ['dev', 2],
  ['stage', 1],
] as const;
const ROLES = [
  'web',
  'app',
  'db',
  'sql',
  'exchange',
  'voice',
  'vdi',
  'kubernetes',
  'finance',
  'hr',
  'mgmt',
  'backup',
  'dmz',
  'iot',
] as const;

const SITES = [
  { vcenter: 'vcenter-01.corp.example.com', dc: 'DC-London', code: 'lon', zone: 'zone-a', failure: 1.0 },
  { vcenter: 'vcenter-01.corp.example.com', dc: 'DC-Manchester', code: 'man', zone: 'zone-a', failure: 1.3 },
  { vcenter: 'vcenter-02.dr.example.com', dc: 'DC-Frankfurt', code: 'fra', zone: 'zone-b', failure: 0.8 },
  { vcenter: 'vc-lab.corp.example.com', dc: 'DC-Lab', code: 'lab', zone: 'zone-lab', failure: 2.2 },
] as const;

const DATASTORE_KINDS = [
  ['PURE-GOLD', 240],
  ['VSAN', 170],
  ['NETAPP-SILVER', 120],
  ['NL-SAS-BRONZE', 55],
] as const;

const OS_TYPES = [
  ['windows2019srv_64Guest', 4],
  ['windows2022srvNext_64Guest', 3],
  ['rhel8_64Guest', 3],
  ['ubuntu64Guest', 2],
  ['centos7_64Guest', 1],
  ['sles15_64Guest', 1],
] as const;

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** VMware admins name port groups in a handful of house styles; each site has its own. */
const PORT_GROUP_STYLES: ((env: string, role: string, vlan: number, n: number) => string)[] = [
  (env, role, vlan) => `dvs01-pg-${env}-${role}-vlan ${vlan}`,
  (env, role, vlan) => `dvPG-${cap(env)}-${cap(role)}-${vlan}`,
  (env, role, vlan) => `VLAN${vlan}-${cap(env)}-${cap(role)}`,
  (env, role, vlan) => `pg_${env}_${role}_vl${vlan}`,
];

/** CloudStack admins have their own styles for the live and the DR-test network. */
const NETWORK_STYLES: {
  live: (env: string, role: string, vlan: number) => string;
  test: (env: string, role: string, vlan: number) => string;
}[] = [
  { live: (e, r) => `net-${e}-${r}`, test: (e, r) => `test-${e}-${r}` },
  { live: (e, r, v) => `guest-${e}-${r}-${v}`, test: (e, r, v) => `drtest-${e}-${r}-${v}` },
  { live: (e, r) => `${cap(e)} ${cap(r)}`, test: (e, r) => `${cap(e)} ${cap(r)} (DR test)` },
];

export function buildWorld(seed: number): World {
  const rng = Rng.derive(seed, -1);
  const networks: CloudStackNetwork[] = [];
  const usedVlans = new Set<number>();
  let networkCount = 0;
  const networkId = () =>
    `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${String(++networkCount).padStart(12, '0')}`;

  const datacenters: Datacenter[] = SITES.map((site, siteIndex) => {
    const pgStyle = PORT_GROUP_STYLES[siteIndex % PORT_GROUP_STYLES.length];
    const netStyle = NETWORK_STYLES[siteIndex % NETWORK_STYLES.length];
    const datastores = DATASTORE_KINDS.map(([kind, speed], i) => ({
      name: `${site.code.toUpperCase()}-${kind}-${String(i + 1).padStart(2, '0')}`,
      speedMBps: Math.round(speed * rng.between(0.85, 1.15)),
    }));
    const portGroups: PortGroup[] = [];
    const pgCount = site.code === 'lab' ? 8 : rng.int(14, 22);
    for (let n = 0; portGroups.length < pgCount; n++) {
      const env = rng.weighted(ENVS);
      const role = rng.pick(ROLES);
      if (portGroups.some((p) => p.env === env && p.role === role)) continue;
      let vlan = rng.int(100, 3999);
      while (usedVlans.has(vlan)) vlan = rng.int(100, 3999);
      usedVlans.add(vlan);
      const third = rng.int(0, 250);
      const live: CloudStackNetwork = {
        id: networkId(),
        name: netStyle.live(env, role, vlan),
        display_text: `${cap(env)} ${role} network (VLAN ${vlan})`,
        state: 'Implemented',
        zone_id: `${site.zone}-id`,
        zone_name: site.zone,
        network_type: 'Shared',
        traffic_type: 'Guest',
        gateway: `10.${siteIndex * 40 + 10}.${third}.1`,
        netmask: '255.255.255.0',
        cidr: `10.${siteIndex * 40 + 10}.${third}.0/24`,
        vlan: `vlan://${vlan}`,
        broadcast_uri: `vlan://${vlan}`,
        is_default: false,
        is_shared: true,
        can_use_for_deploy: true,
        is_system: false,
      };
      // Most port groups have a prepared live network; fewer have a DR-test network.
      const hasLive = rng.chance(0.85);
      const hasTest = hasLive && rng.chance(0.7);
      if (hasLive) networks.push(live);
      const test: CloudStackNetwork | null = hasTest
        ? {
            ...live,
            id: networkId(),
            name: netStyle.test(env, role, vlan),
            display_text: `DR test: ${env} ${role}`,
            network_type: 'Isolated',
            gateway: `172.${16 + siteIndex}.${third}.1`,
            cidr: `172.${16 + siteIndex}.${third}.0/24`,
            vlan: undefined,
            broadcast_uri: undefined,
            is_shared: false,
          }
        : null;
      if (test) networks.push(test);
      portGroups.push({
        name: pgStyle(env, role, vlan, n),
        vlan,
        env,
        role,
        liveNetworkId: hasLive ? live.id : null,
        testNetworkId: test?.id ?? null,
      });
    }
    // Decommissioned networks that look like candidates but must not be picked.
    for (const pg of portGroups.slice(0, 2)) {
      networks.push({
        id: networkId(),
        name: `${netStyle.live(pg.env, pg.role, pg.vlan)}-old`,
        display_text: 'retired',
        state: 'Shutdown',
        zone_id: `${site.zone}-id`,
        zone_name: site.zone,
        network_type: 'Shared',
        traffic_type: 'Guest',
        vlan: `vlan://${pg.vlan}`,
        is_default: false,
        is_shared: true,
        can_use_for_deploy: false,
        is_system: false,
      });
    }
    portGroups.push({
      name: 'VM Network',
      vlan: 0,
      env: 'legacy',
      role: 'flat',
      liveNetworkId: null,
      testNetworkId: null,
    });
    return {
      name: site.dc,
      vcenter: site.vcenter,
      zone: site.zone,
      datastores,
      portGroups,
      failureFactor: site.failure,
    };
  });

  return {
    seed,
    datacenters,
    networks,
    osseaConfig: {
      name: 'ossea-primary',
      api_url: 'https://cloudstack.example.com/client/api',
      api_key: `demo-${rng.hex(40)}`,
      secret_key: `demo-${rng.hex(40)}`,
      zone: 'zone-a',
      network_id: networks[0]?.id ?? '',
    },
  };
}

const mac = (rng: Rng) => `00:50:56:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}`;

/** One VM's static spec. Independent stream per VM index. */
export function buildVm(world: World, index: number): VmSpec {
  const rng = Rng.derive(world.seed, index);
  // Bigger sites hold more VMs; the lab few.
  const dc = rng.weighted(world.datacenters.map((d, i) => [d, d.name === 'DC-Lab' ? 1 : 6 - i] as const));
  const primary = rng.pick(dc.portGroups.filter((p) => p.vlan !== 0));
  const name = `${dc.name.slice(3, 6).toLowerCase()}-${primary.role}-${primary.env}-${String(index + 1).padStart(4, '0')}`;
  const nicCount = rng.weighted([
    [1, 6],
    [2, 3],
    [3, 1.5],
    [4, 0.5],
  ] as const);
  const nicNetworks = [primary];
  while (nicNetworks.length < nicCount) {
    const extra = rng.chance(0.1) ? dc.portGroups[dc.portGroups.length - 1] : rng.pick(dc.portGroups);
    if (!nicNetworks.includes(extra)) nicNetworks.push(extra);
    else if (nicNetworks.length >= dc.portGroups.length) break;
  }
  const nics: Nic[] = nicNetworks.map((pg, i) => ({
    name: `Network adapter ${i + 1}`,
    type: 'vmxnet3',
    connected: rng.chance(0.97),
    mac_address: mac(rng),
    label: `Network adapter ${i + 1}`,
    network_name: pg.name,
    adapter_type: rng.chance(0.9) ? 'vmxnet3' : 'e1000e',
  }));

  const diskCount = rng.weighted([
    [1, 3],
    [2, 4],
    [3, 2],
    [4, 1],
    [5, 0.5],
    [6, 0.3],
  ] as const);
  const homeStore = rng.pick(dc.datastores);
  const disks: DiskSpec[] = [];
  for (let d = 0; d < diskCount; d++) {
    const datastore = d > 0 && rng.chance(0.2) ? rng.pick(dc.datastores) : homeStore;
    const sizeGb =
      d === 0 ? rng.pick([40, 60, 80, 100, 120]) : rng.pick([50, 100, 200, 250, 500, 750, 1000, 2000]);
    disks.push({
      diskId: `disk-${2000 + d}`,
      label: `Hard disk ${d + 1}`,
      unitNumber: d,
      sizeGb,
      usedFraction: rng.between(0.25, 0.8),
      datastore,
      provisioning: rng.weighted([
        ['thin', 6],
        ['thick', 2],
        ['eagerZeroedThick', 1],
      ] as const),
      path: `[${datastore.name}] ${name}/${name}${d === 0 ? '' : `_${d}`}.vmdk`,
    });
  }
  return {
    index,
    name,
    vmwareId: `vm-${1000 + index * 7 + rng.int(0, 6)}`,
    contextId: rng.uuid(),
    dc,
    env: primary.env,
    role: primary.role,
    os: rng.weighted(OS_TYPES),
    cpu: rng.pick([1, 2, 2, 4, 4, 8, 16]),
    memoryMb: rng.pick([2048, 4096, 8192, 8192, 16384, 32768, 65536]),
    toolsVersion: String(rng.pick([11333, 12320, 12352])),
    nics,
    disks,
    dailyChange: rng.between(
      0.003,
      primary.role === 'db' || primary.role === 'sql' || primary.role === 'exchange' ? 0.06 : 0.025,
    ),
    scheduleHour: rng.chance(0.85) ? rng.int(0, 5) : rng.int(6, 23),
  };
}
