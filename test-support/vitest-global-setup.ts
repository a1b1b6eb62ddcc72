// Runs once before vitest starts its workers (they inherit the environment).
import { fixtureEnd } from "./fixtures";

export default function setup(): void {
  // One fixture end for the whole run: a default fixture's end is a 5-minute boundary of the clock, so
  // files starting minutes apart would each backfill the same scenario again (test-support/fixtures.ts).
  process.env.APISCOPE_FIXTURE_END ??= String(fixtureEnd(Date.now() / 1000));
}
