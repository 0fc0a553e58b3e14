import type { FrameRate, FrameRateStatic, TickTime, TickTimeStatic } from '@adobe/premierepro';
import { official, unwrap } from './official.js';

export const TICKS_PER_SECOND = 254016000000n;

/** TickTime with BigInt internals: exact at any length, like the host's 64-bit ticks. */
export class DTickTime implements Partial<TickTime> {
  constructor(readonly big: bigint) {}
  get ticks(): string {
    return this.big.toString();
  }
  get ticksNumber(): number {
    return Number(this.big);
  }
  get seconds(): number {
    return Number(this.big) / Number(TICKS_PER_SECOND);
  }
  equals(other: TickTime): boolean {
    return unwrap<DTickTime>(other).big === this.big;
  }
  add(other: TickTime): TickTime {
    return tick(this.big + unwrap<DTickTime>(other).big);
  }
  subtract(other: TickTime): TickTime {
    return tick(this.big - unwrap<DTickTime>(other).big);
  }
  multiply(factor: number): TickTime {
    return tick(BigInt(Math.round(Number(this.big) * factor)));
  }
  divide(divisor: number): TickTime {
    return tick(BigInt(Math.round(Number(this.big) / divisor)));
  }
  alignToFrame(frameRate: FrameRate): TickTime {
    const tpf = BigInt(frameRate.ticksPerFrame);
    return tick((this.big / tpf) * tpf);
  }
  alignToNearestFrame(frameRate: FrameRate): TickTime {
    const tpf = BigInt(frameRate.ticksPerFrame);
    return tick(((this.big + tpf / 2n) / tpf) * tpf);
  }
}

export function tick(big: bigint): TickTime {
  return official<TickTime>(new DTickTime(big), 'TickTime');
}

export function ticksOf(t: TickTime): bigint {
  const impl = unwrap<DTickTime>(t);
  if (!(impl instanceof DTickTime)) throw new Error('Illegal Parameter type: expected a TickTime');
  return impl.big;
}

export class DFrameRate implements Partial<FrameRate> {
  constructor(
    readonly value: number,
    public ticksPerFrame: number,
  ) {}
  equals(other: FrameRate): boolean {
    return other.ticksPerFrame === this.ticksPerFrame;
  }
}

export function frameRate(value: number): FrameRate {
  // The host stores ticks per frame as an integer; every common rate divides exactly.
  return official<FrameRate>(new DFrameRate(value, Math.round(Number(TICKS_PER_SECOND) / value)), 'FrameRate');
}

export const TickTimeStaticDouble: TickTimeStatic = official<TickTimeStatic>(
  {
    createWithTicks: (ticks: string) => {
      if (!/^-?\d+$/.test(ticks)) throw new Error('Illegal Parameter type');
      return tick(BigInt(ticks));
    },
    createWithSeconds: (seconds: number) => tick(BigInt(Math.round(seconds * Number(TICKS_PER_SECOND)))),
    createWithFrameAndFrameRate: (frames: number, rate: FrameRate) => tick(BigInt(frames) * BigInt(rate.ticksPerFrame)),
    TIME_ZERO: tick(0n),
    TIME_ONE_SECOND: tick(TICKS_PER_SECOND),
    TIME_ONE_MINUTE: tick(TICKS_PER_SECOND * 60n),
    TIME_ONE_HOUR: tick(TICKS_PER_SECOND * 3600n),
  },
  'TickTime',
);

export const FrameRateStaticDouble: FrameRateStatic = official<FrameRateStatic>({ createWithValue: frameRate }, 'FrameRate');
