// Deterministic, order-independent noise. Every random-looking number in the scenario is a pure function
// of (seed, a stable key of the thing it perturbs, the time step), so values never depend on how many
// other series exist or in which order they are computed, and any step can be recomputed on its own.

/** 32-bit FNV-1a of a string: turns stable series/stream names into numeric noise keys. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Avalanche finaliser from MurmurHash3; good enough to decorrelate neighbouring inputs. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(seed: number, key: number, step: number, salt: number): number {
  let h = fmix32((seed ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ key) >>> 0);
  h = fmix32((h ^ (step | 0)) >>> 0);
  // `step` may exceed 2^31 only in absurd horizons; fold the high part in anyway.
  h = fmix32((h ^ Math.floor(step / 4294967296)) >>> 0);
  return fmix32((h ^ salt) >>> 0);
}

export class Noise {
  constructor(private readonly seed: number) {}

  /** Uniform in [0, 1). */
  uniform(key: number, step: number, salt = 0): number {
    return mix(this.seed, key, step, salt) / 4294967296;
  }

  /** Standard normal (Box–Muller on two independent uniforms). */
  gaussian(key: number, step: number, salt = 0): number {
    const u1 = (mix(this.seed, key, step, salt * 2 + 1) + 1) / 4294967297; // (0, 1]
    const u2 = mix(this.seed, key, step, salt * 2 + 2) / 4294967296;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Unbiased integer rounding: floor(x + u). Keeps small per-step rates (0.3 req/step) right on average. */
  round(x: number, key: number, step: number, salt = 0): number {
    if (x <= 0) return 0;
    return Math.floor(x + this.uniform(key, step, salt + 7919));
  }
}
