/**
 * The end-to-end benchmark: peerlink, js-libp2p and a raw JDK TLS socket measured side by side
 * in one run, interleaved, on warm processes ({@link io.peerlink.benchmarks.e2e.EndToEndBenchmark}).
 */
package io.peerlink.benchmarks.e2e;
