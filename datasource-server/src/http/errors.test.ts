import { fromDatabaseError } from './errors';

describe('fromDatabaseError', () => {
  test.each([
    [
      'ER_WARN_DATA_OUT_OF_RANGE',
      "Out of range value for column 'vma_throughput_mbps' at row 1",
      422,
      'vma_throughput_mbps',
    ],
    ['ER_DATA_TOO_LONG', "Data too long for column 'network_strategy' at row 1", 422, 'network_strategy'],
    ['WARN_DATA_TRUNCATED', "Data truncated for column 'status' at row 1", 422, 'status'],
    [
      'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
      "Incorrect string value: '\\xF0\\x9F' for column 'name' at row 1",
      422,
      'name',
    ],
    ['ER_DATA_OUT_OF_RANGE', 'BIGINT value is out of range', 422, undefined],
    ['SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: status', 422, undefined],
    ['ER_DUP_ENTRY', "Duplicate entry 'a' for key 'x'", 409, undefined],
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.1.2.3:3306', 503, undefined],
  ])('%s (%s) answers %i', (code, message, status, column) => {
    const mapped = fromDatabaseError({ code, message });
    expect(mapped?.statusCode).toBe(status);
    if (column) expect(mapped?.message).toContain(`"${column}"`);
    // What reaches the client never repeats the driver's text (values, hosts).
    expect(mapped?.message).not.toContain(message);
    expect(mapped?.message).not.toMatch(/10\.1\.2\.3|xF0/);
  });

  test('anything else is a real fault, left to the 500 handler', () => {
    expect(
      fromDatabaseError({ code: 'ER_PARSE_ERROR', message: 'You have an error in your SQL syntax' }),
    ).toBeUndefined();
    expect(fromDatabaseError(new TypeError('x is not a function'))).toBeUndefined();
  });
});
