// Running totals per API server. Counters at grid step k are the sum of the model's increments up to k
// (reset when the process restarted); state is advanced incrementally for increasing t, with checkpoints
// so that an earlier t only replays a few steps. Off-grid times interpolate counters linearly inside the
// step (floored for whole-number counters) and hold gauges.

import type { SeriesInfo } from "./catalogue";

/** What the engine needs from a model: model.ts (the LIST storm) and incident-model.ts (every other kind). */
export interface StepModel {
  readonly config: { readonly stepSeconds: number };
  readonly timeline: { readonly start: number };
  /** Grid index 0: where counters start accumulating. */
  readonly origin: number;
  readonly series: readonly SeriesInfo[];
  /** 1 for slots that accumulate (counters, histogram parts), 0 for gauges. */
  readonly cumulative: Uint8Array;
  newBuffer(): Float64Array;
  initial(instance: number, out: Float64Array): void;
  step(instance: number, t: number, out: Float64Array): void;
  processStart(instance: number, t: number): number;
}

const CHECKPOINT_EVERY = 60;

export class InstanceEngine {
  private state: Float64Array;
  /** Grid index (0 = start) that `state` describes. */
  private k = 0;
  private readonly checkpoints = new Map<number, Float64Array>();
  private readonly scratch: Float64Array;
  /** Memo of the increments of step `nextK`, computed for an interpolation and reused when advancing. */
  private next: { k: number; values: Float64Array } | null = null;

  constructor(
    private readonly model: StepModel,
    private readonly instance: number,
  ) {
    this.state = model.newBuffer();
    model.initial(instance, this.state);
    this.checkpoints.set(0, this.state.slice());
    this.scratch = model.newBuffer();
  }

  /** Grid index 0: where counters start accumulating (see ScenarioModel.origin). */
  private get start(): number {
    return this.model.origin;
  }

  private get step(): number {
    return this.model.config.stepSeconds;
  }

  private timeOf(k: number): number {
    return this.start + k * this.step;
  }

  /** Increments of step k (covering (t_{k-1}, t_k]) and gauges at t_k. */
  private increments(k: number, into: Float64Array): Float64Array {
    if (this.next && this.next.k === k) {
      into.set(this.next.values);
      return into;
    }
    this.model.step(this.instance, this.timeOf(k), into);
    return into;
  }

  /** Whether the process restarted inside step k. */
  private restartsIn(k: number): boolean {
    const t = this.timeOf(k);
    const processStart = this.model.processStart(this.instance, t);
    return processStart > t - this.step && processStart <= t;
  }

  private moveTo(target: number): void {
    if (target < this.k) {
      let from = 0;
      for (const c of this.checkpoints.keys()) if (c <= target && c > from) from = c;
      this.state = this.checkpoints.get(from)!.slice();
      this.k = from;
    }
    const cumulative = this.model.cumulative;
    while (this.k < target) {
      const k = this.k + 1;
      const inc = this.increments(k, this.scratch);
      const reset = this.restartsIn(k);
      const s = this.state;
      for (let i = 0; i < s.length; i++) {
        if (cumulative[i]) s[i] = reset ? inc[i] : s[i] + inc[i];
        else s[i] = inc[i];
      }
      this.k = k;
      if (k % CHECKPOINT_EVERY === 0 && !this.checkpoints.has(k)) this.checkpoints.set(k, s.slice());
    }
  }

  /**
   * Values of every catalogue slot at time t (NaN = not exposed). The returned array is owned by the engine
   * and overwritten by the next call; copy it to keep it.
   */
  valuesAt(t: number, out: Float64Array): Float64Array {
    const first = this.model.timeline.start;
    if (!(t >= first)) throw new RangeError(`t=${t} is before the scenario start ${first}`);
    const offset = (t - this.start) / this.step;
    const k = Math.floor(offset + 1e-9);
    this.moveTo(k);
    const frac = offset - k;
    if (frac < 1e-9) {
      out.set(this.state);
    } else {
      this.interpolate(k, t, frac, out);
    }
    this.applyPresence(out);
    return out;
  }

  private interpolate(k: number, t: number, frac: number, out: Float64Array): void {
    const inc = this.model.newBuffer();
    this.model.step(this.instance, this.timeOf(k + 1), inc);
    this.next = { k: k + 1, values: inc };
    const series = this.model.series;
    const cumulative = this.model.cumulative;
    const s = this.state;
    if (this.restartsIn(k + 1)) {
      const processStart = this.model.processStart(this.instance, this.timeOf(k + 1));
      if (t < processStart) {
        out.set(s); // the old process, until it stops
        return;
      }
      // The new process: counters grow from 0 over (processStart, t_{k+1}], gauges are the new process's.
      const f = (t - processStart) / (this.timeOf(k + 1) - processStart);
      for (let i = 0; i < s.length; i++) {
        if (cumulative[i]) out[i] = series[i].integer ? Math.floor(inc[i] * f + 1e-9) : inc[i] * f;
        else out[i] = inc[i];
      }
      return;
    }
    for (let i = 0; i < s.length; i++) {
      if (cumulative[i]) {
        const v = s[i] + inc[i] * frac;
        out[i] = series[i].integer ? Math.floor(v + 1e-9) : v;
      } else {
        out[i] = s[i];
      }
    }
  }

  /** Lazy series (no rejection yet → no series) are absent while their presence slot is 0. */
  private applyPresence(out: Float64Array): void {
    const series = this.model.series;
    for (let i = 0; i < series.length; i++) {
      const info = series[i];
      if (info.lazy && !(out[info.presenceIndex] > 0)) out[i] = NaN;
    }
  }
}
