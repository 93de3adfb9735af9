import type { BulkMappingResult } from '@oma-insights/contracts/network-mapping';

import { describeResult, recommendationRequest } from './apply';
import type { RecommendationEdge } from './topology-model';

const edge: RecommendationEdge = {
  kind: 'recommendation',
  id: 'rec',
  source: 'src:PG Dev',
  target: 'dst:n-9',
  sourceNetwork: 'PG Dev',
  networkId: 'n-9',
  networkName: 'dev',
  score: 0.8,
  reasons: [],
  vmCount: 4,
};

function result(summary: BulkMappingResult['summary'], invalid = 0, warnings = 0): BulkMappingResult {
  return {
    dry_run: false,
    applied: true,
    summary,
    changes: [],
    validation: {
      failover_type: 'live',
      valid: invalid === 0,
      summary: { vms: summary.vms_matched, valid: summary.vms_matched - invalid, invalid, warnings },
      results: [],
    },
  };
}

describe('recommendationRequest', () => {
  it('maps every VM of the source network to the recommended destination, for live failover', () => {
    expect(recommendationRequest(edge, 'live')).toEqual({
      selector: { source_network: 'PG Dev' },
      rules: [{ source_network: 'PG Dev', destination_network_id: 'n-9', is_test_network: false }],
      failover_type: 'live',
    });
  });

  it('writes test-network mappings for test failover', () => {
    const req = recommendationRequest(edge, 'test');
    expect(req.rules?.[0].is_test_network).toBe(true);
    expect(req.failover_type).toBe('test');
    expect(req).not.toHaveProperty('dry_run');
  });
});

describe('describeResult', () => {
  it('says what changed and that validation found nothing', () => {
    expect(describeResult(result({ vms_matched: 4, created: 3, updated: 1, unchanged: 0 }))).toBe(
      'Mapped 4 NICs (3 new, 1 changed, 0 unchanged) on 4 VMs. Validation: no issues.',
    );
  });

  it('says when nothing changed, and counts invalid VMs and warnings', () => {
    expect(describeResult(result({ vms_matched: 1, created: 0, updated: 0, unchanged: 1 }, 1))).toBe(
      'Nothing changed: 1 VM already mapped that way. Validation: 1 VM still invalid.',
    );
    expect(describeResult(result({ vms_matched: 2, created: 1, updated: 0, unchanged: 1 }, 0, 2))).toBe(
      'Mapped 1 NIC (1 new, 0 changed, 1 unchanged) on 2 VMs. Validation: 2 VMs with warnings.',
    );
  });
});
