/**
 * Benchmarks: JMH micro-benchmarks of the data path (run with
 * {@code java -jar benchmarks/target/benchmarks.jar <regex>}) and end-to-end throughput runs
 * beside js-libp2p and a raw TLS socket. Built with the project so they always compile; run only
 * by their own commands, listed in docs/performance.md.
 */
package io.peerlink.benchmarks;
