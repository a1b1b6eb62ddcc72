// The real-Prometheus helper lives in demo/prometheus.ts (the demo's own tests need it, and demo/ imports
// nothing outside itself); tests keep importing it from here.
export { PROMETHEUS_BIN, PROMTOOL_BIN, freePort, startPrometheus, type RunningPrometheus } from "../demo/prometheus";
