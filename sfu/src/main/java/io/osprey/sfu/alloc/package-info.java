/** Downstream bandwidth allocation across a subscriber's video tracks (layer choice, pausing). */
package io.osprey.sfu.alloc;
