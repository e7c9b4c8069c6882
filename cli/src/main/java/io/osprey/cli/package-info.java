/** The {@code osprey} command line, after LiveKit's {@code lk}. */
package io.osprey.cli;
