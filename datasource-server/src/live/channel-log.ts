// One channel's numbered history: every message gets the next `seq` of the `epoch` (this
// process's, or the shared bus's numbers with Redis), and the last `capacity` messages are kept so that a client reconnecting with `since`/`epoch`
// gets exactly what it missed, or learns that it must re-read (resync). Pure: no sockets.
import type { LiveEvent, StreamPosition } from '../events/bus';

export interface LiveMessage {
  type: string;
  seq: number;
  epoch: string;
  timestamp: string;
  data: unknown;
}

export type Replay =
  | { kind: 'replay'; messages: LiveMessage[] }
  | { kind: 'resync'; reason: 'epoch_changed' | 'gap_not_held' | 'seq_ahead' };

export class ChannelLog {
  private readonly ring: LiveMessage[];
  /** How many messages, ending at lastSeq, the ring holds without a gap. */
  private held = 0;
  /** The seq of the newest message; 0 before any. */
  lastSeq = 0;

  constructor(
    public epoch: string,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
    this.ring = new Array<LiveMessage>(capacity);
  }

  /**
   * Numbers the event (next seq of this epoch), or keeps the number a shared bus gave it. A new
   * epoch or a jump in seq (entries this process never saw) starts the held history afresh.
   */
  append(event: LiveEvent, position?: StreamPosition): LiveMessage {
    const epoch = position?.epoch ?? this.epoch;
    const seq = position?.seq ?? this.lastSeq + 1;
    if (epoch !== this.epoch || seq !== this.lastSeq + 1) {
      this.epoch = epoch;
      this.held = 0;
    }
    const message: LiveMessage = {
      type: event.type,
      seq,
      epoch,
      timestamp: event.timestamp,
      data: event.data,
    };
    this.lastSeq = seq;
    this.ring[(seq - 1) % this.capacity] = message;
    this.held = Math.min(this.held + 1, this.capacity);
    return message;
  }

  /** Starts an empty log where a shared bus stands (an instance joining late); later appends follow it. */
  startAt(position: StreamPosition) {
    if (this.lastSeq !== 0) return;
    this.epoch = position.epoch;
    this.lastSeq = position.seq;
  }

  /** The oldest seq still held (lastSeq + 1 when nothing is). */
  get oldestSeq(): number {
    return this.lastSeq - this.held + 1;
  }

  /** Every message after `since`, in order, when all of them are still held. */
  since(since: number, epoch: string): Replay {
    if (epoch !== this.epoch) return { kind: 'resync', reason: 'epoch_changed' };
    if (since > this.lastSeq) return { kind: 'resync', reason: 'seq_ahead' };
    if (since + 1 < this.oldestSeq) return { kind: 'resync', reason: 'gap_not_held' };
    const messages: LiveMessage[] = [];
    for (let seq = since + 1; seq <= this.lastSeq; seq++) {
      messages.push(this.ring[(seq - 1) % this.capacity]);
    }
    return { kind: 'replay', messages };
  }
}
