/** The echo protocol of the two-process benchmarks. */
export const ECHO_PROTOCOL = '/bench/echo/1.0.0'
