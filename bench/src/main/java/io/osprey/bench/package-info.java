/** JMH micro-benchmarks of Osprey's hot paths and the load harness. */
package io.osprey.bench;
