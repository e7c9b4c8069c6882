/** A simulated network and a virtual-time driver for sans-IO peers, for tests. */
package io.osprey.testkit;
