import { Type, type Static } from '@sinclair/typebox';
import { Nullable, NullableTimestamp, StringEnum } from './common';
import { MAPPING_TYPES, MAPPING_VALIDATION_STATUSES } from './enums';

const MAX_TAGS = 32;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

/** A CloudStack network as `listNetworks` describes it (snake_case field names). */
export const CloudStackNetwork = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    display_text: Type.Optional(Type.String({ maxLength: 1024 })),
    state: Type.Optional(Type.String({ maxLength: 64 })),
    zone_id: Type.Optional(Type.String({ maxLength: 255 })),
    zone_name: Type.Optional(Type.String({ maxLength: 255 })),
    network_type: Type.Optional(Type.String({ maxLength: 64 })),
    traffic_type: Type.Optional(Type.String({ maxLength: 64 })),
    gateway: Type.Optional(Type.String({ maxLength: 64 })),
    netmask: Type.Optional(Type.String({ maxLength: 64 })),
    cidr: Type.Optional(Type.String({ maxLength: 64 })),
    vlan: Type.Optional(Type.String({ maxLength: 64 })),
    broadcast_uri: Type.Optional(Type.String({ maxLength: 255 })),
    is_default: Type.Optional(Type.Boolean()),
    is_shared: Type.Optional(Type.Boolean()),
    can_use_for_deploy: Type.Optional(Type.Boolean()),
    is_system: Type.Optional(Type.Boolean()),
    // Bounded so that the JSON text always fits the TEXT column it is kept in.
    tags: Type.Optional(
      Type.Union([
        Type.Array(
          Type.Object(
            {
              key: Type.String({ maxLength: MAX_TAG_KEY }),
              value: Type.String({ maxLength: MAX_TAG_VALUE }),
            },
            { additionalProperties: false },
          ),
          { maxItems: MAX_TAGS },
        ),
        Type.Record(Type.String(), Type.String({ maxLength: MAX_TAG_VALUE }), {
          maxProperties: MAX_TAGS,
          propertyNames: { maxLength: MAX_TAG_KEY },
        }),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type CloudStackNetwork = Static<typeof CloudStackNetwork>;

export const AvailableNetworks = Type.Object({
  success: Type.Boolean(),
  data: Type.Array(CloudStackNetwork),
});

/** PUT body: the same shape GET returns, so an operator can GET, edit and PUT back. */
export const ReplaceAvailableNetworks = Type.Object(
  { data: Type.Array(CloudStackNetwork, { maxItems: 10_000 }) },
  { additionalProperties: false },
);

export const SourceNetwork = Type.Object({
  network_name: Type.String(),
  vm_count: Type.Integer(),
  nic_count: Type.Integer(),
  vcenters: Type.Array(Type.String()),
  mapped_live: Type.Integer({ description: 'VMs with a live mapping for this network' }),
  mapped_test: Type.Integer({ description: 'VMs with a test mapping for this network' }),
});
export type SourceNetwork = Static<typeof SourceNetwork>;

export const NetworkMapping = Type.Object({
  id: Type.Integer(),
  vm_id: Type.String(),
  source_network_name: Type.String(),
  destination_network_id: Type.String(),
  destination_network_name: Type.String(),
  is_test_network: Type.Boolean(),
  vm_context_id: Nullable(Type.String()),
  vmware_vm_id: Nullable(Type.String()),
  validation_status: Nullable(StringEnum(MAPPING_VALIDATION_STATUSES)),
  mapping_type: Nullable(StringEnum(MAPPING_TYPES)),
  network_strategy: Nullable(Type.String()),
  last_validated: NullableTimestamp,
  created_at: NullableTimestamp,
  updated_at: NullableTimestamp,
});
export type NetworkMapping = Static<typeof NetworkMapping>;

export const CreateNetworkMapping = Type.Object(
  {
    vm_id: Type.String({ minLength: 1, maxLength: 255, description: 'VM name (or VMware UUID)' }),
    source_network_name: Type.String({ minLength: 1, maxLength: 255 }),
    destination_network_id: Type.String({ minLength: 1, maxLength: 255 }),
    destination_network_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    is_test_network: Type.Optional(Type.Boolean({ default: false })),
    network_strategy: Type.Optional(Type.String({ maxLength: 50 })),
  },
  { additionalProperties: false },
);
export type CreateNetworkMapping = Static<typeof CreateNetworkMapping>;

export const NetworkMappingQuery = Type.Object(
  {
    vm_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    source_network_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    is_test_network: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const DeleteNetworkMappingQuery = Type.Object(
  {
    vm_id: Type.String({ minLength: 1, maxLength: 255 }),
    source_network_name: Type.String({ minLength: 1, maxLength: 255 }),
    is_test_network: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const NetworkMappingList = Type.Object({
  mappings: Type.Array(NetworkMapping),
  count: Type.Integer(),
  next_cursor: Nullable(Type.String()),
});
