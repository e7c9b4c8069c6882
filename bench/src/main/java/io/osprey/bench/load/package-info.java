/**
 * Reading what {@code bench/loadtest.sh} measured: its JSON lines ({@link io.osprey.bench.load.ResultLine}),
 * a JFR recording of the server cut to the measured windows ({@link io.osprey.bench.load.JfrWindow}),
 * and the plot of CPU per egress packet against subscriber count ({@link io.osprey.bench.load.CpuPerPacketPlot}).
 */
package io.osprey.bench.load;
