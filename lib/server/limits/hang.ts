// A backend that stopped answering, noticed once and then not waited for again by every panel.
//
// A browser opens at most six connections to a server: thirty panels waiting on a hung backend each take
// the full timeout, six at a time, and the last one shows its error minutes later. So: when a call runs
// into our timeout and the backend has answered nothing at all since that call was sent, the backend is
// hung. For `cooldownMs` every new call to it fails at once with that news; after that one call at a time
// goes through as a probe, the others still failing at once; any answer (even an error status) closes it.
// A backend that answers some queries while one of them is slow is not hung: its other answers count.
import "server-only";

export type Admission = "go" | "probe" | "refuse";

export class HangDetector {
  private lastAnswerAt = Number.NEGATIVE_INFINITY;
  private hungAt: number | null = null;
  private probing = false;

  constructor(private readonly cooldownMs: () => number) {}

  /** Whether a call may be sent now. A "probe" must be followed by done("probe"). */
  enter(nowMs: number): Admission {
    if (this.hungAt === null) return "go";
    if (nowMs - this.hungAt < this.cooldownMs()) return "refuse";
    if (this.probing) return "refuse";
    this.probing = true;
    return "probe";
  }

  done(admission: Admission): void {
    if (admission === "probe") this.probing = false;
  }

  /** The backend answered (any HTTP status). */
  answered(nowMs: number): void {
    this.lastAnswerAt = Math.max(this.lastAnswerAt, nowMs);
    this.hungAt = null;
  }

  /** A call sent at `sentAtMs` got no answer within our timeout. */
  noAnswer(sentAtMs: number, nowMs: number): void {
    if (this.lastAnswerAt < sentAtMs) this.hungAt = nowMs;
  }

  /** Since when the backend is considered hung, or null. */
  get since(): number | null {
    return this.hungAt;
  }
}
