/** Stateless codecs of WebRTC wire formats, one RFC-cited type per file. JDK only. */
package io.osprey.wire;
