import { Alert, Button, Stack, Text } from '@grafana/ui';

import { adviseOn } from '../apply-errors';
import type { FlowError } from '../flow';

interface Props {
  error: FlowError;
  /** Retries the same request (an apply with the same Idempotency-Key). */
  onRetry?: () => void;
  retryDisabled?: boolean;
}

/** A failed dry run or apply: the server's message and what to do next. */
export function ErrorNotice({ error, onRetry, retryDisabled }: Props) {
  const advice = adviseOn(error);
  return (
    <Alert severity="error" title={advice.title}>
      <Stack direction="column" gap={1}>
        <Text>{error.message}</Text>
        <Text weight="medium">{advice.next}</Text>
        {advice.retry && onRetry && (
          <div>
            <Button size="sm" variant="secondary" icon="sync" onClick={onRetry} disabled={retryDisabled}>
              {error.during === 'apply' ? 'Retry apply' : 'Retry dry run'}
            </Button>
          </div>
        )}
      </Stack>
    </Alert>
  );
}
